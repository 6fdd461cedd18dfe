"""The deployment examples in docs/deploy run as written: the systemd units pass `systemd-analyze verify` without a
warning, and gangwayd and an agent started from the example config files (only paths, ports and the token changed)
come up over TLS, the agent Online with the example's labels, and a shell through `gangway connect` works."""
import json
import pathlib
import re
import shutil
import socket
import subprocess

import pytest

from conftest import REGION, binary, key_env, wait_for
from test_tls import pki  # noqa: F401  (fixture)

DEPLOY = pathlib.Path(__file__).resolve().parents[2] / "docs" / "deploy"


def rewrite(text, **values):
    """The example config with `key = …` lines replaced (keys that must exist in the example)."""
    for key, value in values.items():
        text, n = re.subn(rf'^{key} = .*$', f'{key} = "{value}"', text, flags=re.M)
        assert n == 1, f"the example has no `{key} = …` line"
    return text


def test_systemd_units_verify_cleanly(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    for unit, program in [("gangwayd.service", "gangwayd"), ("gangway-agent.service", "gangway-agent")]:
        text = (DEPLOY / unit).read_text()
        assert f"ExecStart=/usr/local/bin/{program} " in text
        # verify checks that ExecStart's program exists: point it at the one just built.
        (tmp_path / unit).write_text(text.replace(f"/usr/local/bin/{program}", binary(program)))
        p = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True,
                           timeout=60)
        problems = [l for l in (p.stdout + p.stderr).splitlines() if str(tmp_path) in l or "Unknown" in l]
        assert p.returncode == 0 and problems == [], p.stdout + p.stderr


def test_example_configs_bring_up_gangwayd_and_an_agent_over_tls(tmp_path, pki):  # noqa: F811
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"https://localhost:{port}"
    data = tmp_path / "var-lib-gangway"
    conf = tmp_path / "gangwayd.conf"
    conf.write_text(rewrite((DEPLOY / "gangwayd.conf").read_text(), listen=f"127.0.0.1:{port}", data_dir=str(data),
                            tls_cert=str(pki / "server.pem"), tls_key=str(pki / "server.key"), public_url=url))
    gangwayd = binary("gangwayd")

    def admin(*args):
        return subprocess.run([gangwayd, "admin", "--data-dir", str(data), *args], check=True, capture_output=True,
                              text=True, timeout=60).stdout.strip()
    admin("user", "create", "alice")
    admin("policy", "attach", "--user", "alice", "--policy", "AdministratorAccess")
    key = json.loads(admin("key", "create", "alice"))
    server = subprocess.Popen([gangwayd, "serve", "--config", str(conf)], stdout=subprocess.PIPE,
                              stderr=open(tmp_path / "gangwayd.log", "wb"), text=True)
    agent = None
    try:
        assert server.stdout.readline().strip() == f"listening on https://127.0.0.1:{port}"
        agent_conf = tmp_path / "agent.conf"
        agent_conf.write_text(rewrite((DEPLOY / "agent.conf").read_text(), server=url,
                                      state_dir=str(tmp_path / "var-lib-gangway-agent"),
                                      token=admin("agent", "token"), ca_file=str(pki / "ca.pem")))
        agent = subprocess.Popen([binary("gangway-agent"), "--config", str(agent_conf), "--computer-name", "deploy-1"],
                                 stdout=open(tmp_path / "agent.log", "wb"), stderr=subprocess.STDOUT)
        env = key_env(tmp_path, key, AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION)
        common = ["--endpoint-url", url, "--region", REGION, "--ca-file", str(pki / "ca.pem")]

        def listed():
            p = subprocess.run([binary("gangway"), "ls", "--output", "json"] + common, env=env, capture_output=True,
                               text=True, timeout=60)
            return [r for r in json.loads(p.stdout) if r["pingStatus"] == "Online"] if p.returncode == 0 else []
        assert wait_for(listed, timeout=30), (tmp_path / "agent.log").read_text(errors="replace")[-2000:]
        row = listed()[0]
        assert row["tags"]["env"] == "prod" and row["tags"]["team"] == "payments", row

        # A shell through the StreamUrl the example's public_url gives (wss, the same CA).
        p = subprocess.run([binary("gangway"), "connect", row["id"]] + common, env=env, input="echo deploy-$((6*7))\nexit\n",
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and "deploy-42" in p.stdout, (p.stdout[-500:], p.stderr[-500:])
    finally:
        for proc in (agent, server):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
