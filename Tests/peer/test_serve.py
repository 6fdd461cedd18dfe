"""`gangwayd serve` flags: bad values are refused before anything listens, with the flag named."""
import subprocess

import pytest

from conftest import binary


@pytest.mark.parametrize("flag,value,message", [
    ("--client-ack-budget", "100", "client-ack-budget must be at least 65536 bytes, got 100"),
    ("--slow-client-cutoff", "0", "slow-client-cutoff must be a positive number of seconds"),
    ("--idle-timeout", "61", "idle-timeout must be 1–60 minutes, got 61"),
])
def test_serve_refuses_bad_flag_values(tmp_path, flag, value, message):
    p = subprocess.run([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        flag, value], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert message in p.stderr, p.stderr
    assert "listening on" not in p.stdout


def test_serve_accepts_flow_control_flags(tmp_path):
    p = subprocess.Popen([binary("gangwayd"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                          "--client-ack-budget", "1048576", "--slow-client-cutoff", "5"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().startswith("listening on http://127.0.0.1:")
    finally:
        p.terminate()
        p.wait(timeout=10)
