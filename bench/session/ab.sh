#!/usr/bin/env bash
# A/B of two builds' keystroke echo through `gangway connect`, the way to judge a change on this noisy shared host:
# whole stacks (gangwayd, gangway-agent, gangway, SessionBench) from two directories of release binaries, a fresh
# stack per run, alternating A, B, A, B… REPS times; prints each run, then per build the medians of the echo p50 and
# of the CPU per keystroke (gangwayd, agent, connect), and the paired differences B − A (same round, run back to back).
# One build's median moves ±10 µs between batches here, so a difference under ~10 µs needs two batches in opposite
# orders (ORDER="B A") and ~50 pairs before it means anything.
# Usage: bench/session/ab.sh DIR_A DIR_B      (REPS=14 pairs, KEYSTROKES=3000 per run, ORDER="A B")
# DIR_*: directories holding gangwayd, gangway-agent, gangway and SessionBench (e.g. copies of .build/release).
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
for d in "$1" "$2"; do [ -d "$d" ] || { echo "error: $d is not a directory of binaries" >&2; exit 2; }; done
declare -A DIRS=([A]=$(cd "$1" && pwd) [B]=$(cd "$2" && pwd))
for v in A B; do
  for p in gangwayd gangway-agent gangway SessionBench; do
    [ -x "${DIRS[$v]}/$p" ] || { echo "error: ${DIRS[$v]}/$p is missing or not executable" >&2; exit 2; }
  done
done
cd "$(dirname "$0")/../.."
REPS=${REPS:-14}
KEYSTROKES=${KEYSTROKES:-3000}
ORDER=${ORDER:-A B}
CONFIG=release; SCRATCH=.build
BIN=${DIRS[A]}
source bench/session/stack.sh
bench_setup ab
OUT="$WORK/runs.txt"
for r in $(seq "$REPS"); do
  for v in $ORDER; do
    BIN=${DIRS[$v]}
    start_stack "$v$r"
    line=$(AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=$SECRET AWS_CONFIG_FILE=/dev/null \
      AWS_SHARED_CREDENTIALS_FILE=/dev/null \
      "$BIN/SessionBench" --mode command --label connect --keystrokes "$KEYSTROKES" \
      --command "exec $BIN/gangway connect $TARGET --endpoint-url $URL --region us-east-1 2>/dev/null" \
      --first-line "stty raw echo; echo go''on; exec cat > /dev/null" \
      --cpu "gangwayd=$GW_PID,agent=$AGENT_PID,connect=child" | tr '\n' ' ')
    echo "$v $r: $line" | tee -a "$OUT"
    stop_stack
  done
done
python3 - "$OUT" <<'PY'
import re, statistics as st, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\w) (\d+): .*connect_echo_us p50 (\d+).*gangwayd (\d+) agent (\d+) connect (\d+) total (\d+)', line)
    if m:
        runs.setdefault(m.group(1), {})[int(m.group(2))] = [int(x) for x in m.groups()[2:]]
for v in sorted(runs):
    xs = list(runs[v].values())
    med = lambda i: st.median(x[i] for x in xs)
    print(f"{v}: {len(xs)} runs, echo p50 median {med(0):.1f} us; CPU per key median gangwayd {med(1):.1f} "
          f"agent {med(2):.1f} connect {med(3):.1f} total {med(4):.1f} us")
if len(runs) == 2:
    both = sorted(set(runs['A']) & set(runs['B']))
    diffs = sorted(runs['B'][r][0] - runs['A'][r][0] for r in both)
    if diffs:
        print(f"B - A echo p50, {len(diffs)} pairs: median {st.median(diffs):+.1f} us, mean {st.mean(diffs):+.1f} us, "
              f"{sum(d < 0 for d in diffs)} of {len(diffs)} pairs lower; all: {diffs}")
PY
