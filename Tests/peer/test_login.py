"""Peer test: `gangway login --oidc` (the real binary) against a fake OpenID Connect IdP in Python and a real gangwayd's
STS AssumeRoleWithWebIdentity; then the real AWS CLI uses the stored session credentials.

The fake IdP implements discovery, the RFC 8628 device authorization and token endpoints, and signs RS256 ID tokens
with a key whose JWKS gangwayd trusts (`gangwayd admin oidc add --jwks-file`). The token endpoint says
authorization_pending until the test "approves" the sign-in by opening the verification URL that gangway printed.
"""
import base64
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import REGION, Gangwayd, binary

crypto = pytest.importorskip("cryptography")
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402

CLIENT_ID = "gangway-cli"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeIdP:
    """An OIDC IdP on 127.0.0.1 with the device code flow; `approve()` plays the user clicking "allow"."""

    def __init__(self, claims):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims = claims
        self.approved = threading.Event()
        self.denied = threading.Event()
        self.polls = 0
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, obj):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = urllib.parse.urlparse(self.path)
                if path.path == "/.well-known/openid-configuration":
                    self.reply(200, {"issuer": idp.issuer, "jwks_uri": idp.issuer + "/jwks",
                                     "device_authorization_endpoint": idp.issuer + "/device",
                                     "token_endpoint": idp.issuer + "/token",
                                     "id_token_signing_alg_values_supported": ["RS256"]})
                elif path.path == "/jwks":
                    self.reply(200, idp.jwks())
                elif path.path == "/activate":
                    code = urllib.parse.parse_qs(path.query).get("user_code", [""])[0]
                    if code == "WDJB-MJHT":
                        idp.approved.set()
                        self.reply(200, {"approved": True})
                    else:
                        self.reply(400, {"error": "unknown code"})
                else:
                    self.reply(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                if self.path == "/device":
                    if form.get("client_id") != [CLIENT_ID] or "openid" not in form.get("scope", [""])[0].split():
                        return self.reply(400, {"error": "invalid_client"})
                    self.reply(200, {"device_code": "dc-1", "user_code": "WDJB-MJHT",
                                     "verification_uri": idp.issuer + "/activate",
                                     "verification_uri_complete": idp.issuer + "/activate?user_code=WDJB-MJHT",
                                     "expires_in": 120, "interval": 1})
                elif self.path == "/token":
                    idp.polls += 1
                    if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:device_code"] or \
                            form.get("device_code") != ["dc-1"]:
                        return self.reply(400, {"error": "invalid_grant"})
                    if idp.denied.is_set():
                        return self.reply(400, {"error": "access_denied"})
                    if not idp.approved.is_set():
                        return self.reply(400, {"error": "authorization_pending"})
                    self.reply(200, {"access_token": "at", "token_type": "Bearer", "expires_in": 300,
                                     "id_token": idp.id_token()})
                else:
                    self.reply(404, {"error": "not_found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def jwks(self):
        n = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
                          "n": b64url(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
                          "e": b64url(n.e.to_bytes(3, "big"))}]}

    def id_token(self):
        now = int(time.time())
        header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "k1"}).encode())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **self.claims}
        payload = b64url(json.dumps(claims).encode())
        signing_input = f"{header}.{payload}".encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{payload}.{b64url(signature)}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sso(tmp_path):
    """gangwayd trusting a fake IdP; role `operators` for members of group sre, with ReadOnlyAccess."""
    if shutil.which("aws") is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    idp = FakeIdP({"sub": "u-42", "email": "alice@example.com", "groups": ["sre", "staff"]})
    g = Gangwayd(tmp_path)
    try:
        jwks = tmp_path / "jwks.json"
        jwks.write_text(json.dumps(idp.jwks()))
        g.admin("oidc", "add", "corp", "--issuer", idp.issuer, "--audience", CLIENT_ID, "--jwks-file", str(jwks))
        g.admin("role", "create", "operators", "--max-session-duration", "3600",
                "--trust", json.dumps({"Issuer": idp.issuer, "Audience": CLIENT_ID, "Claims": {"groups": "sre"}}))
        g.admin("policy", "attach", "--role", "operators", "--policy", "ReadOnlyAccess")
        yield g, idp, tmp_path
    finally:
        idp.stop()
        g.stop()


def aws_files(tmp_path, idp, gangwayd):
    config = tmp_path / "aws-config"
    creds = tmp_path / "aws-credentials"
    config.write_text(f"[profile sso]\nregion = {REGION}\noutput = json\nendpoint_url = {gangwayd.url}\n"
                      f"gangway_oidc_issuer = {idp.issuer}\ngangway_oidc_client_id = {CLIENT_ID}\n"
                      f"gangway_role_arn = arn:aws:iam::000000000000:role/operators\ngangway_oidc_scope = groups email\n")
    creds.write_text("# hand-written\n[other]\naws_access_key_id = AKOTHER\naws_secret_access_key = other\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(creds))
    return creds, env


def run_login(env, approve, *extra):
    """Runs `gangway login --oidc --profile sso`, approving at the IdP once it printed the URL and code."""
    proc = subprocess.Popen([binary("gangway"), "login", "--oidc", "--profile", "sso", "--no-browser", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.time() + 60
    try:
        for line in proc.stderr:
            lines.append(line)
            match = re.search(r"^Open (\S+) and enter code (\S+)$", line.strip())
            if match and approve is not None:
                approve(f"{match.group(1)}?user_code={match.group(2)}")  # the user types the code
            if time.time() > deadline:
                break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, "".join(lines)


def open_url(url):
    urllib.request.urlopen(url, timeout=10).read()


def test_login_stores_session_credentials_the_aws_cli_uses(sso):
    gangwayd, idp, tmp_path = sso
    creds, env = aws_files(tmp_path, idp, gangwayd)

    code, err = run_login(env, open_url)
    print(err)
    assert code == 0, err
    assert f"Open {idp.issuer}/activate and enter code WDJB-MJHT\n" in err
    assert f"(or open {idp.issuer}/activate?user_code=WDJB-MJHT, which has the code filled in)" in err
    assert "waiting for the sign-in to be approved" in err
    assert "logged in as alice@example.com until " in err, err
    assert idp.polls >= 1

    text = creds.read_text()
    assert text.startswith("# hand-written\n[other]\naws_access_key_id = AKOTHER\n"), text
    section = text.split("[sso]\n", 1)[1]
    keys = dict(line.split(" = ", 1) for line in section.strip().splitlines())
    assert keys["aws_access_key_id"].startswith("ASIA")
    assert keys["aws_session_token"] and keys["aws_secret_access_key"]
    assert "x_security_token_expires" in keys
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600

    # The stock AWS CLI signs with the stored session credentials (endpoint_url from the profile).
    p = subprocess.run(["aws", "ssm", "describe-instance-information", "--profile", "sso"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "InstanceInformationList" in json.loads(p.stdout)

    # ReadOnlyAccess: the role session may not start sessions; the refusal names the role session.
    p = subprocess.run(["aws", "ssm", "start-session", "--target", "mi-00000000000000000", "--profile", "sso"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "AccessDenied" in p.stderr, p.stderr


def test_login_refused_by_role_trust_shows_sts_message_and_keeps_the_file(sso):
    gangwayd, idp, tmp_path = sso
    idp.claims["groups"] = ["dev"]
    creds, env = aws_files(tmp_path, idp, gangwayd)
    before = creds.read_text()

    code, err = run_login(env, open_url)
    assert code != 0
    print(err)
    assert "STS refused AssumeRoleWithWebIdentity: AccessDenied" in err, err
    assert "groups" in err, err
    assert creds.read_text() == before


def test_login_denied_at_the_idp(sso):
    gangwayd, idp, tmp_path = sso
    creds, env = aws_files(tmp_path, idp, gangwayd)
    before = creds.read_text()
    code, err = run_login(env, lambda url: idp.denied.set())
    assert code != 0
    assert "sign-in was denied at the identity provider (access_denied)" in err, err
    assert creds.read_text() == before


def test_ctrl_c_while_waiting_cancels_cleanly(sso):
    gangwayd, idp, tmp_path = sso
    creds, env = aws_files(tmp_path, idp, gangwayd)
    before = creds.read_text()
    proc = subprocess.Popen([binary("gangway"), "login", "--oidc", "--profile", "sso", "--no-browser"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "waiting for the sign-in" in line:
                break
        time.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        proc.wait(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, "".join(lines) + rest
    assert "login cancelled" in rest and "was not changed" in rest, rest
    assert elapsed < 3, elapsed
    assert creds.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".aws-credentials")) == []
