"""`gangwayd serve` flags: bad values are refused before anything listens, with the flag named."""
import pathlib
import signal
import subprocess

import pytest

from conftest import Agent, Gangwayd, binary, key_env, online_instance, wait_for


@pytest.mark.parametrize("flag,value,message", [
    ("--client-ack-budget", "100", "client-ack-budget must be at least 65536 bytes, got 100"),
    ("--slow-client-cutoff", "0", "slow-client-cutoff must be a positive number of seconds"),
    ("--idle-timeout", "61", "idle-timeout must be 1–60 minutes, got 61"),
])
def test_serve_refuses_bad_flag_values(tmp_path, flag, value, message):
    p = subprocess.run([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        flag, value], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert message in p.stderr, p.stderr
    assert "listening on" not in p.stdout


def test_serve_accepts_flow_control_flags(tmp_path):
    p = subprocess.Popen([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                          "--client-ack-budget", "1048576", "--slow-client-cutoff", "5"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().startswith("listening on http://127.0.0.1:")
    finally:
        p.terminate()
        p.wait(timeout=10)


@pytest.mark.parametrize("listen,warned", [("0.0.0.0:0", True), ("127.0.0.1:0", False)])
def test_plaintext_beyond_loopback_is_warned_about(tmp_path, listen, warned):
    p = subprocess.Popen([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", listen],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().startswith("listening on http://")
    finally:
        p.terminate()
        _, err = p.communicate(timeout=10)
    assert ("without TLS" in err) == warned, err


def test_a_bad_config_file_is_refused_naming_the_line(tmp_path):
    cfg = tmp_path / "gangwayd.toml"
    cfg.write_text('# settings\nlisten = "127.0.0.1:0\n')
    p = subprocess.run([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--config", str(cfg)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "config line 2: unterminated string" in p.stderr, p.stderr
    assert "listening on" not in p.stdout


def test_serve_refuses_both_event_loop_layouts(tmp_path):
    p = subprocess.run([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        "--single-event-loop", "--all-event-loops"], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "--single-event-loop and --all-event-loops contradict each other" in p.stderr, p.stderr


def test_serve_on_all_event_loops_runs_a_whole_session(tmp_path):
    """`--all-event-loops` (one loop per core; the default is one loop): a session's client and agent sockets may sit
    on different threads, and output, input and the exit code still cross between them."""
    g = Gangwayd(tmp_path, extra_args=["--all-event-loops"])
    agent = Agent(g, tmp_path, "all-loops")
    try:
        target = online_instance(g)
        env = key_env(tmp_path, g.key)
        p = subprocess.run([binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region", "us-east-1"],
                           input="head -c 3000000 /dev/zero | tr '\\0' z | wc -c; echo loop-$((6*7)); exit 4\n",
                           env=env, capture_output=True, text=True, timeout=60)
        assert "3000000" in p.stdout and "loop-42" in p.stdout, (p.stdout[-500:], p.stderr)
        assert p.returncode == 4, (p.returncode, p.stderr)
    finally:
        agent.stop()
        g.stop()


def test_a_second_server_on_the_same_data_directory_is_refused(tmp_path):
    """One `gangwayd serve` per data directory: two would both append to the hash-chained audit log. The second one
    exits at once naming the first one's pid; the first keeps serving; after the first is killed (-9) a new one starts."""
    g = Gangwayd(tmp_path)
    try:
        p = subprocess.run([binary("gangwayd"), "serve", "--data-dir", g.data_dir, "--listen", "127.0.0.1:0"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode != 0
        assert f"is in use by another gangwayd serve (pid {g.proc.pid})" in p.stderr, p.stderr
        assert "listening on" not in p.stdout
        assert g.boto3().describe_sessions(State="Active")["Sessions"] == []
        g.proc.kill()
        g.proc.wait(timeout=10)
        g.start()
        assert g.boto3().describe_sessions(State="Active")["Sessions"] == []
    finally:
        g.stop()


def test_a_normal_stop_logs_no_error_and_ends_live_sessions(tmp_path):
    """SIGTERM with an agent connected, a live session and an idle API keep-alive: gangwayd ends the session (the
    client hears why), stops within seconds and logs nothing at error level (operators alert on error lines)."""
    import time
    g = Gangwayd(tmp_path)
    agent = Agent(g, tmp_path, "stopping")
    try:
        target = online_instance(g)
        env = key_env(tmp_path, g.key)
        client = subprocess.Popen([binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region",
                                   "us-east-1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, text=True)
        client.stdin.write("echo live-$((6*7))\n")
        client.stdin.flush()
        assert wait_for(lambda: "live-42" in (client.stdout.readline() or ""), timeout=20)
        ssm = g.boto3()
        assert len(ssm.describe_sessions(State="Active")["Sessions"]) == 1  # leaves a keep-alive connection open
        start = time.monotonic()
        g.proc.send_signal(signal.SIGTERM)
        g.proc.wait(timeout=30)
        took = time.monotonic() - start
        out, err = client.communicate(timeout=30)
        assert "gangwayd is shutting down" in out + err, (out[-400:], err[-400:])
        log = (pathlib.Path(g.data_dir) / "gangwayd.log").read_text()
        errors = [line for line in log.splitlines() if " error " in line]
        assert errors == [], errors
        assert g.proc.returncode == 0
        assert took < 5, took
    finally:
        agent.stop()
        g.stop()
