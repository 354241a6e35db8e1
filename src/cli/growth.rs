//! `heapsim growth S1 S2 … Sn`: the collections and classes that grew in every step
//! (`analyzer::report::growth`, memlab's unbound-collection analysis), printed as text or
//! JSON. Snapshots are read one at a time.

use super::output::outln;
use std::path::PathBuf;

use analyzer::report::growth::{Growth, GrowthReport};
use analyzer::report::json;
use analyzer::units::{human_bytes, thousands};
use serde_json::{json, Value};

use super::common::{analyse, clip};

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim growth s1.heapsnapshot s2.heapsnapshot s3.heapsnapshot s4.heapsnapshot
  heapsim growth s*.heapsnapshot --top 5 --json

Give snapshots of one process in the order they were taken, each after the same repeated
action. Objects are followed by id. A collection's size is the edge count of a Map's or
Set's hash table, an Array's elements, or an object's properties (V8 writes no edge for a
small integer). Listed are the collections that grew in every step, largest growth first,
with a shortest retainer path in the last snapshot, and the classes whose instance count
grew in every step.")]
pub struct Args {
    /// The snapshots, oldest first (at least two).
    #[arg(required = true, num_args = 2.., value_name = "SNAPSHOT")]
    pub files: Vec<PathBuf>,
    /// Show at most N collections and N classes.
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = super::common::at_least_one)]
    pub top: usize,
    /// Print JSON (see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let mut growth = Growth::new();
    let mut last = None;
    for file in &args.files {
        let a = analyse(file)?;
        growth.add(&a);
        last = Some(a);
    }
    let last = last.expect("clap requires two snapshots");
    let report = growth.finish(&last);
    if args.json {
        let doc = to_json(&args, &last, &report);
        outln!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print_text(&args, &last, &report)?;
    }
    Ok(0)
}

/// The change from each snapshot to the next.
fn steps(values: &[u64]) -> Vec<u64> {
    values.windows(2).map(|w| w[1] - w[0]).collect()
}

fn to_json(
    args: &Args,
    last: &analyzer::analysis::Analysis,
    r: &GrowthReport,
) -> json::Document<Value> {
    let collections: Vec<Value> = r
        .collections
        .iter()
        .take(args.top)
        .map(|c| {
            json!({
                "id": c.id,
                "class": c.class,
                "size_unit": c.kind.unit(),
                "sizes": c.sizes,
                "growth": steps(&c.sizes),
                "retained_size": c.retained_size,
                "path": c.path.as_ref().map(|p| p.chain(last)),
            })
        })
        .collect();
    let classes: Vec<Value> = r
        .classes
        .iter()
        .take(args.top)
        .map(|c| json!({"class": c.class, "counts": c.counts, "growth": steps(&c.counts)}))
        .collect();
    let files: Vec<&std::path::Path> = args.files.iter().map(|f| f.as_path()).collect();
    let body = json!({
        "snapshots": args.files,
        "collection_count": r.collections.len(),
        "collections": collections,
        "class_count": r.classes.len(),
        "classes": classes,
    });
    json::Document::new(&files, body)
}

/// `1,000 → 2,000 → 3,000 (+1,000 +1,000)`.
fn series(values: &[u64]) -> String {
    let all: Vec<String> = values.iter().map(|&v| thousands(v)).collect();
    let plus: Vec<String> = steps(values)
        .iter()
        .map(|&d| format!("+{}", thousands(d)))
        .collect();
    format!("{} ({})", all.join(" → "), plus.join(" "))
}

fn print_text(
    args: &Args,
    last: &analyzer::analysis::Analysis,
    r: &GrowthReport,
) -> std::io::Result<()> {
    let n = args.files.len();
    outln!(
        "Collections that grew in every step of {n} snapshots: {}",
        thousands(r.collections.len() as u64)
    );
    for c in r.collections.iter().take(args.top) {
        outln!(
            "  @{} {}  retained {}  {}: {}",
            c.id,
            clip(&c.class, 60),
            human_bytes(c.retained_size),
            c.kind.unit(),
            series(&c.sizes)
        );
        match &c.path {
            Some(p) => outln!("      {}", clip(&p.chain(last), 200)),
            None => outln!("      (held only by weak edges)"),
        }
    }
    more(r.collections.len(), args.top)?;
    outln!(
        "Classes whose instance count grew in every step: {}",
        thousands(r.classes.len() as u64)
    );
    for c in r.classes.iter().take(args.top) {
        outln!("  {}: {}", clip(&c.class, 60), series(&c.counts));
    }
    more(r.classes.len(), args.top)
}

fn more(total: usize, top: usize) -> std::io::Result<()> {
    if total > top {
        outln!("  … {} more (--top to show more)", total - top);
    }
    Ok(())
}
