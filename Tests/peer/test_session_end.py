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


def test_why_a_session_ended_is_in_gangway_sessions_json(gangwayd, agents, tmp_path):
    """DescribeSessions' Details (why it ended) reach `gangway sessions --history --output json`."""
    import json
    agents("details-host")
    g = gangwayd
    target = online_instance(g)
    ssm = g.boto3()
    sid = ssm.start_session(Target=target, Reason="check details")["SessionId"]
    ssm.terminate_session(SessionId=sid)
    env = key_env(tmp_path, g.key, HOME=str(tmp_path))
    p = subprocess.run([binary("gangway"), "sessions", "--history", "--output", "json", "--endpoint-url", g.url,
                        "--region", "us-east-1"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    rows = {r["id"]: r for r in json.loads(p.stdout)}
    assert rows[sid]["reason"] == "check details"
    assert rows[sid]["details"] == f"Session {sid} was terminated by alice.", rows[sid]


def test_a_session_no_client_opens_ends_and_its_shell_stops(tmp_path):
    """StartSession with nobody opening the stream (`aws ssm start-session` without session-manager-plugin): the
    session ends as Failed after --client-join-timeout, and the agent stops the shell it started for it."""
    from conftest import Agent, Gangwayd, wait_for
    g = Gangwayd(tmp_path, extra_args=["--client-join-timeout", "2"])
    a = Agent(g, tmp_path, "nobody-joins")
    try:
        target = online_instance(g)
        ssm = g.boto3()
        sid = ssm.start_session(Target=target)["SessionId"]

        def ended():
            return [s for s in ssm.describe_sessions(State="History")["Sessions"] if s["SessionId"] == sid]
        assert wait_for(ended, timeout=15)
        assert ended()[0]["Status"] == "Failed"
        assert "no client opened it within 2 s" in ended()[0]["Details"], ended()[0]
        log = tmp_path / "agent-nobody-joins.log"
        assert wait_for(lambda: f"session={sid}" in log.read_text(errors="replace")
                        and "shell exited" in log.read_text(errors="replace"), timeout=15), \
            log.read_text(errors="replace")[-2000:]
    finally:
        a.stop()
        g.stop()
