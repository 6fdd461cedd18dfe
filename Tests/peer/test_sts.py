"""SSO peer test: the real `aws sts assume-role-with-web-identity --endpoint-url` against gangwayd, with an OIDC ID
token signed here (RSA key from `cryptography`, JWKS in a file given to `gangwayd admin oidc add`), then
`aws ssm describe-instance-information` with the returned temporary credentials (AWS_SESSION_TOKEN)."""
import base64
import json
import os
import subprocess
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import REGION

ISSUER = "https://idp.peer.example"
ROLE_ARN = "arn:aws:iam::123456789012:role/oncall"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


class IdP:
    """A local identity provider: one RSA key (kid k1), its JWKS, RS256 ID tokens."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self):
        pub = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
                          "n": b64url(int_bytes(pub.n)), "e": b64url(int_bytes(pub.e))}]}

    def token(self, audience="gangway", groups=("sre",), subject="ann-0001", lifetime=600):
        now = int(time.time())
        header = {"alg": "RS256", "kid": "k1", "typ": "JWT"}
        claims = {"iss": ISSUER, "sub": subject, "aud": audience, "iat": now, "exp": now + lifetime,
                  "groups": list(groups), "preferred_username": "ann"}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(signature)


def aws_env(tmp_path, creds=None):
    """An environment with no profile: the given temporary credentials, or none (STS calls are unsigned)."""
    config = tmp_path / "sts-aws-config"
    config.write_text(f"[default]\nregion = {REGION}\noutput = json\n")
    empty = tmp_path / "sts-aws-credentials"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(empty), AWS_EC2_METADATA_DISABLED="true")
    if creds:
        env.update(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                   AWS_SESSION_TOKEN=creds["SessionToken"])
    return env


def run_aws(gangwayd, env, *args):
    p = subprocess.run(["aws", *args, "--endpoint-url", gangwayd.url], env=env, capture_output=True, text=True,
                       timeout=60)
    if p.returncode == 0:
        return 0, (json.loads(p.stdout) if p.stdout.strip() else {})
    return p.returncode, p.stderr


def setup_sso(gangwayd, tmp_path):
    idp = IdP()
    jwks = tmp_path / "idp-jwks.json"
    jwks.write_text(json.dumps(idp.jwks()))
    gangwayd.admin("oidc", "add", "corp", "--issuer", ISSUER, "--audience", "gangway", "--jwks-file", str(jwks))
    trust = json.dumps({"Issuer": ISSUER, "Audience": "gangway", "Claims": {"groups": "sre"}})
    gangwayd.admin("role", "create", "oncall", "--trust", trust, "--max-session-duration", "3600")
    gangwayd.admin("policy", "attach", "--role", "oncall", "--policy", "ReadOnlyAccess")
    return idp


def assume(gangwayd, tmp_path, token, *extra):
    return run_aws(gangwayd, aws_env(tmp_path), "sts", "assume-role-with-web-identity", "--role-arn", ROLE_ARN,
                   "--role-session-name", "ann", "--web-identity-token", token, *extra)


def test_assume_role_with_web_identity_then_ssm_with_the_session_token(gangwayd, aws, tmp_path):
    idp = setup_sso(gangwayd, tmp_path)
    code, out = assume(gangwayd, tmp_path, idp.token(), "--duration-seconds", "900")
    assert code == 0, out
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert out["SubjectFromWebIdentityToken"] == "ann-0001"
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/oncall/ann"
    assert out["Provider"] == ISSUER and out["Audience"] == "gangway"

    code, out = run_aws(gangwayd, aws_env(tmp_path, creds), "ssm", "describe-instance-information")
    assert code == 0, out
    assert "InstanceInformationList" in out

    code, out = run_aws(gangwayd, aws_env(tmp_path, creds), "sts", "get-caller-identity")
    assert code == 0, out
    assert out["Arn"] == "arn:aws:sts::000000000000:assumed-role/oncall/ann", out

    # Without the session token the key is refused.
    no_token = dict(creds, SessionToken="")
    env = aws_env(tmp_path, no_token)
    del env["AWS_SESSION_TOKEN"]
    code, err = run_aws(gangwayd, env, "ssm", "describe-instance-information")
    assert code != 0 and "UnrecognizedClientException" in err, err

    # Revoking the role session disables the credentials at once.
    gangwayd.admin("revoke", "role/oncall/ann", "--reason", "peer test")
    code, err = run_aws(gangwayd, aws_env(tmp_path, creds), "ssm", "describe-instance-information")
    assert code != 0 and "UnrecognizedClientException" in err, err

    # The STS call is in the audit log (CloudTrail LookupEvents), as the role session.
    code, out = aws("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity")
    assert code == 0, out
    records = [json.loads(e["CloudTrailEvent"]) for e in out["Events"]]
    assert any(r.get("eventSource") == "sts.amazonaws.com" and "errorCode" not in r for r in records), records


def test_wrong_audience_and_claims_are_refused_with_sts_codes(gangwayd, aws, tmp_path):
    idp = setup_sso(gangwayd, tmp_path)
    code, err = assume(gangwayd, tmp_path, idp.token(audience="someone-else"))
    assert code != 0
    assert "InvalidIdentityToken" in err and "audience someone-else not accepted" in err, err

    code, err = assume(gangwayd, tmp_path, idp.token(groups=("dev",)))
    assert code != 0
    assert "AccessDenied" in err and "groups" in err, err

    code, err = assume(gangwayd, tmp_path, idp.token(), "--duration-seconds", "7200")
    assert code != 0 and "ValidationError" in err, err

    code, out = aws("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity")
    assert code == 0, out
    codes = sorted(json.loads(e["CloudTrailEvent"]).get("errorCode", "") for e in out["Events"])
    assert codes == ["AccessDenied", "InvalidIdentityToken", "ValidationError"], codes
