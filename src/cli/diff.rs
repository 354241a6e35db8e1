//! `heapsim diff`: DevTools' Comparison view of two snapshots, or memlab's leak groups of
//! three (see `analyzer::report::diff`).

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::analysis::{Analysis, NodeResults};
use analyzer::report::{diff, json, text, DomView};

/// Compare snapshots: per-class changes (two), or leaked objects grouped by path (three).
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim diff before.heapsnapshot after.heapsnapshot
  heapsim diff base.heapsnapshot target.heapsnapshot final.heapsnapshot
  heapsim diff base.heapsnapshot target.heapsnapshot final.heapsnapshot --json

Two snapshots: objects are matched by id; per class the new, deleted and changed counts
and sizes, largest size change first (DevTools' Comparison view).
Three snapshots (memlab's method): take BASE, do the suspected action, take TARGET, undo
it, take FINAL. Objects allocated between BASE and TARGET and still alive in FINAL are
leaked; they are grouped by the shape of their retainer path and ranked by retained size.")]
pub struct Args {
    /// The earlier snapshot.
    pub base: PathBuf,
    /// The later snapshot.
    pub target: PathBuf,
    /// A third snapshot, after the action was undone: switches to leak grouping.
    #[arg(value_name = "FINAL")]
    pub fin: Option<PathBuf>,
    /// Show at most N rows.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = super::common::at_least_one)]
    pub top: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    match &args.fin {
        None => two(&args),
        Some(fin) => three(&args, fin),
    }
}

fn two(args: &Args) -> anyhow::Result<i32> {
    // Analysis gives DevTools' class names and its redistributed shallow sizes.
    let base = Analysis::new(super::load::load(&args.base)?);
    let target = Analysis::new(super::load::load(&args.target)?);
    let rows = diff::compare(
        &base.snapshot,
        |n| base.class_name(n),
        &target.snapshot,
        |n| target.class_name(n),
    );
    if args.json {
        let classes: Vec<json::ClassDeltaJson> =
            rows.iter().take(args.top).map(Into::into).collect();
        let body =
            serde_json::json!({ "classes": classes, "more_classes": rows.len() - classes.len() });
        let out = json::Document::new(&[&args.base, &args.target], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        out!("{}", text::comparison(&rows, args.top));
    }
    Ok(0)
}

fn three(args: &Args, fin: &std::path::Path) -> anyhow::Result<i32> {
    // BASE and TARGET are only needed for their ids: keep those, drop the graphs.
    let in_base = diff::sorted_id_column(&super::load::load(&args.base)?);
    let in_target = diff::sorted_id_column(&super::load::load(&args.target)?);
    let a = Analysis::new(super::load::load(fin)?);
    let view = DomView::of(&a);
    let groups = diff::leak_groups(&in_base, &in_target, &view);
    let groups_all = groups.len();
    if args.json {
        let groups: Vec<json::LeakGroupJson> = groups
            .iter()
            .take(args.top)
            .map(|g| json::leak_group(&view, g))
            .collect();
        let more = groups_all - groups.len();
        let body = serde_json::json!({ "groups": groups, "more_groups": more });
        let out = json::Document::new(&[&args.base, &args.target, fin], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        out!("{}", text::leak_groups(&view, &groups, args.top));
    }
    Ok(0)
}
