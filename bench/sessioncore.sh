#!/usr/bin/env bash
# SessionCore benchmark: codec encode/decode(+verify) MiB/s at 1/16/64 KiB and DataStream MiB/s over a lossless
# in-memory link. Usage: bench/sessioncore.sh   (BENCH_MS=2000 for longer runs per figure)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product SessionCoreBench >&2
"$(swift build -c release --show-bin-path)/SessionCoreBench"
