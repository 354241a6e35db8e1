//! `heapsim path`: the shortest retainer paths from the root to an object.

use super::output::outln;
use std::path::PathBuf;

use analyzer::devtools::names::display_name;
use analyzer::paths::{paths_to, RetainerPath};
use analyzer::report::chains::{self, Segment};
use clap::Args;
use serde_json::{json, Value};

use super::common::{analyse, find, parse_id};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim path app.heapsnapshot @234743
  heapsim path app.heapsnapshot @234743 --max 10 --json

Paths skip weak edges and are printed as JavaScript-like chains, e.g.
`global.client._events.error[17]`: properties as `.name` (or `[\"odd name\"]`),
elements as `[i]`, closure variables and internal links as `.name`. A path that starts in
V8's GC roots begins with the root's name, e.g. `(Handle scope)[3].next`. A block of steps
repeated 3 times or more is written once: `global.list(.next)×40000.value`.")]
pub struct PathArgs {
    /// The .heapsnapshot file.
    pub file: PathBuf,
    /// The object's id, as DevTools prints it (`@4321`).
    #[arg(value_parser = parse_id, value_name = "@ID")]
    pub id: u32,
    /// At most this many paths (all of the shortest length).
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = super::common::at_least_one)]
    pub max: usize,
    /// Print JSON (see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: PathArgs) -> anyhow::Result<i32> {
    let a = analyse(&args.file)?;
    let v = find(&a, &args.file, args.id)?;
    let s = &a.snapshot;
    let paths = paths_to(&a, v, args.max);
    if args.json {
        let list: Vec<Value> = paths
            .iter()
            .map(|p| {
                let steps: Vec<Value> = p
                    .steps
                    .iter()
                    .map(|st| {
                        json!({
                            "edge": st.edge.map(|e| s.edge_name(e)),
                            "edge_type": st.edge.map(|e| s.edge_kind(e).v8_name()),
                            "id": s.node_id(st.node),
                            "type": s.node_type_name(st.node),
                            "name": display_name(s, st.node),
                        })
                    })
                    .collect();
                json!({"chain": p.chain(&a), "steps": steps})
            })
            .collect();
        let out = json!({
            "id": args.id,
            "name": display_name(s, v),
            "paths": list,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    if paths.is_empty() {
        outln!(
            "@{} {} is not reachable from the root over non-weak edges",
            args.id,
            display_name(s, v)
        );
        return Ok(0);
    }
    for p in &paths {
        outln!("{}", p.chain(&a));
        outln!("    {}", id_line(s, p));
    }
    Ok(0)
}

/// `@1 → @2 → (@3 → @4)×2999 … @9 → @10`: the ids of a path, a repeated block of steps
/// shown by its first copy, its count and the id it ends at, as `chain()` folds it.
fn id_line(s: &analyzer::snapshot::HeapSnapshot, p: &RetainerPath) -> String {
    let id = |i: usize| format!("@{}", s.node_id(p.steps[i].node));
    let parts: Vec<String> = chains::segments(&p.step_keys(s, 0))
        .into_iter()
        .map(|seg| match seg {
            Segment::One(i) => id(i),
            Segment::Repeat(r) => {
                let first: Vec<String> = (r.start..r.start + r.period).map(id).collect();
                format!("({})×{} … {}", first.join(" → "), r.times, id(r.end() - 1))
            }
        })
        .collect();
    parts.join(" → ")
}
