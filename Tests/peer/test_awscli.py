"""The stock AWS CLI against a real gangwayd: JSON output, pagination, error codes."""
import json
import urllib.request


def register_fake(gangwayd, name, labels=None):
    """Registers an instance through the HTTP registration endpoint (no agent process: it stays ConnectionLost)."""
    body = json.dumps({"RegistrationToken": gangwayd.agent_token(), "ComputerName": name, "PlatformType": "Linux",
                       "PlatformName": "Debian", "PlatformVersion": "12", "IPAddress": "10.0.0.1",
                       "AgentVersion": "3.3.0.0", "Labels": labels or {}}).encode()
    req = urllib.request.Request(gangwayd.url + "/gangway/v1/agents/register", data=body, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["InstanceId"]


def test_describe_instance_information_empty(aws):
    code, out = aws("ssm", "describe-instance-information")
    assert code == 0, out
    assert out["InstanceInformationList"] == []


def test_describe_instance_information_paginates_and_filters(gangwayd, aws):
    ids = sorted(register_fake(gangwayd, f"host-{i}", {"eks:cluster-name": "prod" if i % 2 else "dev"})
                 for i in range(12))
    # --max-items/--page-size make the CLI follow NextToken page by page (MaxResults 5).
    code, out = aws("ssm", "describe-instance-information", "--page-size", "5")
    assert code == 0, out
    listed = [i["InstanceId"] for i in out["InstanceInformationList"]]
    assert sorted(listed) == ids
    assert all(i["PingStatus"] == "ConnectionLost" for i in out["InstanceInformationList"])
    assert all(i["ResourceType"] == "ManagedInstance" for i in out["InstanceInformationList"])

    code, out = aws("ssm", "describe-instance-information",
                    "--filters", "Key=tag:eks:cluster-name,Values=prod")
    assert code == 0, out
    assert len(out["InstanceInformationList"]) == 6

    code, out = aws("ssm", "describe-instance-information",
                    "--instance-information-filter-list", f"key=InstanceIds,valueSet={ids[0]}")
    assert code == 0, out
    assert [i["InstanceId"] for i in out["InstanceInformationList"]] == [ids[0]]


def test_describe_sessions_empty(aws):
    for state in ("Active", "History"):
        code, out = aws("ssm", "describe-sessions", "--state", state)
        assert code == 0, out
        assert out["Sessions"] == []
    # The CLI sends {"MaxResults": 1}: an integer, though on Linux a Foundation NSNumber holding 1 also casts to Bool.
    code, out = aws("ssm", "describe-sessions", "--state", "History", "--max-results", "1")
    assert code == 0, out
    assert out["Sessions"] == []


def test_errors_have_aws_codes(aws):
    code, err = aws("ssm", "terminate-session", "--session-id", "alice-0123456789abcdef0")
    assert code != 0
    assert "DoesNotExistException" in err

    code, err = aws("ssm", "start-session", "--target", "mi-00000000000000001")
    assert code != 0
    assert "TargetNotConnected" in err

    code, err = aws("ssm", "describe-instance-information", "--filters", "Key=Colour,Values=blue")
    assert code != 0
    assert "InvalidFilterKey" in err


def test_wrong_secret_is_rejected(gangwayd):
    import botocore.exceptions
    import pytest
    bad = gangwayd.boto3(key={"AccessKeyId": gangwayd.key["AccessKeyId"], "SecretAccessKey": "x" * 40})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.describe_sessions(State="Active")
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    unknown = gangwayd.boto3(key={"AccessKeyId": "AKGWNOSUCHKEY0000000", "SecretAccessKey": "x" * 40})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        unknown.describe_sessions(State="Active")
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"
