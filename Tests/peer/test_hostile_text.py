"""Text a host or a user chose reaches an operator's terminal only as visible escapes: instance names and labels an
agent reports, a session's Reason, audit fields a caller chose. Real gangwayd, real gangway-agent, the real gangway CLI;
the stock AWS CLI puts an escape-laden id into the audit log the way any low-privilege user could."""
import subprocess

from conftest import Agent, binary, key_env, online_instance, wait_for

EVIL = "\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;ZWNobyBvd25lZAo=\x07\u009b31m\u202eevil"


def no_control_bytes(text):
    return [c for c in text if ord(c) < 0x20 and c != "\n" or 0x7f <= ord(c) <= 0x9f or c == "\u202e"]


def test_cli_tables_show_hostile_text_as_escapes(gangwayd, aws, tmp_path):
    agent = Agent(gangwayd, tmp_path, "web" + EVIL, labels=[("team", "ops" + EVIL)])
    try:
        target = online_instance(gangwayd)
        env = key_env(tmp_path, gangwayd.key)
        cli = [binary("gangway")]
        common = ["--endpoint-url", gangwayd.url, "--region", "us-east-1"]
        # A session whose Reason carries the escapes, ended by its shell.
        p = subprocess.run(cli + ["connect", target] + common + ["--reason", "fix" + EVIL],
                           input="exit\n", env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr[-300:]
        # And an audit event whose resource is a session id the caller made up.
        code, _ = aws("ssm", "terminate-session", "--session-id", "x" + EVIL)
        assert code != 0

        for args, shown in [(["ls"], "web\\x1b]0;PWNED\\x07"),
                            (["sessions", "--history"], "fix\\x1b]0;PWNED\\x07"),
                            (["audit", "lookup"], "x\\x1b]0;PWNED\\x07")]:
            out = subprocess.run(cli + args + common, env=env, capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, (args, out.stderr[-300:])
            assert no_control_bytes(out.stdout) == [], (args, out.stdout)
            assert shown in out.stdout, (args, out.stdout)
            assert "\\u{202e}evil" in out.stdout or "\\u{202e}ev" in out.stdout or "…" in out.stdout, (args, out.stdout)

        # `gangway connect web` with two hosts whose names start so: the error lists them, escaped.
        second = Agent(gangwayd, tmp_path, "web2" + EVIL)
        try:
            assert wait_for(lambda: len([i for i in gangwayd.boto3().describe_instance_information()
                                         ["InstanceInformationList"] if i["PingStatus"] == "Online"]) == 2, timeout=20)
            p = subprocess.run(cli + ["connect", "web"] + common, input="", env=env, capture_output=True, text=True,
                               timeout=60)
            assert p.returncode != 0
            assert "matches 2 instances" in p.stderr, p.stderr
            assert no_control_bytes(p.stderr) == [], p.stderr
            assert "web2\\x1b]0;PWNED\\x07" in p.stderr, p.stderr
        finally:
            second.stop()
    finally:
        agent.stop()
