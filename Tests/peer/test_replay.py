"""`gangway replay SESSION_ID` fetching the recording from a real gangwayd (AmazonSSM.GetSessionRecording)."""
import json
import pathlib
import subprocess

from conftest import REGION, binary, key_env, wait_for
from test_agents import instances


def replay(gangwayd, tmp_path, key, *args):
    env = key_env(tmp_path, key, HOME=str(tmp_path))
    return subprocess.run([binary("gangway"), "replay", *args, "--no-wait", "--endpoint-url", gangwayd.url,
                           "--region", REGION], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_replay_session_id_fetches_from_gangwayd_and_denies_others(gangwayd, agents, tmp_path):
    a = agents("rec-host")
    assert wait_for(lambda: instances(gangwayd).get(a.instance_id or "", {}).get("PingStatus") == "Online", 20)
    ssm = gangwayd.boto3()
    sid = ssm.start_session(Target=a.instance_id)["SessionId"]
    ssm.terminate_session(SessionId=sid)
    assert wait_for(lambda: [s for s in ssm.describe_sessions(State="History")["Sessions"] if s["SessionId"] == sid], 10)
    # gangwayd opened the recording at StartSession; give it known content (gangwayd only reads it from here on).
    cast = pathlib.Path(gangwayd.data_dir) / "recordings" / f"{sid}.cast"
    assert wait_for(cast.exists, 5)
    cast.write_text(json.dumps({"version": 2, "width": 80, "height": 24}) + "\n"
                    + json.dumps([0.5, "o", "hello from the recording\r\n"]) + "\n")

    ok = replay(gangwayd, tmp_path, gangwayd.key, sid)
    assert ok.returncode == 0, ok.stderr
    assert "hello from the recording" in ok.stdout

    gangwayd.admin("user", "create", "mallory")
    mallory = json.loads(gangwayd.admin("key", "create", "mallory"))
    denied = replay(gangwayd, tmp_path, mallory, sid)
    assert denied.returncode != 0
    assert "AccessDenied:" in denied.stderr and "gangway:GetSessionRecording" in denied.stderr
    assert "hello" not in denied.stdout

    missing = replay(gangwayd, tmp_path, gangwayd.key, "alice-00000000000000000")
    assert missing.returncode != 0
    assert "no recording for session alice-00000000000000000" in missing.stderr

    traversal = replay(gangwayd, tmp_path, gangwayd.key, "../gangwayd")
    assert traversal.returncode != 0
    assert "not a session id" in traversal.stderr

    events = gangwayd.boto3("cloudtrail").lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "GetSessionRecording"}])["Events"]
    records = [json.loads(e["CloudTrailEvent"]) for e in events]
    assert any(r.get("errorCode") == "AccessDeniedException" and e["Username"] == "mallory"
               for r, e in zip(records, events))
    assert any(r.get("errorCode") is None and e["Username"] == "alice" for r, e in zip(records, events))


def test_replay_leaves_out_what_would_act_on_the_viewers_terminal(tmp_path):
    """A recorded program's clipboard write, status report request and mouse mode do not reach the viewer's terminal;
    the replay says how many it left out; --raw writes every byte."""
    cast = tmp_path / "hostile.cast"
    hostile = ("before\r\n\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=\x07\x1b[6n\x1b[?1000h"
               "\x1b[1;32mgreen\x1b[0m after\r\n")
    cast.write_text(json.dumps({"version": 2, "width": 80, "height": 24}) + "\n"
                    + json.dumps([0.1, "o", hostile[:30]]) + "\n" + json.dumps([0.2, "o", hostile[30:]]) + "\n")
    run = lambda *extra: subprocess.run([binary("gangway"), "replay", str(cast), "--no-wait", *extra],
                                        capture_output=True, timeout=30)
    safe = run()
    assert safe.returncode == 0, safe.stderr
    assert safe.stdout == b"before\r\n\x1b[1;32mgreen\x1b[0m after\r\n"
    assert b"left out 3 control sequences" in safe.stderr, safe.stderr
    raw = run("--raw")
    assert raw.returncode == 0, raw.stderr
    assert raw.stdout == hostile.encode()
    assert raw.stderr == b""


def test_empty_aws_options_are_refused_before_any_request(tmp_path):
    """`--region ""` (an unset shell variable) used to reach gangwayd as a malformed signature."""
    for args in (["ls", "--endpoint-url", "http://127.0.0.1:9", "--region", ""],
                 ["connect", "mi-00000000000000001", "--endpoint-url", "", "--region", "us-east-1"]):
        p = subprocess.run([binary("gangway"), *args], capture_output=True, text=True, timeout=30, cwd=tmp_path)
        assert p.returncode != 0
        assert "is empty; give a value or leave the option out" in p.stderr, p.stderr


def test_a_note_at_the_end_of_a_recording_is_shown_after_the_replay(tmp_path):
    """gangwayd ends the recording of a session it lost in a crash with a note; a replay ends by showing it."""
    cast = tmp_path / "interrupted.cast"
    cast.write_text(json.dumps({"version": 2, "width": 80, "height": 24}) + "\n"
                    + json.dumps([0.5, "o", "last words\r\n"]) + "\n"
                    + json.dumps([0.5, "m", "gangwayd stopped unexpectedly; the session was not relayed after this point"])
                    + "\n")
    p = subprocess.run([binary("gangway"), "replay", str(cast), "--no-wait"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "last words"
    assert "the recording ends with a note: gangwayd stopped unexpectedly" in p.stderr, p.stderr
