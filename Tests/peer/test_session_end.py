"""The end of a session does not cut its output: a shell that exits while the client is still seconds behind
(reading slowly) ends the session only after the client has everything, and `gangway connect` returns its exit code."""
import subprocess
import time

from conftest import binary, key_env, online_instance


def test_a_slow_reader_gets_all_output_and_the_exit_code(gangwayd, agents, tmp_path):
    agents("slowreader")
    g = gangwayd
    target = online_instance(g)
    env = key_env(tmp_path, g.key)
    size = 6_000_000
    p = subprocess.Popen([binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region", "us-east-1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdin.write(f"head -c {size} /dev/zero | tr '\\0' y; echo; echo end-$((6*7)); exit 5\n".encode())
    p.stdin.flush()
    # ~1.3 MB/s: the shell is done long before the client has read its output (the agent's send window and
    # gangwayd's buffer for the client hold megabytes of it).
    out = bytearray()
    started = time.monotonic()
    while True:
        chunk = p.stdout.read1(65536)
        if not chunk:
            break
        out += chunk
        time.sleep(0.05)
    p.wait(timeout=60)
    err = p.stderr.read().decode(errors="replace")
    took = time.monotonic() - started
    assert out.count(b"y") >= size, (out.count(b"y"), err[-300:])
    assert b"end-42" in out, err[-300:]
    assert p.returncode == 5, (p.returncode, err[-300:])
    assert took > 3, f"the reader was not slow enough to test anything ({took:.1f} s)"
