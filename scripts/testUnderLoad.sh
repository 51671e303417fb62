#!/usr/bin/env bash
# The whole suite while other processes keep every core busy, RUNS times in a
# row (default 5): what CI machines, small and shared, look like. Each run's
# output is kept in $OUT (default a temp dir); one summary line per run.
#   RUNS=5 bash scripts/testUnderLoad.sh
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
out=${OUT:-$(mktemp -d -t codex-bridge-loaded-XXXXXX)}
cores=$(nproc)
failed=0
for i in $(seq 1 "$runs"); do
  burners=()
  for _ in $(seq 1 "$cores"); do
    yes > /dev/null &
    burners+=($!)
  done
  start=$(date +%s)
  npm test > "$out/run-$i.log" 2>&1
  rc=$?
  kill "${burners[@]}" 2> /dev/null
  wait "${burners[@]}" 2> /dev/null
  echo "run $i: exit $rc in $(($(date +%s) - start)) s, $(grep '^tests:' "$out/run-$i.log" || echo 'no summary') (log: $out/run-$i.log)"
  [ "$rc" -eq 0 ] || failed=$((failed + 1))
done
echo "$((runs - failed)) of $runs runs passed with $cores busy loops beside them"
[ "$failed" -eq 0 ]
