//! `heapsim summary`: DevTools' Summary view — one row per class.

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::analysis::NodeResults;
use analyzer::devtools::instances::InstanceOrder;
use analyzer::devtools::summary::ClassRow;
use analyzer::report::json::Document;
use analyzer::units::{human_bytes, thousands};
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::common::{analyse, analyse_lean, clip, distance_text, table};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim summary app.heapsnapshot
  heapsim summary app.heapsnapshot --top 20 --sort count
  heapsim summary app.heapsnapshot --json > classes.json
  heapsim summary app.heapsnapshot --class Client --top 10
  heapsim summary tracked.heapsnapshot --by-allocation --top 5

Rows are DevTools' classes: constructor names, `{a, b}` for plain objects of a common
shape, `(system)`, `(compiled code)`, `(string)`... Objects with a source location are
split by location (in JSON each row's `class_key` tells them apart). `analyze`, `tree`,
`diff` and `show` use the same names. Retained sizes do not double-count nested instances
of a class.
--class NAME opens a row as DevTools does: its instances (id, shallow, retained, distance)
by retained size, or by shallow size with --sort self. --by-allocation lists, per class,
the stacks that allocated its objects; it needs a snapshot taken with allocation tracking
(`node --track-heap-objects`, or the inspector's HeapProfiler.startTrackingHeapObjects).")]
pub struct SummaryArgs {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Show only the first N classes (all by default).
    #[arg(long, value_name = "N", value_parser = super::common::at_least_one)]
    pub top: Option<usize>,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortBy::Retained)]
    pub sort: SortBy,
    /// List the instances of this class instead of the classes.
    #[arg(long, value_name = "NAME")]
    pub class: Option<String>,
    /// Per class, the allocation stacks of its objects (needs allocation tracking).
    #[arg(long, conflicts_with = "class")]
    pub by_allocation: bool,
    /// Print JSON (see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    Retained,
    #[value(name = "self")]
    SelfSize,
    Count,
}

#[derive(Serialize)]
struct Summary<'a> {
    node_count: usize,
    edge_count: usize,
    total_size: u64,
    classes: &'a [ClassRow],
    more_classes: usize,
}

/// Sorts rows by `by` (descending), ties by name.
pub fn sort_rows(rows: &mut [ClassRow], by: SortBy) {
    rows.sort_by(|a, b| {
        let key = |r: &ClassRow| match by {
            SortBy::Retained => r.retained_size,
            SortBy::SelfSize => r.self_size,
            SortBy::Count => r.count,
        };
        key(b)
            .cmp(&key(a))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
}

pub fn run(args: SummaryArgs) -> anyhow::Result<i32> {
    if let Some(class) = &args.class {
        let order = match args.sort {
            SortBy::SelfSize => InstanceOrder::SelfSize,
            SortBy::Retained | SortBy::Count => InstanceOrder::Retained,
        };
        let a = analyse(&args.file)?;
        super::instances::print(&a, &args.file, class, order, args.top, args.json)?;
        return Ok(0);
    }
    if args.by_allocation {
        let a = analyse(&args.file)?;
        let mut rows = analyzer::devtools::summary::summary(&a);
        sort_rows(&mut rows, args.sort);
        rows.truncate(args.top.unwrap_or(rows.len()));
        super::allocations::print(&a, &args.file, &rows, args.json)?;
        return Ok(0);
    }
    let a = analyse_lean(&args.file)?;
    let mut rows = analyzer::devtools::summary::summary(&a);
    sort_rows(&mut rows, args.sort);
    let shown = args.top.unwrap_or(rows.len()).min(rows.len());
    let total = a.total_size();
    if args.json {
        let body = Summary {
            node_count: a.node_count(),
            edge_count: a.edge_count,
            total_size: total,
            classes: &rows[..shown],
            more_classes: rows.len() - shown,
        };
        let out = Document::new(&[&args.file], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    let pct = |x: u64| {
        if total == 0 {
            0.0
        } else {
            x as f64 * 100.0 / total as f64
        }
    };
    let cells: Vec<Vec<String>> = rows[..shown]
        .iter()
        .map(|r| {
            vec![
                clip(&r.name, 60),
                thousands(r.count),
                format!("{} {:>3.0} %", human_bytes(r.self_size), pct(r.self_size)),
                format!(
                    "{} {:>3.0} %",
                    human_bytes(r.retained_size),
                    pct(r.retained_size)
                ),
                distance_text(r.distance),
            ]
        })
        .collect();
    outln!(
        "{}: {} nodes, {} edges, {} total, {} classes",
        args.file.display(),
        thousands(a.node_count() as u64),
        thousands(a.edge_count as u64),
        human_bytes(total),
        thousands(rows.len() as u64)
    );
    out!(
        "{}",
        table(
            &[
                "Class",
                "Count",
                "Shallow size",
                "Retained size",
                "Distance"
            ],
            &cells
        )
    );
    if shown < rows.len() {
        outln!("… {} more classes (--top to show more)", rows.len() - shown);
    }
    Ok(0)
}
