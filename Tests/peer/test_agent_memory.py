"""gangway-agent gives back the memory a burst of sessions used: concurrent sessions printing megabytes grow its heap
(send windows, socket and terminal buffers); once they end its resident size returns near where it started instead of
staying at the peak for the life of the process."""
import subprocess
import time

from conftest import binary, key_env, online_instance, wait_for


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_agent_memory_returns_after_a_burst_of_floods(gangwayd, agents, tmp_path):
    agent = agents("burst")
    g = gangwayd
    target = online_instance(g)
    env = key_env(tmp_path, g.key)
    time.sleep(1)
    baseline = rss_kib(agent.proc.pid)
    size = 15_000_000
    clients = []
    for i in range(16):
        out = open(tmp_path / f"flood-{i}.out", "wb")
        p = subprocess.Popen([binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region",
                              "us-east-1"], stdin=subprocess.PIPE, stdout=out, stderr=subprocess.DEVNULL, env=env)
        p.stdin.write(f"head -c {size} /dev/zero | tr '\\0' y; echo; echo done-$((6*7)); exit 0\n".encode())
        p.stdin.close()
        clients.append((p, out, tmp_path / f"flood-{i}.out"))
    peak = baseline
    while any(p.poll() is None for p, _, _ in clients):
        peak = max(peak, rss_kib(agent.proc.pid))
        time.sleep(0.1)
    for p, out, path in clients:
        out.close()
        data = path.read_bytes()
        assert p.returncode == 0 and data.count(b"y") >= size and b"done-42" in data, (p.returncode, len(data))
    limit = max(baseline + 40 * 1024, peak // 2)
    settled = wait_for(lambda: rss_kib(agent.proc.pid) <= limit, timeout=8)
    after = rss_kib(agent.proc.pid)
    assert settled, f"agent RSS {after} KiB after the burst (baseline {baseline}, peak {peak}, limit {limit})"
