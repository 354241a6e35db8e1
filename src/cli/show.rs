//! `heapsim show`: one object — its fields (outgoing edges, optionally several levels deep)
//! and its retainers (incoming edges), as `analyzer::object_view` lists them; this module
//! prints the view as text or JSON.

use super::output::outln;
use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::devtools::names::display_name;
use analyzer::object_view::ObjectView;
use analyzer::paths::edge_accessor;
use analyzer::report::json::Document;
use analyzer::report::labels::{closure_location, object_name};
use analyzer::report::DomView;
use analyzer::snapshot::{EdgeIx, NodeIx};
use analyzer::units::human_bytes;
use clap::Args;
use serde_json::{json, Value};

use super::common::{analyse, clip, distance_text, find, parse_id};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim show app.heapsnapshot @234743
  heapsim show app.heapsnapshot @234743 --depth 3 --limit 20
  heapsim show app.heapsnapshot @234743 --json
  heapsim show app.heapsnapshot Client

Instead of an id, a class name as `heapsim summary` prints it picks the class's only
instance; when it has several, the error says how many (`summary --class NAME` lists them).

Fields are the object's outgoing edges as DevTools lists them (weak ones marked); with
--depth N each field's own fields are listed N levels deep. Retainers are the edges that
point at the object. Sizes are DevTools' (hidden backing stores count into their owner).
A function is shown with where it is defined: `@75333 onError listeners.js:30 (closure)`.")]
pub struct ShowArgs {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// The object's id, as DevTools prints it (`@4321`), or a class with one instance.
    #[arg(value_parser = parse_target, value_name = "@ID|CLASS")]
    pub target: Target,
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

/// What `show` was asked for.
#[derive(Clone, Debug)]
pub enum Target {
    Id(u32),
    Class(String),
}

/// `@123` and `123` are ids; anything else that is not `@…` names a class.
fn parse_target(text: &str) -> Result<Target, String> {
    match parse_id(text) {
        Ok(id) => Ok(Target::Id(id)),
        Err(e) if text.starts_with('@') || text.is_empty() => Err(e),
        Err(_) => Ok(Target::Class(text.to_string())),
    }
}

fn node_json(a: &Analysis, v: NodeIx) -> Value {
    let s = &a.snapshot;
    json!({
        "id": s.node_id(v),
        "type": s.node_type_name(v),
        "name": display_name(s, v),
        "class": object_name(&DomView::of(a), v),
        "self_size": s.self_size(v),
        "retained_size": a.tree.retained[v as usize],
        "distance": a.distance[v as usize],
        "dominator_id": s.node_id(a.tree.idom[v as usize]),
        "location": closure_location(s, v),
    })
}

/// The name a line shows: DevTools' display name, `(anonymous)` for an unnamed function,
/// and where a function is defined (`onError listeners.js:30`), as `analyze` reports it.
fn shown_name(a: &Analysis, v: NodeIx) -> String {
    let s = &a.snapshot;
    let name = display_name(s, v);
    if s.node_kind(v) != format::NodeKind::Closure {
        return clip(&name, 80);
    }
    let name = if name.is_empty() {
        "(anonymous)".into()
    } else {
        clip(&name, 80)
    };
    match closure_location(s, v) {
        Some(at) => format!("{name} {at}"),
        None => name,
    }
}

fn node_line(a: &Analysis, v: NodeIx) -> String {
    let s = &a.snapshot;
    format!(
        "@{} {} ({})  self {}  retained {}  distance {}",
        s.node_id(v),
        shown_name(a, v),
        s.node_type_name(v),
        human_bytes(s.self_size(v)),
        human_bytes(a.tree.retained[v as usize]),
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
    let v = match &args.target {
        Target::Id(id) => find(&a, &args.file, *id)?,
        Target::Class(name) => super::instances::only_instance(&a, &args.file, name)?,
    };
    let view = ObjectView::build(&a.snapshot, v, args.depth, args.limit);
    if args.json {
        let out = Document::new(&[&args.file], view_json(&a, &view));
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_text(&a, &view)?;
    }
    Ok(0)
}

fn view_json(a: &Analysis, view: &ObjectView) -> Value {
    let s = &a.snapshot;
    // Nested field objects, built bottom-up: children always follow their parent.
    let mut built: Vec<Value> = vec![Value::Null; view.fields.len()];
    for (i, f) in view.fields.iter().enumerate().rev() {
        let mut obj = json!({
            "edge": s.edge_name(f.edge),
            "edge_type": s.edge_kind(f.edge).v8_name(),
            "node": node_json(a, f.node),
        });
        if view.expanded(f) {
            let children: Vec<Value> = f.children.clone().map(|k| built[k].take()).collect();
            obj["fields"] = Value::Array(children);
            obj["more_fields"] = json!(f.more);
        }
        built[i] = obj;
    }
    let top: Vec<Value> = view.top.clone().map(|k| built[k].take()).collect();
    let retainers: Vec<Value> = view
        .retainers
        .iter()
        .map(|r| {
            json!({
                "edge": s.edge_name(r.edge),
                "edge_type": s.edge_kind(r.edge).v8_name(),
                "node": node_json(a, r.node),
            })
        })
        .collect();
    let mut doc = json!({
        "node": node_json(a, view.node),
        "edge_count": view.edge_count,
        "retainer_count": view.retainer_count,
        "fields": top,
        "more_fields": view.more_fields,
        "retainers": retainers,
        "more_retainers": view.more_retainers(),
    });
    let stack = allocation_stack(a, view.node);
    if !stack.is_empty() {
        doc["allocation_stack"] = json!(stack);
    }
    doc
}

/// Node `v`'s allocation stack, innermost frame first (empty without allocation tracking).
fn allocation_stack(a: &Analysis, v: NodeIx) -> Vec<String> {
    let s = &a.snapshot;
    s.traces.stack_of(&s.strings, &s.nodes.trace_node_id, v)
}

fn print_text(a: &Analysis, view: &ObjectView) -> std::io::Result<()> {
    let (s, v) = (&a.snapshot, view.node);
    outln!("{}", node_line(a, v));
    outln!(
        "  class {}  dominator @{}",
        object_name(&DomView::of(a), v),
        s.node_id(a.tree.idom[v as usize])
    );
    let stack = allocation_stack(a, v);
    if !stack.is_empty() {
        outln!("  allocated at {}", stack.join(" ← "));
    }
    outln!("Fields ({}):", view.edge_count);
    // Tree order by an explicit stack; (entry, true) prints the entry's "… more" line
    // after its children.
    let mut stack: Vec<(usize, bool)> = view.top.clone().rev().map(|i| (i, false)).collect();
    while let Some((i, after)) = stack.pop() {
        let f = &view.fields[i];
        let indent = "  ".repeat(f.level + 1);
        if after {
            outln!("{indent}  … {} more", f.more);
            continue;
        }
        outln!(
            "{indent}{} → {}",
            edge_text(a, f.edge),
            node_line(a, f.node)
        );
        if view.expanded(f) && f.more > 0 {
            stack.push((i, true));
        }
        stack.extend(f.children.clone().rev().map(|k| (k, false)));
    }
    if view.more_fields > 0 {
        outln!("  … {} more (--limit to show more)", view.more_fields);
    }
    outln!("Retainers ({}):", view.retainer_count);
    for r in &view.retainers {
        outln!("  {} ← {}", edge_text(a, r.edge), node_line(a, r.node));
    }
    if view.more_retainers() > 0 {
        outln!("  … {} more (--limit to show more)", view.more_retainers());
    }
    Ok(())
}
