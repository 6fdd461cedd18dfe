"""Real gangway-agent processes against a real gangwayd, observed with boto3 and the AWS CLI."""
import pathlib
import time

from conftest import Agent, online_instance, wait_for


def instances(gangwayd):
    ssm = gangwayd.boto3()
    pages = ssm.get_paginator("describe_instance_information").paginate()
    return {i["InstanceId"]: i for p in pages for i in p["InstanceInformationList"]}


def test_agents_show_online_with_labels(gangwayd, agents):
    a = agents("web-1", labels=[("eks:cluster-name", "prod"), ("eks:nodegroup-name", "ng-a")])
    b = agents("db-1")
    assert wait_for(lambda: a.instance_id and b.instance_id, 20), "agents did not register"
    online = wait_for(lambda: all(instances(gangwayd).get(x.instance_id, {}).get("PingStatus") == "Online"
                                  for x in (a, b)), 20)
    assert online, instances(gangwayd)
    info = instances(gangwayd)[a.instance_id]
    assert info["ComputerName"] == "web-1"
    assert info["PlatformType"] == "Linux"
    assert len(info["AgentVersion"].split(".")) == 4
    ssm = gangwayd.boto3()
    prod = ssm.describe_instance_information(Filters=[{"Key": "tag:eks:cluster-name", "Values": ["prod"]}])
    assert [i["InstanceId"] for i in prod["InstanceInformationList"]] == [a.instance_id]


def test_kill9_agent_becomes_connection_lost(gangwayd, agents):
    a = agents("victim")
    assert wait_for(lambda: instances(gangwayd).get(a.instance_id or "", {}).get("PingStatus") == "Online", 20)
    t0 = time.monotonic()
    a.kill9()
    lost = wait_for(lambda: instances(gangwayd)[a.instance_id]["PingStatus"] == "ConnectionLost", 10, 0.1)
    elapsed = time.monotonic() - t0
    assert lost
    assert elapsed <= 3 + 2, f"ConnectionLost after {elapsed:.1f} s (window 3 s)"


def test_agents_return_after_gangwayd_restart(gangwayd, agents):
    a = agents("survivor")
    assert wait_for(lambda: instances(gangwayd).get(a.instance_id or "", {}).get("PingStatus") == "Online", 20)
    gangwayd.restart()
    t0 = time.monotonic()
    back = wait_for(lambda: instances(gangwayd).get(a.instance_id, {}).get("PingStatus") == "Online", 30, 0.2)
    assert back, f"agent not back Online {time.monotonic() - t0:.1f} s after restart"


def test_start_describe_terminate_session(gangwayd, agents, aws):
    a = agents("shell-host")
    assert wait_for(lambda: instances(gangwayd).get(a.instance_id or "", {}).get("PingStatus") == "Online", 20)
    ssm = gangwayd.boto3()
    started = ssm.start_session(Target=a.instance_id, Reason="peer test")
    sid = started["SessionId"]
    assert sid.startswith("alice-") and len(sid) == len("alice-") + 17
    assert started["StreamUrl"].startswith(gangwayd.url.replace("http://", "ws://") + "/v1/data-channel/" + sid)
    assert started["TokenValue"]

    code, out = aws("ssm", "describe-sessions", "--state", "Active")
    assert code == 0, out
    assert [s["SessionId"] for s in out["Sessions"]] == [sid]
    assert out["Sessions"][0]["Target"] == a.instance_id

    code, out = aws("ssm", "terminate-session", "--session-id", sid)
    assert code == 0, out
    assert out["SessionId"] == sid

    def history():
        sessions = ssm.describe_sessions(State="History")["Sessions"]
        return [s for s in sessions if s["SessionId"] == sid and s["Status"] == "Terminated"]
    done = wait_for(history, 10)
    assert done and done[0]["EndDate"] >= done[0]["StartDate"]


def test_two_agents_sharing_one_identity_do_not_fight_over_it(gangwayd, agents, tmp_path):
    """A copied state directory (a machine image taken from a registered host): both agents hold one identity.
    gangwayd serves one control channel per identity, so the second replaces the first; the replaced agent says why
    and how to fix it, and waits a minute instead of taking the channel straight back (they traded it several times a
    second, and an operator's session landed on either host)."""
    import shutil
    import time
    original = agents("original")
    instance = wait_for(lambda: original.instance_id, timeout=20)
    assert instance and online_instance(gangwayd) == instance
    shutil.copytree(original.state_dir, tmp_path / "agent-copy")
    copy = Agent(gangwayd, tmp_path, "copy")  # finds the copied identity; its token is never used
    try:
        assert wait_for(lambda: "this agent's identity" in pathlib.Path(str(original.state_dir) + ".log").read_text(),
                        timeout=20)
        time.sleep(5)
        log = (pathlib.Path(gangwayd.data_dir) / "gangwayd.log").read_text()
        opens = [line for line in log.splitlines() if "agent control channel open" in line and instance in line]
        assert len(opens) <= 3, f"{len(opens)} control channel opens for {instance} in a few seconds"
        assert "delete identity.json" in pathlib.Path(str(original.state_dir) + ".log").read_text()
    finally:
        copy.stop()


def test_an_unusable_server_url_is_refused_at_start(tmp_path):
    """A --server the agent could never reach (not http/https, no host) is an error at start, not a retry loop."""
    import subprocess
    from conftest import binary
    for server in ("ftp://gangwayd.example", "gangwayd.example:8443"):
        p = subprocess.run([binary("gangway-agent"), "--server", server, "--token", "t", "--state-dir",
                            str(tmp_path / "state")], capture_output=True, text=True, timeout=20)
        assert p.returncode != 0
        assert "--server must be an http:// or https:// URL with a host" in p.stderr, p.stderr
