"""DeregisterManagedInstance through the stock AWS CLI and boto3: a decommissioned host (a replaced EKS node, a
deleted VM) leaves the fleet. Before, nothing removed an instance: every replaced node stayed ConnectionLost in
DescribeInstanceInformation, the console's fleet and its "Lost N" count for ever."""
import json

from conftest import online_instance, wait_for


def test_deregistering_a_host_removes_it_ends_its_sessions_and_refuses_its_agent(gangwayd, agents, aws, tmp_path):
    agents("node-old")
    target = online_instance(gangwayd)
    ssm = gangwayd.boto3()
    sid = ssm.start_session(Target=target)["SessionId"]
    assert wait_for(lambda: [s for s in ssm.describe_sessions(State="Active")["Sessions"] if s["SessionId"] == sid], 10)

    code, out = aws("ssm", "deregister-managed-instance", "--instance-id", target)
    assert code == 0, out

    # Gone from the fleet, its live session ended with the reason, its history kept.
    listed = [i["InstanceId"] for i in ssm.describe_instance_information()["InstanceInformationList"]]
    assert target not in listed, listed

    def ended():
        return [s for s in ssm.describe_sessions(State="History")["Sessions"] if s["SessionId"] == sid]
    assert wait_for(ended, timeout=10)
    assert f"managed instance {target} was deregistered by alice" in ended()[0]["Details"], ended()[0]

    # No new session, and the same call again is an error naming the id.
    code, out = aws("ssm", "start-session", "--target", target)
    assert code != 0 and "TargetNotConnected" in out, out
    code, out = aws("ssm", "deregister-managed-instance", "--instance-id", target)
    assert code != 0 and "InvalidInstanceId" in out and target in out, out

    # The agent still running on the host is refused from then on and says how to bring the host back; it does not
    # reappear in the fleet.
    log = tmp_path / "agent-node-old.log"
    assert wait_for(lambda: "refuses this agent's credentials" in log.read_text(errors="replace"), timeout=15), \
        log.read_text(errors="replace")[-2000:]
    listed = [i["InstanceId"] for i in ssm.describe_instance_information()["InstanceInformationList"]]
    assert target not in listed, listed

    # Audited with who did it.
    def audited():
        events = gangwayd.boto3("cloudtrail").lookup_events(LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "DeregisterManagedInstance"}])["Events"]
        return [e for e in events if target in json.dumps(e.get("Resources", [])) and e.get("Username") == "alice"]
    assert wait_for(audited, timeout=5)


def test_deregistering_needs_the_permission(gangwayd, agents, tmp_path):
    agents("node-kept")
    target = online_instance(gangwayd)
    gangwayd.admin("user", "create", "viewer")
    gangwayd.admin("policy", "attach", "--user", "viewer", "--policy", "ReadOnlyAccess")
    viewer = gangwayd.boto3(key=json.loads(gangwayd.admin("key", "create", "viewer")))
    try:
        viewer.deregister_managed_instance(InstanceId=target)
        raise AssertionError("a ReadOnlyAccess user deregistered an instance")
    except viewer.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDeniedException", e.response
        assert "ssm:DeregisterManagedInstance" in e.response["Error"]["Message"], e.response
    listed = [i["InstanceId"] for i in gangwayd.boto3().describe_instance_information()["InstanceInformationList"]]
    assert target in listed
