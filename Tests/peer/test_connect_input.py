"""`gangway connect` with piped input into a remote program that does not read yet: connect stops reading its stdin
(the writer blocks; nothing piles up without bound in connect, gangwayd or the agent), and once the program reads,
every byte arrives once, in order."""
import hashlib
import os
import subprocess
import threading
import time
import uuid

from conftest import Agent, Gangwayd, binary, key_env, online_instance, wait_for


def test_piped_input_is_taken_no_faster_than_the_remote_program_reads(tmp_path):
    g = Gangwayd(tmp_path)
    agent = Agent(g, tmp_path, "pipe-in")
    proc = None
    received = f"/tmp/gw-pipe-in-{uuid.uuid4().hex[:8]}.sha"  # written by the agent's (unprivileged) shell user
    try:
        target = online_instance(g)
        env = key_env(tmp_path, g.key)
        proc = subprocess.Popen([binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region", "us-east-1"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        output = bytearray()

        def read_output():
            while chunk := proc.stdout.read1(65536):
                output.extend(chunk)
        threading.Thread(target=read_output, daemon=True).start()

        total = 64 << 20
        # Printable bytes only: raw mode passes them as they are, and nothing in them is a terminal control.
        block = bytes((0x21 + (i * 7) % 90) for i in range(1 << 20))
        payload_hash = hashlib.sha256(block * (total // len(block))).hexdigest()
        proc.stdin.write(f"stty raw -echo; echo rea''dy; sleep 4; head -c {total} | sha256sum > {received}; "
                         f"echo fin''ished; exit 0\n".encode())
        proc.stdin.flush()
        assert wait_for(lambda: b"ready" in output, timeout=30), bytes(output[-300:])

        written = [0]

        def write_payload():
            for _ in range(total // len(block)):
                proc.stdin.write(block)
                proc.stdin.flush()
                written[0] += len(block)
        writer = threading.Thread(target=write_payload, daemon=True)
        writer.start()
        # The remote program sleeps: connect must stop taking input once its send queue, the window and the
        # buffers on the way are full (a few MiB), not read all 64 MiB into memory.
        time.sleep(2.5)
        during_stall = written[0]
        assert during_stall < total // 2, f"{during_stall >> 20} MiB taken while nothing on the remote side read"

        writer.join(timeout=120)
        assert not writer.is_alive(), f"the writer is stuck after {written[0] >> 20} MiB"
        assert wait_for(lambda: b"finished" in output, timeout=120), bytes(output[-300:])
        assert proc.wait(timeout=30) == 0, proc.stderr.read().decode(errors="replace")
        with open(received) as f:
            assert f.read().split()[0] == payload_hash
        print(f"taken while the remote slept: {during_stall >> 20} MiB of {total >> 20} MiB")
    finally:
        if proc and proc.poll() is None:
            proc.kill()
        if os.path.exists(received):
            os.unlink(received)
        agent.stop()
        g.stop()


def test_input_that_ends_while_the_shell_starts_still_ends_the_session(tmp_path):
    """Piped input that is over before the remote shell is ready (/dev/null; one command without `exit`): its end
    still reaches the shell as Ctrl-D, so connect returns instead of holding the session open until its idle timeout."""
    g = Gangwayd(tmp_path)
    agent = Agent(g, tmp_path, "eof")
    try:
        target = online_instance(g)
        env = key_env(tmp_path, g.key)
        connect = [binary("gangway"), "connect", target, "--endpoint-url", g.url, "--region", "us-east-1"]
        p = subprocess.run(connect, stdin=subprocess.DEVNULL, env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, (p.returncode, p.stdout[-300:], p.stderr[-300:])
        p = subprocess.run(connect, input="echo one-$((6*7))\n", env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, (p.returncode, p.stdout[-300:], p.stderr[-300:])
        assert "one-42" in p.stdout, p.stdout[-300:]
    finally:
        agent.stop()
        g.stop()
