"""`gangway terminate`: ending sessions from a script, by id or by DescribeSessions filter (everyone on a host before
its reboot, one user's sessions during an incident). Real gangwayd, real gangway-agent, a live `gangway connect`."""
import subprocess

from conftest import binary, key_env, wait_for


def test_terminate_by_filter_ends_a_live_connect_and_only_the_matching_sessions(gangwayd, agents, tmp_path):
    agents("web-1")
    agents("db-1")
    assert wait_for(lambda: len([i for i in gangwayd.boto3().describe_instance_information()["InstanceInformationList"]
                                 if i["PingStatus"] == "Online"]) == 2, timeout=20)
    by_name = {i["ComputerName"]: i["InstanceId"] for i in
               gangwayd.boto3().describe_instance_information()["InstanceInformationList"]}
    web, db = by_name["web-1"], by_name["db-1"]
    env = key_env(tmp_path, gangwayd.key)
    common = ["--endpoint-url", gangwayd.url, "--region", "us-east-1"]
    ssm = gangwayd.boto3()

    # A live shell on web-1 through `gangway connect` (stdin stays open), and a session on db-1.
    connect = subprocess.Popen([binary("gangway"), "connect", web] + common, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        connect.stdin.write(b"echo live-$((6*7))\n")
        connect.stdin.flush()
        assert wait_for(lambda: [s for s in ssm.describe_sessions(State="Active")["Sessions"]
                                 if s["Target"] == web and s["Status"] == "Connected"], timeout=20)
        other = ssm.start_session(Target=db)["SessionId"]

        out = subprocess.run([binary("gangway"), "terminate", "--filter", f"Target={web}"] + common, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        ended = [line.split()[1] for line in out.stdout.splitlines()]
        assert len(ended) == 1 and out.stdout.startswith("terminated "), out.stdout

        # The live client is told and exits; the session is in the history as terminated by alice.
        connect.wait(timeout=20)
        history = {s["SessionId"]: s for s in ssm.describe_sessions(State="History")["Sessions"]}
        assert history[ended[0]]["Status"] == "Terminated"
        assert "was terminated by alice" in history[ended[0]]["Details"], history[ended[0]]
        # db-1's session was not touched.
        assert other in [s["SessionId"] for s in ssm.describe_sessions(State="Active")["Sessions"]]

        # By id, then a second time (already ended) and an unknown id: each named, exit 1 for the unknown one.
        out = subprocess.run([binary("gangway"), "terminate", other] + common, env=env, capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0 and out.stdout == f"terminated {other}\n", (out.stdout, out.stderr)
        missing = "alice-0000000000000000a"
        out = subprocess.run([binary("gangway"), "terminate", missing] + common, env=env, capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 1 and f"{missing}: DoesNotExistException" in out.stderr, (out.stdout, out.stderr)

        # Nothing left to match: said on stderr, exit 0; nothing named at all: a usage error.
        out = subprocess.run([binary("gangway"), "terminate", "--filter", f"Target={web}"] + common, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "no active session matches" in out.stderr, out.stderr
        out = subprocess.run([binary("gangway"), "terminate"] + common, env=env, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 64 and "session ids, or --filter" in out.stderr, out.stderr
    finally:
        if connect.poll() is None:
            connect.kill()
