"""Revocation through the stock AWS CLI against a real gangwayd: it holds, even with a key made afterwards, until
`gangwayd admin reinstate`; both admin actions reach the audit log (CloudTrail LookupEvents)."""
import json
import sqlite3
import subprocess
import time

from conftest import wait_for


def add_key_behind_the_admin_tool(gangwayd, user):
    """A key `key create` would refuse for a revoked user (as a stale script or a restored backup could add one)."""
    key = {"AccessKeyId": "AKGW" + "BACKDOOR" + str(int(time.time()))[-8:], "SecretAccessKey": "s" * 40}
    db = sqlite3.connect(f"{gangwayd.data_dir}/gangway.sqlite", timeout=5)
    with db:
        db.execute("INSERT INTO access_keys (access_key_id, secret, principal, kind, created_at, active) "
                   "VALUES (?, ?, ?, 'user', ?, 1)", (key["AccessKeyId"], key["SecretAccessKey"], user, time.time()))
    db.close()
    return key


def aws_with(gangwayd, tmp_path, key, *args):
    import os
    config = tmp_path / "aws-config-2"
    creds = tmp_path / "aws-credentials-2"
    config.write_text("[profile k]\nregion = eu-west-1\noutput = json\n")
    creds.write_text(f"[k]\naws_access_key_id = {key['AccessKeyId']}\naws_secret_access_key = {key['SecretAccessKey']}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(creds), AWS_PROFILE="k")
    p = subprocess.run(["aws", *args, "--endpoint-url", gangwayd.url], env=env, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else p.stderr)


def admin_fails(gangwayd, *args):
    p = subprocess.run([gangwayd.bin, "admin", "--data-dir", gangwayd.data_dir, *args], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stderr


def test_revocation_holds_with_a_new_key_until_reinstated_and_is_audited(gangwayd, aws, tmp_path):
    gangwayd.admin("user", "create", "auditor")
    gangwayd.admin("policy", "attach", "--user", "auditor", "--policy", "ReadOnlyAccess")
    auditor = json.loads(gangwayd.admin("key", "create", "auditor"))
    code, out = aws("ssm", "describe-sessions", "--state", "Active")
    assert code == 0, out

    print(gangwayd.admin("revoke", "alice", "--reason", "laptop stolen"))
    code, out = aws("ssm", "describe-sessions", "--state", "Active")
    assert code != 0 and "UnrecognizedClientException" in out, out

    code, err = admin_fails(gangwayd, "key", "create", "alice")
    assert code != 0
    assert "alice was revoked at" in err and "laptop stolen" in err and "reinstate alice" in err, err

    key = add_key_behind_the_admin_tool(gangwayd, "alice")
    for args in (["ssm", "describe-sessions", "--state", "Active"],
                 ["ssm", "start-session", "--target", "mi-0123456789abcdef0"],
                 ["ssm", "describe-instance-information"]):
        code, out = aws_with(gangwayd, tmp_path, key, *args)
        assert code != 0, args
        assert "AccessDeniedException" in out, out
        assert "principal alice was revoked at" in out and "laptop stolen" in out, out

    print(gangwayd.admin("reinstate", "alice"))
    code, out = aws_with(gangwayd, tmp_path, key, "ssm", "describe-sessions", "--state", "Active")
    assert code == 0, out
    assert "AccessKeyId" in gangwayd.admin("key", "create", "alice")

    def admin_events():
        code, out = aws_with(gangwayd, tmp_path, auditor, "cloudtrail", "lookup-events", "--lookup-attributes",
                             "AttributeKey=EventSource,AttributeValue=gangway")
        assert code == 0, out
        return sorted(e["EventName"] for e in out["Events"]
                      if e["EventName"] in ("RevokePrincipal", "ReinstatePrincipal"))

    assert wait_for(lambda: admin_events() == ["ReinstatePrincipal", "RevokePrincipal"], timeout=5), admin_events()

    code, out = aws_with(gangwayd, tmp_path, auditor, "cloudtrail", "lookup-events", "--lookup-attributes",
                         "AttributeKey=Username,AttributeValue=alice")
    assert code == 0, out
    denied = [json.loads(e["CloudTrailEvent"]) for e in out["Events"]]
    denied = [r for r in denied if r.get("errorCode") == "AccessDeniedException"]
    assert len(denied) == 3 and all("was revoked at" in r["errorMessage"] for r in denied), denied


def test_revoking_a_host_cuts_its_channel_and_sessions_and_refuses_new_ones(gangwayd, agents, aws, tmp_path):
    """`gangwayd admin revoke mi-…` (a compromised or retired host): its control channel closes (ConnectionLost at
    once, not after connection_lost_after), a live session on it ends with the reason, StartSession to it is refused
    saying why, and the disconnection is audited. It used to stay Online, and StartSession to it was accepted."""
    from conftest import online_instance
    agents("to-revoke")
    target = online_instance(gangwayd)
    ssm = gangwayd.boto3()
    sid = ssm.start_session(Target=target)["SessionId"]
    assert wait_for(lambda: [s for s in ssm.describe_sessions(State="Active")["Sessions"] if s["SessionId"] == sid], 10)

    print(gangwayd.admin("revoke", target, "--reason", "host compromised"))

    def ping():
        info = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [target]}])
        return info["InstanceInformationList"][0]["PingStatus"]
    assert wait_for(lambda: ping() == "ConnectionLost", timeout=10), ping()

    def ended():
        return [s for s in ssm.describe_sessions(State="History")["Sessions"] if s["SessionId"] == sid]
    assert wait_for(ended, timeout=10)
    assert f"access to {target} was revoked (host compromised)" in ended()[0]["Details"], ended()[0]

    code, out = aws("ssm", "start-session", "--target", target)
    assert code != 0
    assert "TargetNotConnected" in out and "is revoked (host compromised)" in out, out

    events = gangwayd.boto3("cloudtrail").lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "AgentDisconnected"}])["Events"]
    assert [e for e in events if target in json.dumps(e.get("Resources", []))], events

    # The agent says what happened and what brings the host back, instead of "cannot reach gangwayd".
    log = tmp_path / "agent-to-revoke.log"
    assert wait_for(lambda: "refuses this agent's credentials" in log.read_text(errors="replace"), timeout=15), \
        log.read_text(errors="replace")[-2000:]
    assert "delete identity.json" in log.read_text(errors="replace")
