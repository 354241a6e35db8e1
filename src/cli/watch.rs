//! `heapsim watch`: baseline, target and final snapshots of a running Node.js process, then
//! `heapsim diff`'s three-snapshot leak groups and the leak report of the last snapshot
//! (see `capture::schedule`).

use super::output::outln;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use analyzer::units::human_bytes;
use capture::schedule::{self, Schedule, Step};
use capture::Target;

/// Watch a running Node.js process: snapshots over time, then what they leak.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim watch 4321                            # 3 snapshots 30 s apart, then the report
  heapsim watch 4321 --interval 2m --count 4 -o snaps/
  heapsim watch 4321 --until-growth 50MB        # the 2nd snapshot when the heap grew 50 MB

Each snapshot follows a full garbage collection; the heap's used and total size are printed
as they are measured. The first snapshot is the baseline, the second-to-last the target and
the last the final one of memlab's method: objects allocated between baseline and target
and still alive at the end are grouped by retainer path (as `heapsim diff B T F`), then the
leak report of the last snapshot follows (as `heapsim analyze`). With --json, stdout is a
sequence of JSON documents: one per snapshot, the groups, the leak report.
Attaching is as for `heapsim capture` (SIGUSR1 leaves the inspector listening; see its
--help and docs/capture.md). Exit status: 0 done; 2 any failure (one line on stderr).")]
pub struct Args {
    /// A PID, an inspector's HOST:PORT, or its ws://HOST:PORT/ID URL.
    pub target: String,
    /// Time between snapshots (`30s`, `2m`, `500ms`).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub interval: Duration,
    /// Number of snapshots (at least 3).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(3..))]
    pub count: u16,
    /// Directory for the snapshots (default: heapsim-watch-TARGET-UNIXTIME); files are
    /// snapshot-1.heapsnapshot, snapshot-2.heapsnapshot, …
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Take the second snapshot once the heap has grown SIZE over the baseline (`50MB`,
    /// `64MiB`) instead of after one interval.
    #[arg(long, value_name = "SIZE")]
    pub until_growth: Option<bytesize::ByteSize>,
    /// The longest wait for --until-growth.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
    /// Show at most N leak groups.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Print JSON documents instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub live: super::capture::LiveArgs,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let target = Target::parse(&args.target, args.live.allow_remote)?;
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| default_dir(&args.target));
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot create the directory: {e}", dir.display()))?;
    for i in 1..=usize::from(args.count) {
        capture::sink::check_free(&schedule::snapshot_path(&dir, i), args.live.force)?;
    }
    let mut session = super::capture::attach(&target)?;
    let plan = Schedule {
        interval: args.interval,
        count: usize::from(args.count),
        until_growth: args.until_growth.map(|s| s.as_u64()),
        timeout: args.timeout,
    };
    let mut out = std::io::stdout().lock();
    let mut printed = Ok(());
    let taken = schedule::run(
        &mut session,
        &plan,
        &dir,
        args.live.force,
        args.live.keep_partial,
        |step| {
            if printed.is_ok() {
                printed = print_step(&mut out, &step, plan.count, args.json);
            }
        },
    )?;
    printed?;
    super::capture::leave(session, args.live.close_inspector)?;
    let [base, .., target_snap, final_snap] = taken.as_slice() else {
        anyhow::bail!("--count must be at least 3");
    };
    if !args.json {
        writeln!(
            out,
            "\nLeak groups (baseline {}, target {}, final {}):",
            base.path.display(),
            target_snap.path.display(),
            final_snap.path.display()
        )?;
    }
    out.flush()?;
    drop(out);
    super::diff::run(super::diff::Args {
        base: base.path.clone(),
        target: target_snap.path.clone(),
        fin: Some(final_snap.path.clone()),
        top: args.top,
        json: args.json,
    })?;
    if !args.json {
        outln!("\nLeak report of {}:", final_snap.path.display());
    }
    super::analyze::run(super::analyze::Args {
        file: Some(final_snap.path.clone()),
        scenario: String::new(),
        threshold: analyzer::report::suspects::DEFAULT_THRESHOLD_PCT,
        top: None,
        json: args.json,
        fail_on_leak: false,
    })
}

/// One line per heap sample or snapshot.
fn print_step(out: &mut impl Write, step: &Step, count: usize, json: bool) -> std::io::Result<()> {
    let (at, heap, index, path) = match step {
        Step::Sample { at, heap } => (at, heap, None, None),
        Step::Snapshot { index, taken } => {
            (&taken.at, &taken.heap, Some(*index), Some(&taken.path))
        }
    };
    if json {
        let v = serde_json::json!({
            "elapsed_s": (at.as_secs_f64() * 10.0).round() / 10.0,
            "heap_used": heap.used,
            "heap_total": heap.total,
            "snapshot": index,
            "file": path.map(|p| p.display().to_string()),
        });
        return writeln!(out, "{v}");
    }
    let what = match (index, path) {
        (Some(i), Some(p)) => format!("  snapshot {i}/{count} -> {}", p.display()),
        _ => String::new(),
    };
    writeln!(
        out,
        "{:>7.1} s  heap {} used of {}{what}",
        at.as_secs_f64(),
        human_bytes(heap.used),
        human_bytes(heap.total)
    )
}

/// `heapsim-watch-4321-1767225600` in the current directory.
fn default_dir(target: &str) -> PathBuf {
    PathBuf::from(format!("heapsim-watch-{}", super::capture::stamp(target)))
}
