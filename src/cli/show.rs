//! `heapsim show`: one object — its fields (outgoing edges, optionally several levels deep)
//! and its retainers (incoming edges).

use super::output::outln;
use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::devtools::names::display_name;
use analyzer::paths::edge_accessor;
use analyzer::snapshot::{EdgeIx, NodeIx, Retainers};
use analyzer::units::human_bytes;
use clap::Args;
use serde_json::{json, Value};

use super::common::{analyse, clip, distance_text, find, parse_id};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim show app.heapsnapshot @234743
  heapsim show app.heapsnapshot @234743 --depth 3 --limit 20
  heapsim show app.heapsnapshot @234743 --json

Fields are the object's outgoing edges as DevTools lists them (weak ones marked); with
--depth N each field's own fields are listed N levels deep. Retainers are the edges that
point at the object. Sizes are DevTools' (hidden backing stores count into their owner).")]
pub struct ShowArgs {
    /// The .heapsnapshot file.
    pub file: PathBuf,
    /// The object's id, as DevTools prints it (`@4321`).
    #[arg(value_parser = parse_id, value_name = "@ID")]
    pub id: u32,
    /// Levels of fields to expand.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub depth: usize,
    /// At most this many fields per object and retainers.
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = super::common::at_least_one)]
    pub limit: usize,
    /// Print JSON (see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

/// One listed field: the edge, its target, its parent entry and its nesting level.
struct Entry {
    edge: EdgeIx,
    node: NodeIx,
    parent: usize,
    level: usize,
}

const NO_PARENT: usize = usize::MAX;
/// At most this many fields are listed in total, whatever `--depth` and `--limit` say.
const MAX_ENTRIES: usize = 100_000;

/// Fields of `start` down to `depth` levels (entries point at their parent), iteratively.
fn collect_fields(
    a: &Analysis,
    start: NodeIx,
    depth: usize,
    limit: usize,
) -> (Vec<Entry>, Vec<usize>) {
    let s = &a.snapshot;
    let mut out: Vec<Entry> = Vec::new();
    // `more[i]`: fields of entry i left out by the limit; the start node's count is
    // appended last (index `out.len()`).
    let mut more: Vec<usize> = Vec::new();
    let mut stack: Vec<(NodeIx, usize, usize)> = vec![(start, NO_PARENT, 0)];
    let mut more_start = 0usize;
    while let Some((v, parent, level)) = stack.pop() {
        if level >= depth {
            continue;
        }
        let range = s.edge_range(v);
        // Depth multiplies the listing; a global cap keeps `--depth 20` from exploding.
        let room = limit.min(MAX_ENTRIES.saturating_sub(out.len()));
        let hidden = range.len().saturating_sub(room);
        if parent == NO_PARENT {
            more_start = hidden;
        } else {
            more[parent] = hidden;
        }
        let first_child = out.len();
        for e in range.take(room) {
            out.push(Entry {
                edge: e,
                node: s.edge_to(e),
                parent,
                level,
            });
            more.push(0);
        }
        // Push in reverse so the first field is expanded first (pre-order).
        for i in (first_child..out.len()).rev() {
            stack.push((out[i].node, i, level + 1));
        }
    }
    more.push(more_start);
    (out, more)
}

fn node_json(a: &Analysis, v: NodeIx) -> Value {
    let s = &a.snapshot;
    json!({
        "id": s.node_id(v),
        "type": s.node_type_name(v),
        "name": display_name(s, v),
        "class": a.class_name(v),
        "self_size": s.self_size(v),
        "retained_size": a.retained[v as usize],
        "distance": a.distance[v as usize],
        "dominator_id": s.node_id(a.idom[v as usize]),
    })
}

fn node_line(a: &Analysis, v: NodeIx) -> String {
    let s = &a.snapshot;
    format!(
        "@{} {} ({})  self {}  retained {}  distance {}",
        s.node_id(v),
        clip(&display_name(s, v), 80),
        s.node_type_name(v),
        human_bytes(s.self_size(v)),
        human_bytes(a.retained[v as usize]),
        distance_text(a.distance[v as usize])
    )
}

fn edge_text(a: &Analysis, e: EdgeIx) -> String {
    let s = &a.snapshot;
    let kind = s.edge_kind(e);
    format!("{} {}", kind.v8_name(), edge_accessor(s, e))
}

pub fn run(args: ShowArgs) -> anyhow::Result<i32> {
    let a = analyse(&args.file)?;
    let v = find(&a, &args.file, args.id)?;
    let s = &a.snapshot;
    let (fields, more) = collect_fields(&a, v, args.depth, args.limit);
    let retainers = Retainers::build(s);
    let rs: Vec<usize> = retainers.range(v).collect();
    let shown_r = rs.len().min(args.limit);

    if args.json {
        // Build nested field objects bottom-up: children always follow their parent.
        let mut built: Vec<Option<Value>> = (0..fields.len()).map(|_| None).collect();
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); fields.len() + 1];
        for (i, f) in fields.iter().enumerate() {
            let p = if f.parent == NO_PARENT {
                fields.len()
            } else {
                f.parent
            };
            kids[p].push(i);
        }
        for i in (0..fields.len()).rev() {
            let f = &fields[i];
            let mut obj = json!({
                "edge": s.edge_name(f.edge),
                "edge_type": s.edge_kind(f.edge).v8_name(),
                "node": node_json(&a, f.node),
            });
            if f.level + 1 < args.depth {
                let children: Vec<Value> = kids[i]
                    .iter()
                    .map(|&k| built[k].take().unwrap_or(Value::Null))
                    .collect();
                obj["fields"] = Value::Array(children);
                obj["more_fields"] = json!(more[i]);
            }
            built[i] = Some(obj);
        }
        let top: Vec<Value> = kids[fields.len()]
            .iter()
            .map(|&k| built[k].take().unwrap_or(Value::Null))
            .collect();
        let rets: Vec<Value> = rs[..shown_r]
            .iter()
            .map(|&i| {
                let e = retainers.edge[i];
                json!({
                    "edge": s.edge_name(e),
                    "edge_type": s.edge_kind(e).v8_name(),
                    "node": node_json(&a, retainers.node[i]),
                })
            })
            .collect();
        let out = json!({
            "node": node_json(&a, v),
            "edge_count": s.edge_range(v).len(),
            "retainer_count": rs.len(),
            "fields": top,
            "more_fields": more[fields.len()],
            "retainers": rets,
            "more_retainers": rs.len() - shown_r,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }

    outln!("{}", node_line(&a, v));
    outln!(
        "  class {}  dominator @{}",
        a.class_name(v),
        s.node_id(a.idom[v as usize])
    );
    outln!("Fields ({}):", s.edge_range(v).len());
    // Print in tree order: an explicit stack over the children lists.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); fields.len() + 1];
    for (i, f) in fields.iter().enumerate() {
        let p = if f.parent == NO_PARENT {
            fields.len()
        } else {
            f.parent
        };
        kids[p].push(i);
    }
    // (entry, true) prints the entry's "… more" line after its children.
    let mut stack: Vec<(usize, bool)> = kids[fields.len()]
        .iter()
        .rev()
        .map(|&i| (i, false))
        .collect();
    while let Some((i, after)) = stack.pop() {
        let f = &fields[i];
        let indent = "  ".repeat(f.level + 1);
        if after {
            outln!("{indent}  … {} more", more[i]);
            continue;
        }
        outln!(
            "{indent}{} → {}",
            edge_text(&a, f.edge),
            node_line(&a, f.node)
        );
        if f.level + 1 < args.depth && more[i] > 0 {
            stack.push((i, true));
        }
        stack.extend(kids[i].iter().rev().map(|&k| (k, false)));
    }
    if more[fields.len()] > 0 {
        outln!("  … {} more (--limit to show more)", more[fields.len()]);
    }
    outln!("Retainers ({}):", rs.len());
    for &i in &rs[..shown_r] {
        let e = retainers.edge[i];
        outln!(
            "  {} ← {}",
            edge_text(&a, e),
            node_line(&a, retainers.node[i])
        );
    }
    if rs.len() > shown_r {
        outln!("  … {} more (--limit to show more)", rs.len() - shown_r);
    }
    Ok(0)
}
