#!/usr/bin/env bash
# Dominator benchmarks → the table in docs/dominators.md.
#
#   scripts/bench-dominators.sh            # everything (about 30 min on a busy 2-core box)
#   SKIP_BIG=1 scripts/bench-dominators.sh # no 12 M-node snapshot, no 10 M synthetic graph
#   REPORT_ONLY=1 scripts/bench-dominators.sh  # only rebuild the table from the last results
#                                          # ($BENCH_DATA/dominators-results: criterion dir,
#                                          # inputs.tsv, oneshot.jsonl — append lines to it
#                                          # from separate domtime runs if needed)
#
# 1. makes a small real snapshot with Node (a Map of 20 000 objects, a WeakMap, globals);
# 2. uses BIG_SNAPSHOT (default target/bench-data/big.heapsnapshot, written by
#    scripts/gen-big-snapshot.js when missing: ~12 M nodes / 32 M edges, ~900 MB);
# 3. criterion (`benches/benches/dominators.rs`): the small snapshot and the worst-case
#    families at three sizes each (--warm-up-time 1 --measurement-time 3, 10 samples);
# 4. one-shot runs (`benches/examples/domtime.rs`, best of REPS, wall and CPU time) for
#    what is too big for ten samples on a shared machine: the 12 M-node snapshot, 1 M- and
#    10 M-node synthetic graphs, and CHK / petgraph on the published families at small
#    sizes (their growth);
# 5. rewrites the part of docs/dominators.md between the BEGIN/END markers.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
DATA=${BENCH_DATA:-target/bench-data}
REPS=${REPS:-2}
mkdir -p "$DATA"
RES="$DATA/dominators-results"
if [ -z "${REPORT_ONLY:-}" ]; then
rm -rf "$RES" "$CARGO_TARGET_DIR/criterion" && mkdir -p "$RES"

SMALL="$DATA/small.heapsnapshot"
node -e '
  const m = new Map();
  for (let i = 0; i < 20000; i++) m.set("k" + i, { i, a: [i], s: "v" + i });
  const w = new WeakMap();
  for (let i = 0; i < 1000; i++) { const k = { i }; w.set(k, { v: i }); globalThis["x" + i] = k; }
  globalThis.keep = { m, w };
  require("v8").writeHeapSnapshot(process.argv[1]);
' "$SMALL"

BIG=${BIG_SNAPSHOT:-$DATA/big.heapsnapshot}
if [ -z "${SKIP_BIG:-}" ] && [ ! -s "$BIG" ]; then
  echo "writing $BIG with scripts/gen-big-snapshot.js (a few minutes)" >&2
  node --max-old-space-size=8000 scripts/gen-big-snapshot.js "$BIG"
fi

cargo build --release -q -p heapsim-benches --examples --benches
DOMTIME="$CARGO_TARGET_DIR/release/examples/domtime"

HEAPSIM_DOM_SNAPSHOTS="$SMALL" HEAPSIM_BENCH_INPUTS="$RES/inputs.tsv" \
  cargo bench -q -p heapsim-benches --bench dominators -- \
  --warm-up-time 1 --measurement-time 3 --noplot 2>&1 | tee "$RES/criterion.log" >&2

: > "$RES/oneshot.jsonl"
if [ -z "${SKIP_BIG:-}" ]; then
  "$DOMTIME" --snapshot "$BIG" --reps "$REPS" --petgraph >> "$RES/oneshot.jsonl"
  "$DOMTIME" --synthetic 10000000 --reps 1 --algorithms snca-pre,slt-pre,lt-pre,snca,chk >> "$RES/oneshot.jsonl"
fi
"$DOMTIME" --synthetic 1000000 --reps "$REPS" --petgraph >> "$RES/oneshot.jsonl"
for k in 50 100 200; do
  "$DOMTIME" --family itworst $k --reps 1 --petgraph --algorithms chk,snca-pre,slt-pre >> "$RES/oneshot.jsonl"
done
for k in 500 1000 2000; do
  "$DOMTIME" --family idfsquad $k --reps 1 --petgraph --algorithms chk,snca-pre,slt-pre >> "$RES/oneshot.jsonl"
done

fi # REPORT_ONLY

python3 - "$RES" "$CARGO_TARGET_DIR/criterion" docs/dominators.md <<'PY'
import json, math, os, subprocess, sys, datetime
res, crit, doc = sys.argv[1:4]
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p' | head -1"],
                     capture_output=True, text=True).stdout.strip() or "unknown"
ncpu = os.cpu_count()
load = open("/proc/loadavg").read().split()[:3]
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
order = ["chk", "lt", "slt", "snca", "lt-pre", "slt-pre", "snca-pre", "snca-par", "petgraph"]

inputs = {}
for line in open(os.path.join(res, "inputs.tsv")) if os.path.exists(os.path.join(res, "inputs.tsv")) else []:
    name, n, m, kept = line.split("\t")
    inputs[name] = (int(n), int(m), int(kept))

def fmt_t(s):
    return f"{s*1e3:.1f} ms" if s < 1 else f"{s:.2f} s"

def table(rows, title, note):
    out = [f"#### {title}", "", note, ""]
    out.append("| input | nodes | edges (kept) | " + " | ".join(order) + " |")
    out.append("|---|---:|---:|" + "---:|" * len(order))
    for name, (n, m, kept), times in rows:
        best = min(times.values())
        cells = []
        for a in order:
            if a in times:
                t = times[a]
                cells.append(("**" if t == best else "") + fmt_t(t) + f" ×{t/best:.1f}" + ("**" if t == best else ""))
            else:
                cells.append("—")
        out.append(f"| {name} | {n:,} | {m:,} ({kept:,}) | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"

# criterion medians
crit_rows = {}
for grp in sorted(os.listdir(crit)) if os.path.isdir(crit) else []:
    gdir = os.path.join(crit, grp)
    if not os.path.isdir(gdir) or "_" not in grp:
        continue
    kind, _, name = grp.partition("_")
    if kind not in ("real", "synthetic", "family") or name not in inputs:
        continue
    for alg in os.listdir(gdir):
        est = os.path.join(gdir, alg, "new", "estimates.json")
        if alg in order and os.path.exists(est):
            crit_rows.setdefault((kind, name), {})[alg] = json.load(open(est))["median"]["point_estimate"] / 1e9
def sort_key(k):
    kind, name = k
    return (["real", "synthetic", "family"].index(kind), inputs[name][0] if name in inputs else 0, name)
rows = [(f"{k[0]}/{k[1]}", inputs[k[1]], v) for k, v in sorted(crit_rows.items(), key=lambda kv: sort_key(kv[0]))]

one = {}
for line in open(os.path.join(res, "oneshot.jsonl")):
    r = json.loads(line)
    key = r["input"]
    one.setdefault(key, {"dims": (r["nodes"], r["edges"], r["kept"]), "wall": {}, "cpu": {}})
    one[key]["wall"][r["algorithm"]] = r["seconds"]
    one[key]["cpu"][r["algorithm"]] = max(r["cpu_seconds"], 1e-6)
orows_w = [(k, v["dims"], v["wall"]) for k, v in one.items()]
# schedstat has scheduler-tick resolution: only rows long enough to read it.
orows_c = [(k, v["dims"], v["cpu"]) for k, v in one.items() if min(v["cpu"].values()) >= 0.01]

text = [f"Measured {date} on `{cpu}` ({ncpu} CPUs, shared: load average {' '.join(load)} at the end of the run).",
        "Times are dominators **plus retained sizes** for heapsim's algorithms, dominators only for petgraph; "
        "`×r` is the ratio to the best in the row (bold).", ""]
text.append(table(rows, "criterion (median of 10 samples, wall time)",
                  "`real/` = DevTools' dominator graph of a Node 20 snapshot; `synthetic/` = `families::heap_like`; `family/` = worst-case families."))
if one:
    text.append(table(orows_w, "one-shot (best of the runs, wall time)", "`examples/domtime.rs`; inputs too large or too slow for ten criterion samples."))
    text.append(table(orows_c, "one-shot (CPU time of the timing thread)", "The same runs as CPU time of the thread that runs the algorithm — on a shared machine the fairer number. For `snca-par` it leaves out the helper thread (reverse CSR, idom translation): it is the critical path when both threads get a core, not the total work."))
body = "\n".join(text)
src = open(doc).read()
b, e = "<!-- BEGIN bench-dominators -->", "<!-- END bench-dominators -->"
i, j = src.index(b) + len(b), src.index(e)
open(doc, "w").write(src[:i] + "\n" + body + "\n" + src[j:])
print(f"updated {doc}", file=sys.stderr)
PY
