//! Command-line parsing and dispatch. Each subcommand lives in its own module and is a thin
//! layer over library calls: parse arguments, call the library, print.
//!
//! Exit codes: 0 success; 1 the command ran and found a failure it was asked to check
//! (algorithms disagree, the heap verifier failed); 2 bad input or usage (one line on stderr
//! naming what and where).

use clap::{Parser, Subcommand};

mod allocations;
mod analyze;
mod anonymize;
mod capture;
mod common;
mod diff;
mod dominators;
mod export;
mod gc_viz;
mod generate;
mod growth;
mod instances;
mod load;
mod oracle_check;
mod output;
mod path;
mod report;
mod run;
mod show;
mod stats;
mod stress;
mod strings;
mod summary;
mod tree;
mod verify;
mod watch;

#[derive(Parser, Debug)]
#[command(
    name = "heapsim",
    version,
    about = "Simulate V8's heap, write real heap snapshots, and find leaks in them",
    long_about = None,
    after_help = "Start with `heapsim analyze FILE` (or `heapsim analyze` for the built-in demo).\n\
        Take a snapshot of a Node process with `node --heapsnapshot-signal=SIGUSR2 app.js`\n\
        then `kill -USR2 PID`, or `require('v8').writeHeapSnapshot()`, or let\n\
        `heapsim capture PID --analyze` attach to it and report while it keeps serving."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Leak report: suspects, accumulation points, retainer paths.
    Analyze(analyze::Args),
    /// Take a heap snapshot of a running Node.js process (and report its leak).
    Capture(capture::Args),
    /// Snapshots of a running Node.js process over time, then what they leak.
    Watch(watch::Args),
    /// DevTools' Summary view: objects grouped by class, with sizes and distances.
    Summary(summary::SummaryArgs),
    /// DevTools' Statistics view: bytes by category (code, strings, arrays, native…).
    Stats(stats::StatsArgs),
    /// One object: its fields and its retainers.
    Show(show::ShowArgs),
    /// Shortest retainer paths from the root to an object.
    Path(path::PathArgs),
    /// The leak report as one self-contained HTML page (treemap, retainer graph, tables).
    Report(report::Args),
    /// Dominator tree with same-class siblings folded.
    Tree(tree::Args),
    /// Compare two snapshots, or group leaks across three.
    Diff(diff::Args),
    /// Collections and classes that grew in every step of N snapshots (memlab's unbound growth).
    Growth(growth::Args),
    /// Duplicated strings and the bytes they waste.
    Strings(strings::Args),
    /// One row per node (id, type, name, sizes, distance, dominator) as CSV or JSON lines.
    Export(export::ExportArgs),
    /// A shareable copy of a snapshot: string contents replaced, graph and sizes kept.
    Anonymize(anonymize::Args),
    /// Time the dominator algorithms on a snapshot and check that they agree.
    Dominators(dominators::Args),
    /// Run a scenario script on the simulated heap: snapshots, GC logs, the leak report.
    Run(run::RunArgs),
    /// Draw a scenario script's GCs as an HTML page: timeline, one scavenge, one marking.
    GcViz(gc_viz::GcVizArgs),
    /// Build a V8-shaped heap on the simulator and write its snapshot and ground truth.
    Generate(generate::GenerateArgs),
    /// Run a random mutator on the simulated heap with the heap verifier after every GC.
    Stress(stress::StressArgs),
    /// Score an analyzer (heapsim's, or any command) against the scenarios' ground truth.
    Verify(verify::VerifyArgs),
}

/// Runs a command and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result: anyhow::Result<i32> = match cli.command {
        Command::Analyze(a) => analyze::run(a),
        Command::Capture(a) => capture::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Tree(a) => tree::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Growth(a) => growth::run(a),
        Command::Strings(a) => strings::run(a),
        Command::Dominators(a) => dominators::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Summary(args) => summary::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Show(args) => show::run(args),
        Command::Path(args) => path::run(args),
        Command::Report(a) => report::run(a),
        Command::Export(args) => export::run(args),
        Command::Anonymize(a) => anonymize::run(a),
        Command::Stress(a) => stress::run(a),
        Command::Run(a) => run::run(a),
        Command::GcViz(a) => gc_viz::run(a),
        Command::Verify(a) => verify::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("heapsim: error: {e:#}");
            2
        }
    }
}
