#!/usr/bin/env bash
# Audit log + recording benchmark (release build). Usage: bench/audit/run.sh [SCRATCH_DIR]
# Env: BENCH_APPEND_EVENTS (100000), BENCH_APPENDERS (256), BENCH_VERIFY_EVENTS (1000000), BENCH_KEEP=1 keeps files.
# SCRATCH_DIR must be on a real disk (fdatasync cost is the point); default: the system temp dir.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift run -c release --package-path "$here" AuditBench "${1:-${TMPDIR:-/tmp}}"
