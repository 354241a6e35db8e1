#!/usr/bin/env bash
# Live capture of a large heap: how long `heapsim capture` takes from start to the written
# file, against Node writing the same heap with v8.writeHeapSnapshot in the same run (the
# floor: Node's serializer), and how soon `--analyze` prints the report after the last
# chunk. Prints a Markdown table with the machine and date (docs/performance.md, by hand).
#
#   scripts/bench-capture.sh [OBJECTS]
#
# The heap is scripts/gen-big-snapshot.js's (default 3,000,000 objects: ~12 M nodes, ~32 M
# edges, ~900 MB of snapshot), kept alive after its own v8.writeHeapSnapshot, which a
# preloaded wrapper times. Node is NODE20 from scripts/setup-interop.sh's env file, or the
# `node` on PATH. Work files go to ${BENCH_DIR:-/tmp/heapsim-bench}; needs ~4 GB of disk
# and ~10 GB of memory. A benchmark, not a test: run it once on an idle machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/heapsim-bench}/capture
mkdir -p "$dir"
objects=${1:-3000000}

(cd "$repo" && cargo build --release --quiet --bin heapsim)
heapsim=${CARGO_TARGET_DIR:-$repo/target}/release/heapsim
env_file=$("$repo/scripts/setup-interop.sh" 2>/dev/null || true)
NODE20=node
if [ -n "$env_file" ] && [ -f "$env_file" ]; then
  # shellcheck disable=SC1090
  . "$env_file"
fi

# Times the program's own v8.writeHeapSnapshot and keeps the process alive afterwards.
cat > "$dir/keep-alive.js" <<'JS'
const v8 = require('v8');
const write = v8.writeHeapSnapshot;
v8.writeHeapSnapshot = (file) => {
  const t = process.hrtime.bigint();
  const r = write(file);
  console.log(`node_write_s ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)}`);
  setInterval(() => {}, 1 << 30);
  return r;
};
JS
rm -f "$dir"/*.heapsnapshot "$dir"/*.partial "$dir/node.out"
touch "$dir/node.out"
echo "building the heap ($objects objects) and letting Node write it..." >&2
(cd "$dir" && exec "$NODE20" --max-old-space-size=16000 --heapsnapshot-signal=SIGUSR2 -r "$dir/keep-alive.js" \
  "$repo/scripts/gen-big-snapshot.js" "$dir/node.heapsnapshot" "$objects") >"$dir/node.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until grep -q '^node_write_s' "$dir/node.out"; do
  kill -0 $pid 2>/dev/null || { cat "$dir/node.out" >&2; exit 1; }
  sleep 1
done
node_s=$(awk '/^node_write_s/ {print $2}' "$dir/node.out")
size=$(stat -c %s "$dir/node.heapsnapshot")
rm -f "$dir/node.heapsnapshot"  # only its size is needed; keep the disk for the captures

# seconds CMD...: wall time of CMD in seconds; its stdout goes to $dir/last.out, its
# stderr to $dir/last.err and its CPU time (user + system, /usr/bin/time) to $dir/last.cpu.
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$dir/last.cpu" "$@" >"$dir/last.out" 2>"$dir/last.err" ||
    { echo "failed: $*" >&2; cat "$dir/last.err" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}
cpu() { awk '{printf "%.1f", $1 + $2}' "$dir/last.cpu"; }
ratio() { awk -v a="$1" -v b="$node_s" 'BEGIN {printf "%.2f×", a / b}'; }
echo "machine: $(lscpu | awk -F': +' '/Model name/ {print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg); Node $("$NODE20" --version); gen-big-snapshot.js $objects"
echo "snapshot: $(awk -v s="$size" 'BEGIN {printf "%.0f MB", s/1e6}') written by Node"
echo
echo "| step | wall time (s) | vs Node's write | heapsim CPU (s) |"
echo "|---|---|---|---|"
echo "| Node: v8.writeHeapSnapshot in the process | $node_s | 1.00× | |"
capture_s=$(seconds "$heapsim" capture $pid -o "$dir/capture.heapsnapshot")
rm -f "$dir/capture.heapsnapshot"
echo "| heapsim capture PID -o FILE (start to written file) | $capture_s | $(ratio "$capture_s") | $(cpu) |"
analyze_s=$(seconds "$heapsim" capture $pid --analyze --no-save)
tail_s=$(awk '/report .* s after the last chunk/ {print $3}' "$dir/last.err")
echo "| heapsim capture PID --analyze --no-save (start to report) | $analyze_s | $(ratio "$analyze_s") | $(cpu) |"
echo "| … of which after the last chunk | $tail_s | | |"
suspect=$(grep -m1 '^Suspect 1' "$dir/last.out" | cut -c1-60 || echo "no suspect")
signal_s=$(seconds "$heapsim" capture $pid --signal SIGUSR2 -o "$dir/signal.heapsnapshot")
rm -f "$dir/signal.heapsnapshot"
echo "| heapsim capture PID --signal SIGUSR2 (Node writes, heapsim moves) | $signal_s | $(ratio "$signal_s") | $(cpu) |"
echo
echo "--analyze: $suspect"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
