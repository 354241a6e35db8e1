//! `heapsim analyze`: the leak report — suspects, where their memory accumulates, how they
//! are reached, and what they hold (see `analyzer::report`).

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::report::{json, retainer_path, suspects, text, DomView};

/// Name the leaking objects of a heap snapshot and where their memory accumulates.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim analyze                  # the built-in demo: the talk's EventEmitter leak, simulated
  heapsim analyze app.heapsnapshot
  heapsim analyze app.heapsnapshot --threshold 5 --top 3
  heapsim analyze app.heapsnapshot --json > leak-report.json
  heapsim analyze app.heapsnapshot --fail-on-leak --threshold 20   # in CI: exit 1 on a leak

A suspect is the first object below the GC roots, module scopes and the global object that
retains at least --threshold percent of the heap, or a class of at least 1000 such objects
that do together. Its accumulation point is found by stepping to the largest dominated
child while it keeps 70 % of its parent's retained size. JSON: docs/leak-report.md.
Exit status: 0 (also when there is no suspect); 1 with --fail-on-leak when there is a
suspect; 2 for unreadable input or bad usage.")]
pub struct Args {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are). Without it, heapsim analyses the snapshot of a built-in
    /// scenario run on its simulator (see --scenario).
    pub file: Option<PathBuf>,
    /// The built-in scenario to analyse when no FILE is given (`heapsim scenario --list`).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "listeners",
        conflicts_with = "file"
    )]
    pub scenario: String,
    /// Percent of the heap a suspect must retain (0 < PCT ≤ 100).
    #[arg(long, value_name = "PCT", default_value_t = suspects::DEFAULT_THRESHOLD_PCT)]
    pub threshold: f64,
    /// Report at most N suspects (largest first).
    #[arg(long, value_name = "N", value_parser = super::common::at_least_one)]
    pub top: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when there is a suspect (the report is printed as usual), so a
    /// test suite can assert "no leak" (see --threshold).
    #[arg(long)]
    pub fail_on_leak: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    super::common::check_threshold(args.threshold)?;
    let snapshot = match &args.file {
        Some(file) => super::load::load(file)?,
        None => demo_snapshot(&args.scenario, args.json)?,
    };
    let report = Report {
        threshold_pct: args.threshold,
        top: args.top,
        json: args.json,
        files: args.file.iter().cloned().collect(),
    };
    let leaked = print_leak_report(snapshot, &report)?;
    Ok(if args.fail_on_leak && leaked { 1 } else { 0 })
}

/// How [`print_leak_report`] reports.
pub struct Report {
    pub threshold_pct: f64,
    pub top: Option<usize>,
    pub json: bool,
    /// The input files, named in the JSON document.
    pub files: Vec<std::path::PathBuf>,
}

/// Prints the leak report of `snapshot` as `heapsim analyze` does; true when it names a
/// suspect. (`heapsim run` prints its final snapshot's report through this too.)
pub fn print_leak_report(
    snapshot: analyzer::snapshot::HeapSnapshot,
    report: &Report,
) -> anyhow::Result<bool> {
    let a = Analysis::new(snapshot);
    let view = DomView::of(&a);
    let params = suspects::Params {
        threshold_pct: report.threshold_pct,
        top: report.top.unwrap_or(usize::MAX),
        ..suspects::Params::default()
    };
    let found = suspects::find(&view, &params);
    let paths = retainer_path::suspect_paths(&view, &found);
    if report.json {
        let files: Vec<&std::path::Path> = report.files.iter().map(|f| f.as_path()).collect();
        let report = json::Document::new(&files, json::leak_report(&view, &found, &paths));
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        out!(
            "{}",
            text::leak_report(&view, &found, &paths, report.threshold_pct)
        );
    }
    Ok(!found.is_empty())
}

/// The snapshot of a built-in scenario: the simulator runs it and writes a Node 20 snapshot
/// in memory, which is read back like any file — the whole scenario → sim → snapshot →
/// analyzer pipeline.
fn demo_snapshot(name: &str, quiet: bool) -> anyhow::Result<analyzer::snapshot::HeapSnapshot> {
    let Some(scenario) = scenarios::find(name) else {
        let names: Vec<_> = scenarios::ALL.iter().map(|s| s.name).collect();
        anyhow::bail!("unknown scenario `{name}` (one of: {})", names.join(", "));
    };
    if !quiet {
        outln!(
            "No FILE given: analysing the built-in `{}` scenario on heapsim's simulated V8 heap\n\
             ({}).\nRun `heapsim analyze FILE` on a real .heapsnapshot.\n",
            scenario.name,
            scenario.summary
        );
    }
    let bytes = scenario.snapshot(&scenarios::Params::default(), format::Format::Node20)?;
    Ok(analyzer::reader::read_bytes(&bytes)?)
}
