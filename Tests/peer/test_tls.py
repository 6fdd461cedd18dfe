"""gangwayd with --tls-cert/--tls-key: the agent (wss), the AWS CLI (https) and `gangway connect` (https + wss) work
when they trust the CA, and refuse the server when they do not."""
import json
import shutil
import subprocess

import pytest

from conftest import REGION, Agent, Gangwayd, binary, key_env, wait_for


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def pki(tmp_path):
    """A private CA and a server certificate for localhost / 127.0.0.1 signed by it."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    d = tmp_path / "pki"
    d.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=gangway test CA", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost", cwd=d)
    (d / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                               "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.ext", cwd=d)
    return d


@pytest.fixture
def tls_gangwayd(tmp_path, pki):
    g = Gangwayd(tmp_path, extra_args=["--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key"),
                                       "--connection-lost-after", "3"])
    yield g
    g.stop()


def aws_env(tmp_path, key):
    return key_env(tmp_path, key, AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION)


def describe(gangwayd, env, *extra):
    p = subprocess.run(["aws", "ssm", "describe-instance-information", "--endpoint-url", gangwayd.url,
                        "--output", "json", *extra], env=env, capture_output=True, text=True, timeout=60)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 else p.stderr)


def test_tls_agent_awscli_and_connect_trust_the_ca_and_refuse_without_it(tls_gangwayd, pki, tmp_path):
    if shutil.which("aws") is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    g = tls_gangwayd
    assert g.url.startswith("https://127.0.0.1:")
    ca = str(pki / "ca.pem")
    env = aws_env(tmp_path, g.key)

    # An agent that does not trust the CA never registers; one that does comes Online over wss.
    untrusting = Agent(g, tmp_path, "untrusting", extra_args=["--sni-hostname", "localhost"])
    trusting = Agent(g, tmp_path, "trusting", extra_args=["--ca-file", ca, "--sni-hostname", "localhost"])
    try:
        online = wait_for(lambda: [i for i in describe(g, env, "--ca-bundle", ca)[1]["InstanceInformationList"]
                                   if i["PingStatus"] == "Online"], timeout=20)
        assert [i["ComputerName"] for i in online] == ["trusting"], online
        assert untrusting.instance_id is None
        log = (tmp_path / "agent-untrusting.log").read_text(errors="replace")
        assert "TLS certificate" in log and "--ca-file" in log, log[-2000:]

        # The AWS CLI refuses the server without the CA bundle (its own certificate check, not ours).
        code, err = describe(g, env)
        assert code != 0 and "SSL" in err, err

        # gangway connect: HTTPS API and a wss:// data channel to 127.0.0.1, verified against the CA as localhost.
        target = trusting.instance_id
        connect = [binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region", REGION]
        p = subprocess.run(connect + ["--ca-file", ca, "--tls-server-name", "localhost"],
                           input="echo tls-$((6*7)); exit 3\n", env=env, capture_output=True, text=True, timeout=60)
        assert "tls-42" in p.stdout, (p.stdout, p.stderr)
        assert p.returncode == 3, (p.returncode, p.stderr)

        # Without the CA, connect fails with a clear message and no session output.
        p = subprocess.run(connect, input="echo nope\n", env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode != 0 and "nope" not in p.stdout
        assert "TLS certificate" in p.stderr and "--ca-file" in p.stderr, p.stderr
    finally:
        untrusting.stop()
        trusting.stop()


def test_an_ip_address_url_needs_no_server_name(tls_gangwayd, pki, tmp_path):
    """`--server https://127.0.0.1:PORT` with only the CA: the certificate's IP address is what is checked. The agent's
    control channel used to send the address as TLS SNI (forbidden) and never connected without --sni-hostname."""
    g = tls_gangwayd
    ca = str(pki / "ca.pem")
    env = aws_env(tmp_path, g.key)
    agent = Agent(g, tmp_path, "by-address", extra_args=["--ca-file", ca])
    try:
        assert wait_for(lambda: [i for i in describe(g, env, "--ca-bundle", ca)[1]["InstanceInformationList"]
                                 if i["PingStatus"] == "Online"], timeout=20), \
            (tmp_path / "agent-by-address.log").read_text(errors="replace")[-2000:]
        p = subprocess.run([binary("gangway"), "connect", agent.instance_id, "--endpoint-url", g.url, "--region", REGION,
                            "--ca-file", ca], input="echo by-ip-$((6*7)); exit 5\n", env=env, capture_output=True,
                           text=True, timeout=60)
        assert "by-ip-42" in p.stdout, (p.stdout, p.stderr)
        assert p.returncode == 5, (p.returncode, p.stderr)
    finally:
        agent.stop()
