#!/usr/bin/env bash
# Console benchmarks: pane throughput (our libvterm pane renderer vs tmux, same stream, same run) and first paint
# of the Fleet view with 10,000 synthetic instances. Usage: bench/console/run.sh [megabytes]
set -euo pipefail
cd "$(dirname "$0")"
MB="${1:-32}"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
work="$(mktemp -d)"
sock="gw-bench-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

python3 gen_stream.py "$work/stream.vt" "$MB"
swift build -c release --product console-bench > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
bin="$(swift build -c release --show-bin-path)/console-bench"
bytes=$(stat -c %s "$work/stream.vt")

echo "== our pane (libvterm parse + damage-driven draw into a 40x120 surface, <= 60 frames/s)"
"$bin" pane "$work/stream.vt" 40 120
echo "== our pane fed through a real PTY (cat FILE in LocalPTYShell -> bounded inbox -> screen -> draw)"
"$bin" pane-pty "$work/stream.vt"

now() { date +%s.%N; }
echo "== tmux $(tmux -V | cut -d' ' -f2), 120x40 pane, detached (parse only)"
tmux -L "$sock" -f /dev/null new-session -d -s idle -x 120 -y 40 "cat"
t0=$(now)
tmux -L "$sock" new-session -d -s det -x 120 -y 40 "cat $work/stream.vt; tmux -L $sock wait-for -S det-done"
tmux -L "$sock" wait-for det-done
t1=$(now)
python3 -c "print(f'tmux-detached bytes=$bytes seconds={$t1-$t0:.3f} MB/s={$bytes/($t1-$t0)/1e6:.1f}')"

echo "== tmux with an attached client drawing to a pty (parse + redraw)"
tmux -L "$sock" new-session -d -s att -x 120 -y 40 "tmux -L $sock wait-for go; cat $work/stream.vt; tmux -L $sock wait-for -S att-done"
script -qfc "stty cols 120 rows 41; tmux -L $sock attach -t att" /dev/null > /dev/null 2>&1 &
client=$!
sleep 1
t0=$(now)
tmux -L "$sock" wait-for -S go
tmux -L "$sock" wait-for att-done
t1=$(now)
kill "$client" 2>/dev/null || true
python3 -c "print(f'tmux-attached bytes=$bytes seconds={$t1-$t0:.3f} MB/s={$bytes/($t1-$t0)/1e6:.1f}')"

echo "== first paint, Fleet view, 10,000 synthetic instances (model build + sort + first frame)"
"$bin" first-paint 10000
