"""Fixtures for peer tests: a real gangwayd binary on a free loopback port, real AWS CLI/boto3, real agents.

Binaries come from $GANGWAY_BIN_DIR (default .build/debug relative to the repository root).
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN_DIR = pathlib.Path(os.environ.get("GANGWAY_BIN_DIR", ROOT / ".build" / "debug"))
REGION = "eu-west-1"


def binary(name):
    path = BIN_DIR / name
    if not path.exists():
        pytest.skip(f"{path} not built (swift build --product {name}); set GANGWAY_BIN_DIR to its folder")
    return str(path)


class Gangwayd:
    """A running `gangwayd serve` with one user (alice) and an access key."""

    def __init__(self, tmp, extra_args=()):
        self.bin = binary("gangwayd")
        self.data_dir = str(tmp / "gangwayd-data")
        self.extra_args = list(extra_args)
        self.admin("user", "create", "alice")
        self.admin("policy", "attach", "--user", "alice", "--policy", "AdministratorAccess")
        self.key = json.loads(self.admin("key", "create", "alice"))
        self.proc = None
        self.url = None
        self.port = 0
        self.start()

    def admin(self, *args):
        out = subprocess.run([self.bin, "admin", "--data-dir", self.data_dir, *args],
                             check=True, capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    def start(self):
        listen = f"127.0.0.1:{self.port}"
        self.log = open(pathlib.Path(self.data_dir) / "gangwayd.log", "ab")
        self.proc = subprocess.Popen([self.bin, "serve", "--data-dir", self.data_dir, "--listen", listen,
                                      *self.extra_args],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline().strip()
        assert line.startswith(("listening on http://127.0.0.1:", "listening on https://127.0.0.1:")), \
            f"unexpected first line: {line!r}"
        self.url = line.split(" ", 2)[2]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        """Stops and starts again on the same port (agents must come back)."""
        self.stop()
        self.start()

    def agent_token(self, uses=1):
        return self.admin("agent", "token", "--uses", str(uses))

    def boto3(self, service="ssm", key=None):
        import boto3
        key = key or self.key
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


@pytest.fixture
def gangwayd(tmp_path):
    g = Gangwayd(tmp_path, extra_args=["--connection-lost-after", "3"])
    yield g
    g.stop()


@pytest.fixture
def aws(gangwayd, tmp_path):
    """Runs the real AWS CLI against gangwayd with a temp config; returns (exit code, parsed JSON or stderr)."""
    config = tmp_path / "aws-config"
    creds = tmp_path / "aws-credentials"
    config.write_text(f"[profile gw]\nregion = {REGION}\noutput = json\n")
    creds.write_text(f"[gw]\naws_access_key_id = {gangwayd.key['AccessKeyId']}\n"
                     f"aws_secret_access_key = {gangwayd.key['SecretAccessKey']}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(creds), AWS_PROFILE="gw")
    if shutil.which("aws") is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")

    def run(*args):
        p = subprocess.run(["aws", *args, "--endpoint-url", gangwayd.url], env=env, capture_output=True, text=True,
                           timeout=60)
        if p.returncode == 0:
            return 0, (json.loads(p.stdout) if p.stdout.strip() else {})
        return p.returncode, p.stderr

    return run


class Agent:
    def __init__(self, gangwayd, tmp, name, labels=(), extra_args=()):
        self.bin = binary("gangway-agent")
        self.gangwayd = gangwayd
        self.state_dir = tmp / f"agent-{name}"
        self.name = name
        self.labels = labels
        self.extra_args = list(extra_args)
        self.token = gangwayd.agent_token()
        self.proc = None
        self.start()

    def start(self):
        args = [self.bin, "--server", self.gangwayd.url, "--token", self.token, "--state-dir", str(self.state_dir),
                "--heartbeat", "1", "--computer-name", self.name]
        for k, v in self.labels:
            args += ["--label", f"{k}={v}"]
        args += self.extra_args
        self.log = open(str(self.state_dir) + ".log", "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)

    @property
    def instance_id(self):
        path = self.state_dir / "identity.json"
        if not path.exists():
            return None
        return json.loads(path.read_text()).get("InstanceId")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def agents(gangwayd, tmp_path):
    """Factory: agents(name, labels=[(k, v)]) starts a real gangway-agent against the fixture's gangwayd."""
    started = []

    def make(name, labels=()):
        a = Agent(gangwayd, tmp_path, name, labels)
        started.append(a)
        return a

    yield make
    for a in started:
        a.stop()


def key_env(tmp_path, key, **extra):
    """This environment without AWS_* settings, plus `key` and no AWS config files: a client run with a bare key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"],
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), **extra)
    return env


def online_instance(gangwayd, timeout=20):
    """The id of an instance gangwayd reports Online, waiting up to `timeout` seconds for one."""
    ssm = gangwayd.boto3()
    online = wait_for(lambda: [i for i in ssm.describe_instance_information()["InstanceInformationList"]
                               if i["PingStatus"] == "Online"], timeout=timeout)
    assert online, "no agent came Online"
    return online[0]["InstanceId"]


def wait_for(predicate, timeout=10.0, interval=0.2):
    """Polls predicate until it returns a truthy value or timeout passes; returns the last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value
