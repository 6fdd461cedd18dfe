# Sourced by the session benchmarks (source it first, after setting CONFIG/SCRATCH; BIN may be preset).
#   bench_setup NAME       builds gangwayd, gangway-agent and SessionBench unless BIN is set; sets BIN, WORK (a fresh
#                          0755 scratch dir removed at exit) and PIDS (killed at exit).
#   make_payload MIB       writes MIB MiB of base64 text to $WORK/payload.txt and sets FILE.
bench_setup() {
  if [ -z "${BIN:-}" ]; then
    for p in gangwayd gangway-agent SessionBench; do
      swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product "$p" >&2
    done
    BIN=$(swift build -c "$CONFIG" --scratch-path "$SCRATCH" --show-bin-path)
  fi
  WORK=$(mktemp -d "/tmp/gangway-$1.XXXXXX")
  chmod 755 "$WORK"
  PIDS=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

make_payload() {
  FILE="$WORK/payload.txt"
  (head -c $(($1 * 1024 * 1024 * 3 / 4 + 4096)) /dev/urandom | base64 | head -c $(($1 * 1024 * 1024)) > "$FILE") || true
  chmod 644 "$FILE"
}

# Sourced by the session benchmarks: starts gangwayd and one gangway-agent on 127.0.0.1 with a fresh data dir.
# Needs: BIN (built binaries), WORK (scratch dir), PIDS (array, for cleanup).
# start_stack NAME [gangwayd serve flags...] sets URL, KEY_ID, SECRET, TARGET, DATA (the data dir), GW_PID and AGENT_PID.
start_stack() {
  local name=$1; shift
  DATA="$WORK/$name-data"
  "$BIN/gangwayd" admin --data-dir "$DATA" user create bench >/dev/null
  "$BIN/gangwayd" admin --data-dir "$DATA" policy attach --user bench --policy AdministratorAccess >/dev/null 2>&1 || true
  local key token
  key=$("$BIN/gangwayd" admin --data-dir "$DATA" key create bench)
  KEY_ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["AccessKeyId"])' "$key")
  SECRET=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["SecretAccessKey"])' "$key")
  token=$("$BIN/gangwayd" admin --data-dir "$DATA" agent token)
  "$BIN/gangwayd" serve --data-dir "$DATA" --listen 127.0.0.1:0 --log-level error "$@" \
    > "$WORK/$name-gangwayd.out" 2> "$WORK/$name-gangwayd.err" &
  GW_PID=$!
  PIDS+=($!)
  for _ in $(seq 100); do grep -qs "listening on" "$WORK/$name-gangwayd.out" && break; sleep 0.1; done
  URL=$(grep -m1 "listening on" "$WORK/$name-gangwayd.out" | awk '{print $3}')
  [ -n "$URL" ] || { echo "gangwayd ($name) did not start:"; cat "$WORK/$name-gangwayd.err"; return 1; }
  "$BIN/gangway-agent" --server "$URL" --token "$token" --state-dir "$WORK/$name-agent" --log-level error \
    2> "$WORK/$name-agent.err" &
  AGENT_PID=$!
  PIDS+=($!)
  for _ in $(seq 100); do [ -f "$WORK/$name-agent/identity.json" ] && break; sleep 0.1; done
  TARGET=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["InstanceId"])' "$WORK/$name-agent/identity.json")
  sleep 1
}

# stop_stack: stops the last gangwayd and agent started (the two newest PIDS).
stop_stack() {
  local n=${#PIDS[@]}
  local pid
  for pid in "${PIDS[$((n - 1))]}" "${PIDS[$((n - 2))]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[$((n - 1))]}" "${PIDS[$((n - 2))]}"; do
    # Still running (a zombie child counts as gone): wait up to 5 s, then SIGKILL.
    for _ in $(seq 50); do
      case "$(ps -o stat= -p "$pid" 2>/dev/null)" in ""|Z*) break ;; esac
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
}
