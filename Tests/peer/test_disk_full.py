"""gangwayd on a data directory whose disk fills up: calls that cannot be audited are refused with a clear error,
gangwayd keeps running, and it serves again by itself once space is freed (no restart, which would end every live
session), with the audit log's chain intact."""
import errno
import os
import pathlib
import subprocess
import tempfile
import time

import pytest

from conftest import REGION, Agent, Gangwayd, binary, online_instance, wait_for


def _mount_tmpfs(kib):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    path = tempfile.mkdtemp(prefix="gangway-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0700", "tmpfs", path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(path)
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    return path


def _fill(path):
    """Takes every free page of the filesystem at `path`."""
    with open(os.path.join(path, "filler"), "ab", buffering=0) as f:
        block = b"Z" * 65536
        while True:
            try:
                f.write(block)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
                break
        try:
            while True:
                f.write(b"Z" * 4096)
        except OSError:
            pass


def _client(g):
    import boto3
    from botocore.config import Config
    return boto3.client("ssm", endpoint_url=g.url, region_name=REGION, aws_access_key_id=g.key["AccessKeyId"],
                        aws_secret_access_key=g.key["SecretAccessKey"],
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def test_a_full_disk_refuses_calls_and_gangwayd_resumes_when_space_is_freed(tmp_path):
    from botocore.exceptions import ClientError
    mnt = _mount_tmpfs(8192)
    g = None
    agent = None
    try:
        g = Gangwayd(pathlib.Path(mnt))
        agent = Agent(g, tmp_path, "fullhost")  # the agent's host has room: only gangwayd's disk fills
        target = online_instance(g)
        ssm = _client(g)
        sid = ssm.start_session(Target=target)["SessionId"]
        ssm.terminate_session(SessionId=sid)

        _fill(mnt)
        # The audit segment's last page takes a few more records; the first call that needs a new page is refused.
        refused = None
        started_while_full = []
        for _ in range(60):
            try:
                started_while_full.append(ssm.start_session(Target=target)["SessionId"])
            except ClientError as e:
                refused = e
                break
        assert refused is not None, "StartSession kept succeeding on a full disk"
        assert refused.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        # Refused for the recording (StartSession's first write) or the audit record, whichever needed a page
        # first; said plainly, without the server's paths.
        message = refused.response["Error"]["Message"]
        assert ("could not be recorded in the audit log" in message
                or "could not create its recording (No space left on device)" in message), message
        assert mnt not in message, message
        # Reads go on while their audit records still fit; once the audit log has no room, every call is refused.
        audit_refusal = None
        for _ in range(200):
            try:
                ssm.describe_sessions(State="Active")
            except ClientError as e:
                audit_refusal = e.response["Error"]["Message"]
                break
        assert audit_refusal == "the call could not be recorded in the audit log; retry later", audit_refusal
        with pytest.raises(ClientError):
            ssm.describe_instance_information()
        assert g.proc.poll() is None, "gangwayd exited on a full disk"

        os.unlink(os.path.join(mnt, "filler"))
        # Within the log's retry interval a StartSession can run (its recording fits again) and then not be
        # audited: the caller is refused, and the session it made is ended at once, not left for the idle timeout.
        with pytest.raises(ClientError) as unaudited:
            ssm.start_session(Target=target)
        assert unaudited.value.response["Error"]["Message"] == "the call could not be recorded in the audit log; retry later"
        # Back by itself (the log retries once a second), without a restart.
        sessions = []

        def started():
            try:
                sessions.append(ssm.start_session(Target=target)["SessionId"])
                return True
            except ClientError:
                return False
        assert wait_for(started, timeout=10), "gangwayd did not resume after space was freed"
        for sid in started_while_full + sessions:
            ssm.terminate_session(SessionId=sid)
        # A refused StartSession left no session behind (one that started but could not be audited was ended).
        active = ssm.describe_sessions(State="Active")["Sessions"]
        assert [s["SessionId"] for s in active] == []
        history = ssm.describe_sessions(State="History")["Sessions"]
        ended = [s for s in history if "its StartSession could not be recorded in the audit log" in s.get("Details", "")]
        # (the first refused call above, and the polls that ran before the log's next retry)
        assert ended and all(s["Status"] == "Failed" for s in ended), history
        g.stop()

        verify = subprocess.run([binary("gangway"), "audit", "verify", g.data_dir], capture_output=True, text=True,
                                timeout=60)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        audit = os.path.join(g.data_dir, "audit")
        text = "".join(open(os.path.join(audit, f)).read() for f in sorted(os.listdir(audit)) if f.endswith(".jsonl"))
        assert "resumed after a failed write" in text and "No space left on device" in text
        assert text.count('"eventName":"StartSession"') >= 2
    finally:
        if agent:
            agent.stop()
        if g:
            g.stop()
            g.log.close()
        subprocess.run(["umount", "-l", mnt])
        os.rmdir(mnt)
