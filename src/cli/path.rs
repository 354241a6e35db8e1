//! `heapsim path`: the shortest retainer paths from the root to an object.

use super::output::outln;
use std::path::PathBuf;

use analyzer::devtools::names::display_name;
use analyzer::paths::paths_to;
use analyzer::report::chains::Segment;
use analyzer::report::labels::object_name;
use analyzer::report::retainer_path::{self, PathJson, PathStep};
use analyzer::report::{json, DomView};
use clap::Args;
use serde_json::json;

use super::common::{analyse, find, parse_id};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim path app.heapsnapshot @234743
  heapsim path app.heapsnapshot @234743 --max 10 --json

Paths skip weak edges and are written as in `heapsim analyze`: the first node, then one
step per edge — `global → client → _events → error → [17]`. Properties and variables by
name, elements and numbered root slots as `[i]`, a function's scope as the function and
where it is defined (`handler → context of handler (server.js:12) → client`). A path that
starts in V8's GC roots begins with the root's name, e.g. `(Handle scope) → [3] → next`.
A block of steps repeated 3 times or more is written once with its count, indices as `[]`:
`global → list → (next) ×40000 → value`, its ids as `(@5 → …)×40000 … @80003`.")]
pub struct PathArgs {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
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
    let view = DomView::of(&a);
    let paths = paths_to(&a, v, args.max);
    let steps: Vec<Vec<PathStep>> = paths
        .iter()
        .map(|p| json::retainer_steps(&view, p))
        .collect();
    if args.json {
        let body = json!({
            "id": args.id,
            "name": display_name(s, v),
            "class": object_name(&view, v),
            "paths": steps.into_iter().map(PathJson::new).collect::<Vec<_>>(),
        });
        let out = json::Document::new(&[&args.file], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    if steps.is_empty() {
        outln!(
            "@{} {} is not reachable from the root over non-weak edges",
            args.id,
            object_name(&view, v)
        );
        return Ok(0);
    }
    for p in &steps {
        outln!("{}", retainer_path::text(p));
        outln!("    {}", id_line(p));
    }
    Ok(0)
}

/// `@1 → @2 → (@3 → @4)×2999 … @9 → @10`: the ids of a path, a repeated block of steps
/// shown by its first copy, its count and the id it ends at, as the path's text folds it.
fn id_line(p: &[PathStep]) -> String {
    let id = |i: usize| format!("@{}", p[i].id);
    let parts: Vec<String> = retainer_path::fold(p)
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
