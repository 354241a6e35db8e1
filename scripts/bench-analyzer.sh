#!/usr/bin/env bash
# Opens one large real heap snapshot with heapsim, dinfuehr/heap-snapshot (the fastest peer
# found, Rust), the one-core parse floor, Chrome DevTools' own worker and memlab, in the same
# run, and prints one Markdown table: median wall time, CPU time and peak RSS of each, and
# its wall time as a multiple of `heapsim summary`'s (issue 16).
#
#   scripts/bench-analyzer.sh [SNAPSHOT]
#
# Without SNAPSHOT it generates one with Node (scripts/gen-big-snapshot.js: ~12 M nodes,
# ~32 M edges, ~900 MB) into ${BENCH_DIR:-/tmp/heapsim-bench}. The machine is shared, so the
# fast tools (heapsim, dinfuehr, the floor) run ${RUNS:-4} rounds, alternating within each
# round, and the table gives medians; DevTools and memlab take a minute or more each and run
# ${SLOW_RUNS:-1} round(s). Load averages are printed before and after.
#
# Peers:
#   HEAPSIM_PEER_DINFUEHR  a checkout (or git dir) of github.com/dinfuehr/heap-snapshot; it is
#                          cloned into $BENCH_DIR/dinfuehr and built there with
#                          `cargo build --release` (never vendored). Unset: reported missing.
#   DevTools, memlab       from scripts/setup-interop.sh (installed on demand).
# A peer that is missing or fails is reported as such, never silently dropped. Numbers go
# into docs/performance.md by hand, with the machine, date and load this script prints.
#
# Then every command that loads the whole analysis (analyze, show, path, tree, export,
# stats, strings; diff of the file with itself, so two snapshots) runs once on the same
# file: wall, CPU and peak RSS per command (issue 16, goal 2). COMMANDS=0 skips this.
#
# SCALE=1 also writes a 40 M-object snapshot with `heapsim generate` (~3.7 GB, needs ~4 GB
# free in $BENCH_DIR; takes minutes) and reads it with `heapsim summary`: time and peak
# RSS of both, and the file's size (goal 5). The file is deleted afterwards.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/heapsim-bench}
runs=${RUNS:-4}
slow_runs=${SLOW_RUNS:-1}
mkdir -p "$dir"
snap=${1:-$dir/big.heapsnapshot}

if [ ! -f "$snap" ]; then
  echo "generating $snap with Node (takes a minute or two)..." >&2
  node --max-old-space-size=12000 "$repo/scripts/gen-big-snapshot.js" "$snap" >&2
fi

(cd "$repo" && cargo build --release --quiet --bin heapsim -p heapsim &&
  cargo build --release --quiet -p heapsim-benches --example parse_floor)
target=${CARGO_TARGET_DIR:-$repo/target}/release
heapsim=$target/heapsim
floor=$target/examples/parse_floor

dinfuehr=""
if [ -n "${HEAPSIM_PEER_DINFUEHR:-}" ]; then
  peer=$dir/dinfuehr
  [ -d "$peer" ] || git clone --quiet "$HEAPSIM_PEER_DINFUEHR" "$peer"
  if (cd "$peer" && cargo build --release --quiet --bin heap-snapshot) >&2; then
    dinfuehr=$peer/target/release/heap-snapshot
  fi
fi

env_file=$("$repo/scripts/setup-interop.sh" 2>/dev/null || true)
DEVTOOLS_REF="" MEMLAB_CHECK="" NODE20=node
if [ -n "$env_file" ] && [ -f "$env_file" ]; then
  # shellcheck disable=SC1090
  . "$env_file"
fi

# The tools, in the order of each round: NAME|COMMAND (word-split; paths have no spaces).
fast=("heapsim summary|$heapsim summary $snap --top 20")
if [ -n "$dinfuehr" ]; then
  fast+=("dinfuehr/heap-snapshot summary|$dinfuehr summary $snap")
fi
fast+=("parse floor (read + scan every integer, one core)|$floor $snap")
slow=()
if [ -n "$DEVTOOLS_REF" ]; then
  slow+=("DevTools worker|$NODE20 --max-old-space-size=16000 $DEVTOOLS_REF summary $snap 20")
fi
if [ -n "$MEMLAB_CHECK" ]; then
  slow+=("memlab getFullHeapFromFile|env NODE_PATH=${INTEROP_NODE_MODULES:-} $NODE20 --max-old-space-size=16000 $MEMLAB_CHECK $snap $dir/memlab.json")
fi

# run_once NAME CMD: one run under /usr/bin/time; appends "wall cpu rss_kib" (or "failed")
# to $dir/samples-<slug>.
slug() { echo "$1" | tr -c 'A-Za-z0-9\n' '_'; }
run_once() {
  local name=$1 cmd=$2 log
  log=$dir/time-$(slug "$name").log
  # shellcheck disable=SC2086
  if /usr/bin/time -f '%e %U %S %M' -o "$log" $cmd >"$dir/out-$(slug "$name").txt" 2>&1; then
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$log" >>"$dir/samples-$(slug "$name")"
  else
    echo failed >>"$dir/samples-$(slug "$name")"
  fi
}

# row NAME BASE_WALL: the table row of NAME's samples (medians; BASE_WALL for the ratio).
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "?"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
row() {
  local name=$1 base=$2 f
  f=$dir/samples-$(slug "$name")
  if grep -q failed "$f"; then
    echo "| $name | failed (see $dir/out-$(slug "$name").txt) | | | |"
    return
  fi
  local wall cpu rss
  wall=$(awk '{print $1}' "$f" | median)
  cpu=$(awk '{print $2}' "$f" | median)
  rss=$(awk '{print $3}' "$f" | median | awk '{printf "%.0f MiB", $1/1024}')
  local ratio
  ratio=$(awk -v w="$wall" -v b="$base" 'BEGIN {if (b > 0) printf "%.2f×", w/b; else print "?"}')
  echo "| $name | $wall s | $cpu s | $rss | $ratio | $(wc -l <"$f") |"
}

nodes_edges=$("$heapsim" summary "$snap" --json --top 1 2>/dev/null | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);
  console.log(`${j.node_count ?? "?"} nodes, ${j.edge_count ?? "?"} edges`)}catch{console.log("?")}})')

rm -f "$dir"/samples-*
load_before=$(uptime | sed 's/.*load average/load average/')
# Page cache warm for everyone: read the file once first.
cat "$snap" >/dev/null
for ((r = 0; r < runs; r++)); do
  for t in "${fast[@]}"; do run_once "${t%%|*}" "${t#*|}"; done
done
for ((r = 0; r < slow_runs; r++)); do
  for t in "${slow[@]}"; do run_once "${t%%|*}" "${t#*|}"; done
done
load_after=$(uptime | sed 's/.*load average/load average/')

echo "machine: $(lscpu | awk -F': +' '/Model name/ {print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load before: $load_before; after: $load_after"
echo "file: $snap ($(stat -c %s "$snap" | awk '{printf "%.0f MB", $1/1e6}'), $nodes_edges)"
echo
echo "| tool | wall (median) | CPU (median) | peak RSS (median) | wall ÷ heapsim | runs |"
echo "|---|---|---|---|---|---|"
base=$(awk '{print $1}' "$dir/samples-$(slug "heapsim summary")" | median)
for t in "${fast[@]}" "${slow[@]}"; do row "${t%%|*}" "$base"; done
[ -n "$dinfuehr" ] || echo "| dinfuehr/heap-snapshot | not built (set HEAPSIM_PEER_DINFUEHR) | | | | |"
[ -n "$DEVTOOLS_REF" ] || echo "| DevTools worker | not installed (scripts/setup-interop.sh) | | | | |"
[ -n "$MEMLAB_CHECK" ] || echo "| memlab | not installed (scripts/setup-interop.sh) | | | | |"

# One timed run outside the alternating rounds: "wall cpu rss" or "failed".
time_once() {
  local log=$dir/time-once.log
  # shellcheck disable=SC2068
  if /usr/bin/time -f '%e %U %S %M' -o "$log" $@ >/dev/null 2>"$dir/err-once.txt"; then
    awk '{printf "%s s | %.2f s | %.0f MiB", $1, $2 + $3, $4 / 1024}' "$log"
  else
    echo "failed: $(tail -1 "$dir/err-once.txt") | |"
  fi
}

if [ "${COMMANDS:-1}" != 0 ]; then
  # An object to show and to find paths to: the first instance of the most numerous class.
  cls=$("$heapsim" summary "$snap" --json --sort count --top 1 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).classes[0].class))')
  id=$("$heapsim" summary "$snap" --json --class "$cls" --top 1 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log("@"+JSON.parse(s).instances[0].id))')
  echo
  echo "Every command once (load before: $(uptime | sed 's/.*load average: //')):"
  echo
  echo "| command | wall | CPU | peak RSS |"
  echo "|---|---|---|---|"
  for c in "summary $snap" "analyze $snap" "show $snap $id" "path $snap $id" "tree $snap" \
    "export $snap -o $dir/export.csv --force" "stats $snap" "strings $snap" "diff $snap $snap"; do
    # shellcheck disable=SC2086
    echo "| ${c%% *} | $(time_once $heapsim $c) |"
  done
  rm -f "$dir/export.csv"
fi

if [ "${SCALE:-0}" = 1 ]; then
  big=$dir/scale-40m.heapsnapshot
  echo
  echo "Scale: 40 M objects (load before: $(uptime | sed 's/.*load average: //'); $(df -h "$dir" | awk 'NR==2 {print $4}') free):"
  echo
  echo "| step | wall | CPU | peak RSS |"
  echo "|---|---|---|---|"
  echo "| heapsim generate --objects 40000000 | $(time_once "$heapsim" generate --objects 40000000 -o "$big" --force) |"
  if [ -f "$big" ]; then
    echo "| heapsim summary (file $(stat -c %s "$big" | awk '{printf "%.0f MB", $1/1e6}')) | $(time_once "$heapsim" summary "$big" --top 20) |"
  fi
  rm -f "$big" "$big.truth.json"
fi
