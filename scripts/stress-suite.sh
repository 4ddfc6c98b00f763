#!/usr/bin/env bash
# Runs `npm test` RUNS times in a row (default 10) while stress-ng keeps
# both cores busy, and stops at the first failure: the check that no test
# depends on the machine's speed. Each run's exit code, duration and load
# average go to stdout; each run's output to $LOG_DIR/run-N.log.
#   bash scripts/stress-suite.sh [RUNS]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS="${1:-10}"
LOG_DIR="${LOG_DIR:-$(mktemp -d -t chitbox-stress.XXXX)}"
command -v stress-ng >/dev/null || { echo "stress-suite: needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }

stress-ng --cpu "$(nproc)" --timeout 0 --quiet &
STRESS_PID=$!
trap 'kill "$STRESS_PID" 2>/dev/null; wait "$STRESS_PID" 2>/dev/null' EXIT
echo "stress-suite: stress-ng --cpu $(nproc) (pid $STRESS_PID); logs in $LOG_DIR"

for run in $(seq 1 "$RUNS"); do
  start=$(date +%s)
  npm test >"$LOG_DIR/run-$run.log" 2>&1
  code=$?
  echo "run $run/$RUNS: exit $code in $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$code" -eq 0 ] || { echo "stress-suite: run $run failed, see $LOG_DIR/run-$run.log"; exit 1; }
done
echo "stress-suite: $RUNS of $RUNS runs passed"
