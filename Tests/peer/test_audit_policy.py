"""Audit and policy through the stock AWS CLI / boto3 against a real gangwayd (default deny, hash-chained log)."""
import json
import subprocess

import botocore.exceptions
import pytest

from conftest import binary, key_env
from test_awscli import register_fake


def test_cloudtrail_lookup_events_shows_calls_and_denials(gangwayd, aws, tmp_path):
    # A second user with no policy at all: default deny, and the denial is audited.
    gangwayd.admin("user", "create", "mallory")
    key = json.loads(gangwayd.admin("key", "create", "mallory"))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        gangwayd.boto3(key=key).describe_sessions(State="Active")
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"

    code, out = aws("ssm", "describe-sessions", "--state", "Active")
    assert code == 0, out

    code, out = aws("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=Username,AttributeValue=mallory")
    assert code == 0, out
    events = out["Events"]
    assert [e["EventName"] for e in events] == ["DescribeSessions"]
    record = json.loads(events[0]["CloudTrailEvent"])
    assert record["errorCode"] == "AccessDeniedException"
    assert "mallory" in record["errorMessage"]
    assert record["sourceIPAddress"] == "127.0.0.1"

    # `gangway audit lookup` says why in its table (the message was only in --output json).
    out = subprocess.run([binary("gangway"), "audit", "lookup", "--user", "mallory", "--endpoint-url", gangwayd.url,
                          "--region", "us-east-1"], env=key_env(tmp_path, gangwayd.key), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-300:]
    assert "AccessDeniedException: User: mallory is not authorized to perform: ssm:DescribeSessions" in out.stdout, out.stdout

    code, out = aws("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=EventName,AttributeValue=DescribeSessions")
    assert code == 0, out
    assert {e["Username"] for e in out["Events"]} == {"alice", "mallory"}


def test_staging_only_user_is_denied_on_prod(gangwayd, tmp_path):
    prod = register_fake(gangwayd, "prod-1", {"env": "prod"})
    staging = register_fake(gangwayd, "staging-1", {"env": "staging"})
    policy = tmp_path / "staging.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "StagingShells", "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
         "Condition": {"StringEquals": {"ssm:resourceTag/env": "staging"}}}]}))
    gangwayd.admin("user", "create", "bob")
    gangwayd.admin("policy", "put", "staging-only", "--file", str(policy))
    gangwayd.admin("policy", "attach", "--user", "bob", "--policy", "staging-only")
    ssm = gangwayd.boto3(key=json.loads(gangwayd.admin("key", "create", "bob")))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ssm.start_session(Target=prod)
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"
    # Allowed by policy; the fake instance has no agent, so the answer is TargetNotConnected, not a denial.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ssm.start_session(Target=staging)
    assert e.value.response["Error"]["Code"] == "TargetNotConnected"


def test_audit_log_verifies_offline_and_detects_tampering(gangwayd, aws):
    for _ in range(3):
        assert aws("ssm", "describe-sessions", "--state", "History")[0] == 0
    gangwayd.stop()   # seals the log with a signed checkpoint
    gangway = binary("gangway")
    ok = subprocess.run([gangway, "audit", "verify", gangwayd.data_dir], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    import pathlib
    segment = sorted((pathlib.Path(gangwayd.data_dir) / "audit").glob("segment-*.jsonl"))[0]
    lines = segment.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace("DescribeSessions", "DescribeSessionz", 1)
    segment.write_text("".join(lines))
    bad = subprocess.run([gangway, "audit", "verify", gangwayd.data_dir], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert "line 2" in (bad.stdout + bad.stderr)
