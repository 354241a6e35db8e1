//! `heapsim tree`: the dominator tree with same-class siblings folded (the talk's "object
//! cluster view"; see `analyzer::report::cluster_tree`).

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::report::{cluster_tree, json, text, DomView};

use super::common::parse_id;

/// Show the dominator tree, siblings of one class folded into one row.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim tree app.heapsnapshot
  heapsim tree app.heapsnapshot @234743 --depth 3
  heapsim tree app.heapsnapshot --min-size 1MB --json
  heapsim tree app.heapsnapshot.gz --min-size 1.5MiB

A folded row such as `Timeout ×20000, 4.1 MB  [largest @1234]` stands for 20000 siblings
of one class (named as in `heapsim summary`: `{headers, html} ×500` for plain objects of one
shape); expand it with `heapsim tree FILE @1234` (one member) or --no-fold.
A chain row such as `(next) ×40000, 3.1 MB  [last @5678]` stands for a linked list (one
pattern of edges repeated, written as in `heapsim path`); the rows below it are the
children of its last node.")]
pub struct Args {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Start at this object (`@123` or `123`); default: the synthetic root.
    #[arg(value_name = "@ID")]
    pub id: Option<String>,
    /// Levels to show below the start.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub depth: u32,
    /// Hide rows retaining less than SIZE (`1000`, `800kB`, `1MB`, `1.5MiB`; default: 0.1 %
    /// of the heap).
    #[arg(long, value_name = "SIZE", value_parser = analyzer::units::parse_bytes)]
    pub min_size: Option<u64>,
    /// At most this many rows per parent.
    #[arg(long, value_name = "N", default_value_t = 25, value_parser = super::common::at_least_one)]
    pub max_rows: usize,
    /// List same-class siblings one by one, and chains link by link.
    #[arg(long)]
    pub no_fold: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    // Parsed here, not by clap, so a bad id is a one-line error.
    let start_id = args
        .id
        .as_deref()
        .map(parse_id)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let snapshot = super::load::load(&args.file)?;
    let a = Analysis::new(snapshot);
    let start = match start_id {
        None => 0,
        Some(id) => a
            .find_id(id)
            .ok_or_else(|| anyhow::anyhow!("{}: no object with id @{id}", args.file.display()))?,
    };
    let view = DomView::of(&a);
    let params = cluster_tree::Params {
        depth: args.depth,
        min_size: args.min_size.unwrap_or(view.tree.total() / 1000),
        max_rows: args.max_rows,
        fold: !args.no_fold,
    };
    let rows = cluster_tree::build(&view, start, &params);
    if args.json {
        let body = serde_json::json!({
            "root": a.snapshot.node_id(start),
            "total_size": view.tree.total(),
            "rows": json::tree_rows(&view, &rows),
        });
        let out = json::Document::new(&[&args.file], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        out!("{}", text::tree(&view, &rows));
    }
    Ok(0)
}
