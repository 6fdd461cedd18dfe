#!/usr/bin/env bash
# Recording overhead on session throughput (issue 5 goal: <= 5%): the same `cat` of a file through a Gangway
# session with gangwayd recording (asciicast to DATA_DIR/recordings) and with `--no-recording`, alternating, RUNS
# times each; prints the median of each and the ratio.
# Usage: bench/session/recording-overhead.sh   (CONFIG=debug|release, SCRATCH=.build-release, SIZE_MIB=64, RUNS=3,
#        BIN=DIR to use already built binaries)
# Binds 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONFIG=${CONFIG:-release}
SIZE_MIB=${SIZE_MIB:-64}
RUNS=${RUNS:-3}
SCRATCH=${SCRATCH:-.build}
# BIN=DIR uses binaries built elsewhere (gangwayd, gangway-agent, SessionBench) and skips the build.
source bench/session/stack.sh
bench_setup recbench
make_payload "$SIZE_MIB"
echo "payload: $(stat -c %s "$FILE") bytes of base64 text; $RUNS runs each, alternating; binaries in $BIN" >&2

# One session per run on a fresh gangwayd; sets RESULT to its MiB/s and CPU to gangwayd's CPU seconds.
measure() {
  local name=$1; shift
  start_stack "$name" "$@"
  local line
  line=$("$BIN/SessionBench" --mode gangway --server "$URL" --key-id "$KEY_ID" --secret "$SECRET" --target "$TARGET" \
    --file "$FILE" --keystrokes 5 | grep gangway_throughput_mib_s)
  # gangwayd's CPU time (user+sys) for the whole run: less disturbed by other load than wall-clock throughput.
  CPU=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$GW_PID/stat")
  stop_stack
  if [ "$name" != "${name#on}" ]; then
    local cast
    cast=$(find "$DATA/recordings" -name '*.cast' -printf '%s\n' | head -1)
    echo "  $name: $line; gangwayd cpu ${CPU} s; recording ${cast:-MISSING} bytes" >&2
    [ -n "$cast" ] || { echo "recording on but no recording written" >&2; exit 1; }
  else
    echo "  $name: $line; gangwayd cpu ${CPU} s" >&2
    [ -z "$(find "$DATA/recordings" -name '*.cast' 2>/dev/null)" ] || { echo "--no-recording still recorded" >&2; exit 1; }
  fi
  rm -rf "$DATA"
  RESULT=$(echo "$line" | awk '{print $2}')
}

ON=(); OFF=(); ON_CPU=(); OFF_CPU=()
for i in $(seq "$RUNS"); do
  measure "off$i" --no-recording; OFF+=("$RESULT"); OFF_CPU+=("$CPU")
  measure "on$i"; ON+=("$RESULT"); ON_CPU+=("$CPU")
done
python3 - "${ON[*]}" "${OFF[*]}" "${ON_CPU[*]}" "${OFF_CPU[*]}" "$SIZE_MIB" <<'PY'
import statistics, sys
on, off, on_cpu, off_cpu = ([float(x) for x in a.split()] for a in sys.argv[1:5])
mib = float(sys.argv[5])
m_on, m_off = statistics.median(on), statistics.median(off)
print(f"recording_on_mib_s {m_on:.1f} (runs {on})")
print(f"recording_off_mib_s {m_off:.1f} (runs {off})")
print(f"recording_throughput_ratio {m_on / m_off:.3f} (overhead {100 * (1 - m_on / m_off):.1f}%; goal <= 5%)")
c_on, c_off = statistics.median(on_cpu), statistics.median(off_cpu)
print(f"gangwayd_cpu_ms_per_mib on {1000 * c_on / mib:.1f} off {1000 * c_off / mib:.1f} (recording costs {100 * (c_on / c_off - 1):.1f}% more gangwayd CPU)")
PY
