//! `heapsim diff`: DevTools' Comparison view of two snapshots, or memlab's leak groups of
//! three (see `analyzer::report::diff`).

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::analysis::{self, Analysis};
use analyzer::report::lineage::{self, Fingerprint};
use analyzer::report::{diff, json, text, DomView};
use analyzer::units::thousands;

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
leaked; they are grouped by the shape of their retainer path (element indices and a Map's
slots alike) and ranked by retained size. With allocation tracking in FINAL
(`node --track-heap-objects`), each group lists the stacks that allocated its members.

Standard error says what is compared, and warns when the snapshots cannot come from one
process in that order: different V8 layouts, ids shared by different objects, new objects
with old ids (swapped order), or the same snapshot twice. With --json the warnings are
also in a \"warnings\" array.")]
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
    // One snapshot at a time: BASE's fingerprint (from the file's own sizes, which the
    // class passes redistribute) and census, then TARGET's.
    let base = super::load::load(&args.base)?;
    let fb = Fingerprint::of(&base);
    let base = census(base);
    let target = super::load::load(&args.target)?;
    let r = lineage::relate_to_snapshot(&fb, &target);
    drop(fb);
    let target = census(target);
    eprintln!(
        "heapsim: comparing TARGET {} with BASE {}, objects matched by V8 id: {} in both, {} new, {} gone",
        args.target.display(),
        args.base.display(),
        thousands(r.common),
        thousands(r.new),
        thousands(r.gone)
    );
    let warnings = warn(lineage::warnings(&r, "BASE", "TARGET"));
    let rows = diff::compare(&base, &target);
    if args.json {
        let classes: Vec<json::ClassDeltaJson> =
            rows.iter().take(args.top).map(Into::into).collect();
        let body = serde_json::json!({
            "classes": classes,
            "more_classes": rows.len() - classes.len(),
            "warnings": warnings,
        });
        let out = json::Document::new(&[&args.base, &args.target], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        out!("{}", text::comparison(&rows, args.top));
    }
    Ok(0)
}

fn three(args: &Args, fin: &std::path::Path) -> anyhow::Result<i32> {
    // BASE and TARGET are only needed for their ids and fingerprints: drop the graphs, and
    // the fingerprints' signatures once FINAL's (streamed) has been checked against them.
    let fb = Fingerprint::of(&super::load::load(&args.base)?);
    let ft = Fingerprint::of(&super::load::load(&args.target)?);
    let base_to_target = lineage::relate(&fb, &ft);
    let fin_snapshot = super::load::load(fin)?;
    let target_to_fin = lineage::relate_to_snapshot(&ft, &fin_snapshot);
    let (in_base, in_target) = (fb.ids, ft.ids);
    let a = Analysis::new(fin_snapshot);
    eprintln!(
        "heapsim: leaked = objects new in TARGET {} since BASE {} ({} ids) and still in FINAL {}, grouped by retainer path",
        args.target.display(),
        args.base.display(),
        thousands(base_to_target.new),
        fin.display()
    );
    let mut warnings = lineage::warnings(&base_to_target, "BASE", "TARGET");
    warnings.extend(lineage::warnings(&target_to_fin, "TARGET", "FINAL"));
    let warnings = warn(warnings);
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
        let body =
            serde_json::json!({ "groups": groups, "more_groups": more, "warnings": warnings });
        let out = json::Document::new(&[&args.base, &args.target, fin], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        out!("{}", text::leak_groups(&view, &groups, args.top));
    }
    Ok(0)
}

/// What the Comparison reads of `snapshot`: DevTools' class names and redistributed
/// sizes, no dominator tree.
fn census(mut snapshot: analyzer::snapshot::HeapSnapshot) -> diff::Census {
    let classes = analysis::classes_and_sizes(&mut snapshot);
    diff::Census::new(&snapshot, |n| classes.name(n))
}

/// Prints each warning on standard error (`heapsim: warning: …`) and hands them back for
/// the JSON output.
fn warn(warnings: Vec<String>) -> Vec<String> {
    for w in &warnings {
        eprintln!("heapsim: warning: {w}");
    }
    warnings
}
