//! `heapsim summary`: DevTools' Summary view — one row per class.

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::analysis::NodeResults;
use analyzer::devtools::summary::ClassRow;
use analyzer::report::json::Document;
use analyzer::units::{human_bytes, thousands};
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::common::{analyse_lean, clip, distance_text, table};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim summary app.heapsnapshot
  heapsim summary app.heapsnapshot --top 20 --sort count
  heapsim summary app.heapsnapshot --json > classes.json

Rows are DevTools' classes: constructor names, `{a, b}` for plain objects of a common
shape, `(system)`, `(compiled code)`, `(string)`... Objects with a source location are
split by location (in JSON each row's `class_key` tells them apart). `analyze`, `tree`,
`diff` and `show` use the same names. Retained sizes do not double-count nested instances
of a class.")]
pub struct SummaryArgs {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Show only the first N classes (all by default).
    #[arg(long, value_name = "N", value_parser = super::common::at_least_one)]
    pub top: Option<usize>,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortBy::Retained)]
    pub sort: SortBy,
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
