#!/usr/bin/env bash
# Session benchmark, one run: throughput of `cat` of a 256 MiB file through a Gangway session (gangwayd relay +
# gangway-agent PTY; then again with `gangwayd serve --all-event-loops`) vs `ssh -tt root@localhost` vs a raw PTY;
# keystroke echo round trip p50/p99 through Gangway vs a direct PTY and vs ssh -tt (the relayed-terminal reference:
# ssh client, sshd and one TCP hop; Gangway has a third process and a second hop), and ssh through a socat TCP relay
# (one minimal relay process, like gangwayd: what a relay hop itself costs on this machine), and through a bare
# SwiftNIO TCP relay (the same hop on the framework gangwayd is built on, without WebSocket, SSM or recording).
# Each echo line is followed by the CPU time the processes on the path spent per keystroke during it
# (`*_cpu_per_key_us`, from /proc/PID/task/*/schedstat): on this machine the round trip tracks that CPU time.
# Last, the throughput of Gangway and ssh again, RUNS times alternating, with the medians and their ratio (ssh's
# own figure varies a lot between runs on this VM), and the echo through `gangway connect`, the PTY, ssh and ssh via
# socat, ECHO_RUNS times alternating, with the median of what each adds to the PTY's round trip.
# Usage: bench/session/run.sh            (CONFIG=debug to skip the release build; SIZE_MIB=64 for a quick run;
#                                         RUNS=3 throughput repeats; ECHO_RUNS=7 echo repeats;
#                                         PACE_US=5000 to type with pauses)
# Needs: root (for the throwaway sshd and gangway-user), openssh-server/client. Binds 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONFIG=${CONFIG:-release}
SIZE_MIB=${SIZE_MIB:-256}
KEYSTROKES=${KEYSTROKES:-500}
RUNS=${RUNS:-3}
# The echo varies more than the throughput between repeats on a shared host (one stack's p50 moved 119–214 µs in
# one run), so it is repeated more: ~10 s per round.
ECHO_RUNS=${ECHO_RUNS:-7}
# PACE_US=N: N µs between one keystroke's echo and the next key (default 0: back to back).
PACE=(--pace-us "${PACE_US:-0}")
# SCRATCH=.build-release keeps the release build out of the shared .build (whose lock a debug build holds).
SCRATCH=${SCRATCH:-.build}
source bench/session/stack.sh
bench_setup bench
make_payload "$SIZE_MIB"
echo "payload: $(stat -c %s "$FILE") bytes of base64 text" >&2

# connect_echo LABEL [ARGS…]: the keystroke echo through the `gangway connect` process over pipes, as the ssh
# reference runs `ssh -tt` (ARGS: more SessionBench options, e.g. --cpu).
connect_echo() {
  local label=$1; shift
  AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=$SECRET AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$BIN/SessionBench" --mode command --label "$label" --keystrokes "$KEYSTROKES" "${PACE[@]}" "$@" \
    --command "exec $BIN/gangway connect $TARGET --endpoint-url $URL --region us-east-1 2>/dev/null" \
    --first-line "stty raw echo; echo go''on; exec cat > /dev/null"
}

# ---- gangwayd + one agent
start_stack main

echo "== Gangway session ($CONFIG build)"
"$BIN/SessionBench" --mode gangway --server "$URL" --key-id "$KEY_ID" --secret "$SECRET" --target "$TARGET" \
  --file "$FILE" --keystrokes "$KEYSTROKES" "${PACE[@]}" --cpu "gangwayd=$GW_PID,agent=$AGENT_PID,client=self"
# The same echo through the `gangway connect` process.
connect_echo connect --cpu "gangwayd=$GW_PID,agent=$AGENT_PID,connect=child"
stop_stack

# ---- the same with gangwayd's sockets spread over one event loop per core (the default is one loop): a session's
# two sockets then often sit on different threads, and each relayed frame wakes the other one
start_stack allloops --all-event-loops
echo "== Gangway session, gangwayd --all-event-loops"
"$BIN/SessionBench" --mode gangway --label gangway_all_loops --server "$URL" --key-id "$KEY_ID" --secret "$SECRET" \
  --target "$TARGET" --file "$FILE" --keystrokes "$KEYSTROKES" "${PACE[@]}" --cpu "gangwayd=$GW_PID,agent=$AGENT_PID,client=self"
stop_stack

echo "== direct PTY"
"$BIN/SessionBench" --mode direct --file "$FILE" --keystrokes "$KEYSTROKES" "${PACE[@]}"

# ---- ssh -tt root@localhost with a throwaway sshd on 127.0.0.1
echo "== ssh -tt localhost"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/userkey"
cp "$WORK/userkey.pub" "$WORK/authorized_keys"
SSH_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $WORK/hostkey
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
PidFile $WORK/sshd.pid
CFG
/usr/sbin/sshd -D -f "$WORK/sshd_config" -E "$WORK/sshd.log" &
SSHD_PID=$!
PIDS+=($!)
sleep 0.5
SSH_OPTS=(-tt -q -i "$WORK/userkey" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1)
SSH=(ssh -p "$SSH_PORT" "${SSH_OPTS[@]}")
"${SSH[@]}" true >/dev/null 2>&1 || { echo "ssh to localhost failed; see $WORK/sshd.log"; cat "$WORK/sshd.log"; exit 1; }
# ssh_throughput: one `cat` of the payload over ssh -tt; prints the line and sets TP to the MiB/s.
ssh_throughput() {
  local start end bytes line
  start=$(date +%s%N)
  "${SSH[@]}" "stty raw -echo; cat $FILE" > "$WORK/ssh.out" 2>/dev/null
  end=$(date +%s%N)
  bytes=$(stat -c %s "$WORK/ssh.out")
  line=$(python3 -c "b=$bytes; t=($end-$start)/1e9; print(f'ssh_throughput_mib_s {b/1048576/t:.1f} ({b/1048576:.1f} MiB in {t:.2f} s, incl. connection setup)')")
  echo "$line"
  TP=$(echo "$line" | awk '{print $2}')
}
ssh_throughput
# ssh_echo LABEL PORT [ARGS…]: the keystroke echo through `ssh -tt` to the throwaway sshd, connecting to PORT (sshd's
# own, or a relay's in front of it; ARGS: more SessionBench options, e.g. --cpu).
ssh_echo() {
  local label=$1 port=$2; shift 2
  local ssh=(ssh -p "$port" "${SSH_OPTS[@]}")
  "$BIN/SessionBench" --mode command --label "$label" --keystrokes "$KEYSTROKES" "${PACE[@]}" "$@" \
    --command "exec $(printf '%q ' "${ssh[@]}") 'stty raw echo; echo go\"\"on; cat > /dev/null'"
}
ssh_echo ssh "$SSH_PORT" --cpu "ssh=child,sshd=descendants:$SSHD_PID"

# ---- the same ssh through one relay process (socat, a TCP relay in C): what any relay hop costs on this machine.
# Gangway's data path has such a hop by design (gangwayd; hosts open no port); this shows what the hop itself costs.
# relayed_ssh_echo LABEL PORT RELAY_NAME RELAY_PID: the ssh echo through a relay listening on PORT.
relayed_ssh_echo() { ssh_echo "$1" "$2" --cpu "ssh=child,$3=$4,sshd=descendants:$SSHD_PID"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if command -v socat >/dev/null 2>&1; then
  RELAY_PORT=$(free_port)
  socat "TCP-LISTEN:$RELAY_PORT,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$SSH_PORT,nodelay" &
  RELAY_PID=$!
  PIDS+=($!)
  sleep 0.3
  relayed_ssh_echo ssh_via_relay "$RELAY_PORT" socat "descendants:$RELAY_PID"
else
  echo "(socat not installed: no ssh-through-a-relay reference; bash .ci/deps --test installs it)"
fi
# ---- and through a bare SwiftNIO TCP relay (SessionBench --mode nio-relay: one event loop, no WebSocket, no SSM
# messages, no recording): the framework's own cost for a hop, the floor under gangwayd's relay.
NIO_RELAY_PORT=$(free_port)
"$BIN/SessionBench" --mode nio-relay --listen "$NIO_RELAY_PORT" --to "$SSH_PORT" >/dev/null &
NIO_RELAY_PID=$!
PIDS+=($!)
sleep 0.5
relayed_ssh_echo ssh_via_nio_relay "$NIO_RELAY_PORT" nio_relay "$NIO_RELAY_PID"

# ---- throughput again, Gangway and ssh alternating RUNS times (the figures above are one sample each)
start_stack repeat
echo "== throughput, $RUNS runs each, alternating"
GW_TP=(); SSH_TP=()
for i in $(seq "$RUNS"); do
  line=$("$BIN/SessionBench" --mode gangway --label "gangway_run$i" --server "$URL" --key-id "$KEY_ID" \
    --secret "$SECRET" --target "$TARGET" --file "$FILE" --keystrokes 0 | grep throughput)
  echo "$line"
  GW_TP+=("$(echo "$line" | awk '{print $2}')")
  ssh_throughput
  SSH_TP+=("$TP")
done
# ---- echo again, alternating ECHO_RUNS times: Gangway through `gangway connect`, the direct PTY, ssh, ssh via socat.
# One echo figure moves by 30 % between identical runs on this VM; the medians of what each adds to the PTY's own
# round trip, measured side by side, are the figures to compare with the goal.
echo "== echo, $ECHO_RUNS runs each, alternating"
p50_of() { grep -m1 '_echo_us' | awk '{print $3}'; }
GW_E=(); PTY_E=(); SSH_E=(); RELAY_E=()
for i in $(seq "$ECHO_RUNS"); do
  line=$(connect_echo "connect_run$i")
  echo "$line"; GW_E+=("$(echo "$line" | p50_of)")
  line=$("$BIN/SessionBench" --mode direct --keystrokes "$KEYSTROKES" "${PACE[@]}" | grep _echo_us)
  echo "$line"; PTY_E+=("$(echo "$line" | p50_of)")
  line=$(ssh_echo "ssh_run$i" "$SSH_PORT")
  echo "$line"; SSH_E+=("$(echo "$line" | p50_of)")
  if [ -n "${RELAY_PORT:-}" ]; then
    line=$(relayed_ssh_echo "ssh_via_relay_run$i" "$RELAY_PORT" socat "descendants:$RELAY_PID" | grep _echo_us)
    echo "$line"; RELAY_E+=("$(echo "$line" | p50_of)")
  fi
done
stop_stack
python3 - "${GW_TP[*]}" "${SSH_TP[*]}" "${GW_E[*]}" "${PTY_E[*]}" "${SSH_E[*]}" "${RELAY_E[*]:-}" <<'PY'
import statistics, sys
g = [float(x) for x in sys.argv[1].split()]; s = [float(x) for x in sys.argv[2].split()]
gm, sm = statistics.median(g), statistics.median(s)
print(f"throughput_median_mib_s gangway {gm:.1f} ssh {sm:.1f} ratio {gm / sm:.2f} (goal >= 0.90)")
runs = [[float(x) for x in a.split()] for a in sys.argv[3:7]]
gw, pty, ssh, relay = runs
def added(xs): return statistics.median(x - p for x, p in zip(xs, pty)) if xs else float("nan")
line = f"echo_added_p50_median_us connect {added(gw):.0f} ssh {added(ssh):.0f}"
if relay: line += f" ssh_via_relay {added(relay):.0f}"
print(line + f" (pty p50 median {statistics.median(pty):.0f}; goal: connect <= 100)")
PY
