#!/usr/bin/env bash
# Opens one large real heap snapshot with heapsim, Chrome DevTools' own worker and memlab,
# in the same run, and prints a Markdown table of wall time and peak RSS for each.
#
#   scripts/bench-analyzer.sh [SNAPSHOT]
#
# Without SNAPSHOT it generates one with Node (scripts/gen-big-snapshot.js: ~12 M nodes,
# ~32 M edges, ~900 MB) into ${BENCH_DIR:-/tmp/heapsim-bench}. The peers come from
# scripts/setup-interop.sh (installed on demand); a peer that is missing or fails is
# reported as such, never silently dropped. Numbers go into docs/performance.md by hand,
# with the machine and date this script prints.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/heapsim-bench}
mkdir -p "$dir"
snap=${1:-$dir/big.heapsnapshot}

if [ ! -f "$snap" ]; then
  echo "generating $snap with Node (takes a minute or two)..." >&2
  node --max-old-space-size=12000 "$repo/scripts/gen-big-snapshot.js" "$snap" >&2
fi

(cd "$repo" && cargo build --release --quiet --bin heapsim)
heapsim=${CARGO_TARGET_DIR:-$repo/target}/release/heapsim

env_file=$("$repo/scripts/setup-interop.sh" 2>/dev/null || true)
DEVTOOLS_REF="" MEMLAB_CHECK="" NODE20=node
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
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.2f GiB", $2/1024/1024}' "$log")
    echo "| $name | $wall | $rss |"
  else
    echo "| $name | failed (exit $?; see $log) | |"
  fi
}

nodes_edges=$("$heapsim" summary "$snap" --json --top 1 2>/dev/null | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);
  console.log(`${j.node_count ?? "?"} nodes, ${j.edge_count ?? "?"} edges`)}catch{console.log("?")}})')

echo "machine: $(lscpu | awk -F': +' '/Model name/ {print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "date: $(date -u +%Y-%m-%d)"
echo "file: $snap ($(stat -c %s "$snap" | awk '{printf "%.0f MB", $1/1e6}'), $nodes_edges)"
echo
echo "| tool | wall time (m:ss) | peak RSS |"
echo "|---|---|---|"
# Page cache warm for everyone: read the file once first.
cat "$snap" >/dev/null
measure "heapsim summary" "$heapsim" summary "$snap" --top 20
if [ -n "$DEVTOOLS_REF" ]; then
  measure "DevTools worker" "$NODE20" --max-old-space-size=16000 "$DEVTOOLS_REF" summary "$snap" 20
else
  echo "| DevTools worker | not installed (scripts/setup-interop.sh) | |"
fi
if [ -n "$MEMLAB_CHECK" ]; then
  measure "memlab getFullHeapFromFile" env NODE_PATH="${INTEROP_NODE_MODULES:-}" \
    "$NODE20" --max-old-space-size=16000 "$MEMLAB_CHECK" "$snap" "$dir/memlab.json"
else
  echo "| memlab | not installed (scripts/setup-interop.sh) | |"
fi
