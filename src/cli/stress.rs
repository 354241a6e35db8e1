//! `heapsim stress`: parses the arguments, runs `sim::stress` (a random mutator program on
//! the simulated heap with the heap verifier around every GC) with the analyzer's side of
//! the oracle check ([`super::oracle_check`]), and prints its report.
//!
//! `--mode` picks the collector stress (`sim::StressMode`): plain scavenges, a tiny marking
//! worklist that overflows, compaction of every page, incremental marking started as early
//! as possible, weak stores; `all` (default) runs each on a fresh heap with the same
//! program.

use super::output::outln;
use analyzer::units::thousands;
use sim::stress::{Stress, StressJson, StressReport};
use sim::{Profile, StressMode};
use std::io::Write;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  heapsim stress\n  heapsim stress --seed 7 --ops 100000 --gc-interval 13\n  heapsim stress --profile modern --json\n  heapsim stress --mode overflow --full-gc-interval 50 --trace-gc\n\nExit status: 0 when every verification passed, 1 on a verifier failure or when the\nsimulated heap ran out of memory (the message says how to reproduce), 2 on bad usage."
)]
pub struct StressArgs {
    /// Seed of the random mutator program.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of mutator operations (allocations, stores, root changes, scavenges).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub ops: u64,
    /// Heap profile: the talk's V8 6 or today's V8.
    #[arg(long, default_value = "v8-6", value_parser = ["v8-6", "modern"])]
    pub profile: String,
    /// Scavenge before every K-th allocation (stress mode); without it, scavenges happen
    /// when new space fills up and at the program's explicit scavenge operations.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    pub gc_interval: Option<u64>,
    /// Collector stress mode; `all` runs every mode on a fresh heap.
    #[arg(long, default_value = "all", value_parser = ["scavenge", "overflow", "compact", "incremental", "weak", "all"])]
    pub mode: String,
    /// Full GC before every N-th allocation in the overflow, compact and weak modes.
    #[arg(long, value_name = "N", default_value_t = 97, value_parser = clap::value_parser!(u64).range(1..))]
    pub full_gc_interval: u64,
    /// Live objects sampled per mode for the oracle check (retained_by_gc against the
    /// dominator-based retained size).
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub oracle_samples: u64,
    /// Print one `--trace-gc`-style line per GC.
    #[arg(long)]
    pub trace_gc: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Skip the write barrier once before the program (`sim::stress::Stress::missing_barrier`):
    /// the verifier must fail. For testing the failure path.
    #[arg(long, hide = true)]
    pub inject_missing_barrier: bool,
}

pub fn run(args: StressArgs) -> anyhow::Result<i32> {
    let profile = Profile::from_name(&args.profile).ok_or_else(|| {
        anyhow::anyhow!(
            "--profile: unknown profile {:?} (v8-6 or modern)",
            args.profile
        )
    })?;
    let stress = Stress {
        seed: args.seed,
        ops: args.ops,
        profile,
        gc_interval: args.gc_interval,
        modes: match StressMode::parse(&args.mode) {
            Some(m) => vec![m],
            None => StressMode::ALL.to_vec(),
        },
        full_gc_interval: args.full_gc_interval,
        oracle_samples: args.oracle_samples as usize,
        missing_barrier: args.inject_missing_barrier,
    };
    let trace = args.trace_gc && !args.json;
    // The callback cannot return an error: keep the first (a closed stdout) for after.
    let mut trace_error: Option<std::io::Error> = None;
    let report = stress.run(&super::oracle_check::check, &mut |mode, heap| {
        if !trace || trace_error.is_some() {
            return;
        }
        let mut out = std::io::stdout().lock();
        for e in heap.events() {
            if let Err(err) = writeln!(out, "[{}] {}", mode.name(), e.trace_gc_line()) {
                trace_error = Some(err);
                return;
            }
        }
    });
    if let Some(e) = trace_error {
        return Err(e.into());
    }
    if args.json {
        let json = StressJson {
            seed: args.seed,
            profile: &args.profile,
            mode: &args.mode,
            gc_interval: args.gc_interval,
            report: &report,
        };
        // No input file: the heap is the simulator's.
        let out = analyzer::report::json::Document::new(&[], &json);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_text(&args, &report)?;
    }
    let Some(f) = &report.failure else {
        return Ok(0);
    };
    let interval = args
        .gc_interval
        .map_or(String::new(), |k| format!(" --gc-interval {k}"));
    let injected = if args.inject_missing_barrier {
        " --inject-missing-barrier"
    } else {
        ""
    };
    eprintln!(
        "heapsim: {} in mode {} at step {} (seed {}): {}",
        f.kind.description(),
        f.mode,
        f.step,
        args.seed,
        f.message
    );
    eprintln!(
        "heapsim: reproduce with: heapsim stress --seed {} --ops {} --profile {} --mode {} --full-gc-interval {}{interval}{injected}",
        args.seed,
        (f.step + 1).min(args.ops as usize),
        args.profile,
        f.mode,
        args.full_gc_interval
    );
    Ok(1)
}

fn print_text(args: &StressArgs, report: &StressReport) -> std::io::Result<()> {
    let interval = args
        .gc_interval
        .map_or("when new space is full".to_string(), |k| {
            format!("every {k} allocations")
        });
    outln!(
        "heapsim stress: seed {}, profile {}, mode {}, scavenge {}",
        args.seed,
        args.profile,
        args.mode,
        interval
    );
    for m in &report.modes {
        let r = &m.counters;
        outln!(
            "  {:<12} {} full GCs, {} incremental steps, {} overflows, {} rescans, {} pages evacuated, {} barrier greyings, {} oracle checks",
            m.mode,
            thousands(r.full_gcs as u64),
            thousands(r.incremental_steps as u64),
            thousands(r.overflows as u64),
            thousands(r.rescans as u64),
            thousands(r.pages_evacuated as u64),
            thousands(r.barrier_greyings as u64),
            thousands(r.oracle_checks as u64)
        );
    }
    let t = &report.total;
    let rows: [(&str, String); 15] = [
        ("operations", thousands(t.ops)),
        ("allocations", thousands(t.allocations)),
        ("scavenges", thousands(t.scavenges as u64)),
        (
            "objects copied",
            format!(
                "{} ({} bytes)",
                thousands(t.objects_copied as u64),
                thousands(t.bytes_copied as u64)
            ),
        ),
        (
            "objects promoted",
            format!(
                "{} ({} bytes)",
                thousands(t.promoted as u64),
                thousands(t.bytes_promoted as u64)
            ),
        ),
        ("full GCs", thousands(t.full_gcs as u64)),
        ("incremental steps", thousands(t.incremental_steps as u64)),
        ("overflows", thousands(t.overflows as u64)),
        ("rescans", thousands(t.rescans as u64)),
        ("pages evacuated", thousands(t.pages_evacuated as u64)),
        ("barrier greyings", thousands(t.barrier_greyings as u64)),
        (
            "oracle checks",
            format!(
                "{} ({} ephemeron-dependent skipped)",
                thousands(t.oracle_checks as u64),
                thousands(t.oracle_skipped as u64)
            ),
        ),
        ("verifier checks", thousands(t.verifier_checks)),
        ("failures", thousands(report.failures() as u64)),
        (
            "result",
            if report.failure.is_none() {
                "ok"
            } else {
                "FAILED"
            }
            .to_string(),
        ),
    ];
    for (k, v) in rows {
        outln!("  {k:<18} {v}");
    }
    Ok(())
}
