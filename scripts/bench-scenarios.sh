#!/usr/bin/env bash
# Runs the listeners scenario with --repeat 100000 on heapsim's simulated heap
# (`heapsim run`) and the same script under real Node 20 through the shim
# (scenarios/node/harness.js), in the same run, and prints a Markdown table of wall time
# and peak RSS for each. Both write baseline/target/final.heapsnapshot.
#
#   scripts/bench-scenarios.sh [REPEAT]
#
# Output folders go under ${BENCH_DIR:-/tmp/heapsim-bench-scenarios}. Node comes from
# scripts/setup-interop.sh's env file (NODE20), else `node` on PATH. Numbers go into
# docs/performance.md by hand, with the machine and date this script prints.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/heapsim-bench-scenarios}
repeat=${1:-100000}
rm -rf "$dir" && mkdir -p "$dir"

(cd "$repo" && cargo build --release --quiet --bin heapsim)
heapsim=${CARGO_TARGET_DIR:-$repo/target}/release/heapsim

env_file=$("$repo/scripts/setup-interop.sh" 2>/dev/null || true)
NODE20=node
if [ -n "$env_file" ] && [ -f "$env_file" ]; then
  # shellcheck disable=SC1090
  . "$env_file"
fi

# measure NAME CMD...: runs CMD once under /usr/bin/time, prints a table row.
measure() {
  local name=$1; shift
  local log=$dir/time-$name.log
  if /usr/bin/time -v "$@" >"$dir/out-$name.txt" 2>"$log"; then
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$log")
    echo "| $name | $wall | $rss |"
  else
    echo "| $name | failed (exit $?; see $log) | |"
  fi
}

echo "machine: $(lscpu | awk -F': +' '/Model name/ {print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "date: $(date -u +%Y-%m-%d)"
echo "scenario: listeners, --repeat $repeat"
echo
echo "| runner | wall time (m:ss) | peak RSS |"
echo "|---|---|---|"
measure "heapsim run" "$heapsim" run listeners --repeat "$repeat" -o "$dir/heapsim"
measure "Node 20 + shim" "$NODE20" --expose-gc "$repo/scenarios/node/harness.js" \
  "$repo/scenarios/listeners.js" "$dir/node" --repeat "$repeat"
