//! `heapsim stress`: a random mutator program on the simulated heap with the heap verifier
//! around every GC (V8's `--gc-interval` + `--verify-heap`). The program comes from
//! `sim::mutator`, the same generator the property tests use, so a failing seed and step
//! reproduce exactly.
//!
//! `--mode` picks the collector stress (`sim::StressMode`): plain scavenges, a tiny marking
//! worklist that overflows, compaction of every page, incremental marking started as early
//! as possible, weak stores; `all` (default) runs each on a fresh heap with the same
//! program. After each program, a final full GC is verified and the `retained_by_gc` oracle
//! is compared with the analyzer's dominator-based retained sizes on sampled objects
//! ([`super::oracle_check`]); any difference is a failure.

use super::output::outln;
use analyzer::units::thousands;
use serde::Serialize;
use sim::mutator::{run_seeded, RunOptions, Stop};
use sim::{GcReason, Heap, Profile, StressMode};

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
}

#[derive(Serialize)]
struct Report<'a> {
    seed: u64,
    ops: u64,
    profile: &'a str,
    mode: &'a str,
    gc_interval: Option<u64>,
    allocations: u64,
    scavenges: usize,
    full_gcs: usize,
    incremental_steps: usize,
    overflows: usize,
    rescans: usize,
    pages_evacuated: usize,
    barrier_greyings: usize,
    oracle_checks: usize,
    oracle_skipped: usize,
    objects_copied: usize,
    bytes_copied: usize,
    promoted: usize,
    bytes_promoted: usize,
    verifier_checks: u64,
    failures: usize,
    failure: Option<Failure>,
    modes: Vec<ModeReport>,
}

/// Counters of one mode's run.
#[derive(Serialize, Default, Clone)]
struct ModeReport {
    mode: &'static str,
    ops: u64,
    allocations: u64,
    scavenges: usize,
    full_gcs: usize,
    incremental_steps: usize,
    overflows: usize,
    rescans: usize,
    pages_evacuated: usize,
    barrier_greyings: usize,
    oracle_checks: usize,
    oracle_skipped: usize,
    verifier_checks: u64,
    #[serde(skip)]
    objects_copied: usize,
    #[serde(skip)]
    bytes_copied: usize,
    #[serde(skip)]
    promoted: usize,
    #[serde(skip)]
    bytes_promoted: usize,
}

#[derive(Serialize)]
struct Failure {
    mode: &'static str,
    kind: &'static str,
    step: usize,
    message: String,
}

pub fn run(args: StressArgs) -> anyhow::Result<i32> {
    let profile = Profile::from_name(&args.profile).ok_or_else(|| {
        anyhow::anyhow!(
            "--profile: unknown profile {:?} (v8-6 or modern)",
            args.profile
        )
    })?;
    let modes: Vec<StressMode> = match StressMode::parse(&args.mode) {
        Some(m) => vec![m],
        None => StressMode::ALL.to_vec(),
    };
    let mut reports = Vec::new();
    let mut failure = None;
    let mut verifier_failures = 0usize;
    for mode in modes {
        let mut heap = Heap::new(profile.clone());
        heap.set_old_gen_config(mode.config(args.full_gc_interval));
        let out = run_seeded(
            &mut heap,
            args.seed,
            args.ops as usize,
            RunOptions {
                gc_interval: args.gc_interval,
                verify: true,
            },
        );
        let mut stop = out.stop.as_ref().map(|s| match s {
            Stop::VerifierFailure { step, error } => Failure {
                mode: mode.name(),
                kind: "verifier",
                step: *step,
                message: error.to_string(),
            },
            Stop::OutOfMemory { step, error } => Failure {
                mode: mode.name(),
                kind: "out_of_memory",
                step: *step,
                message: error.to_string(),
            },
        });
        let mut oracle = super::oracle_check::OracleCheck::default();
        if stop.is_none() {
            // With the program's roots gone: one verified full GC, then the oracle.
            heap.collect_garbage(GcReason::Explicit);
            if let Some(e) = heap.verifier_stats().failures.first() {
                stop = Some(Failure {
                    mode: mode.name(),
                    kind: "verifier",
                    step: out.ops,
                    message: e.to_string(),
                });
            } else {
                oracle = super::oracle_check::check(&heap, args.oracle_samples as usize, args.seed);
                if let Some(m) = oracle.mismatch.take() {
                    stop = Some(Failure {
                        mode: mode.name(),
                        kind: "oracle",
                        step: out.ops,
                        message: m,
                    });
                }
            }
        }
        if args.trace_gc && !args.json {
            for e in heap.events() {
                outln!("[{}] {}", mode.name(), e.trace_gc_line());
            }
        }
        let t = heap.old_gen_totals();
        reports.push(ModeReport {
            mode: mode.name(),
            ops: out.ops as u64,
            allocations: out.allocations,
            scavenges: out.scavenges,
            full_gcs: t.full_gcs,
            incremental_steps: t.incremental_steps,
            overflows: t.overflows,
            rescans: t.rescans,
            pages_evacuated: t.pages_evacuated,
            barrier_greyings: t.barrier_greyings,
            oracle_checks: oracle.checked,
            oracle_skipped: oracle.skipped,
            verifier_checks: heap.verifier_stats().checks,
            objects_copied: out.objects_copied,
            bytes_copied: out.bytes_copied,
            promoted: out.promoted,
            bytes_promoted: out.bytes_promoted,
        });
        if let Some(f) = stop {
            verifier_failures += 1;
            failure = Some(f);
            break;
        }
    }
    let sum = |f: fn(&ModeReport) -> usize| -> usize { reports.iter().map(f).sum() };
    let report = Report {
        seed: args.seed,
        ops: reports.iter().map(|r| r.ops).max().unwrap_or(0),
        profile: &args.profile,
        mode: &args.mode,
        gc_interval: args.gc_interval,
        allocations: reports.iter().map(|r| r.allocations).sum(),
        scavenges: sum(|r| r.scavenges),
        full_gcs: sum(|r| r.full_gcs),
        incremental_steps: sum(|r| r.incremental_steps),
        overflows: sum(|r| r.overflows),
        rescans: sum(|r| r.rescans),
        pages_evacuated: sum(|r| r.pages_evacuated),
        barrier_greyings: sum(|r| r.barrier_greyings),
        oracle_checks: sum(|r| r.oracle_checks),
        oracle_skipped: sum(|r| r.oracle_skipped),
        objects_copied: sum(|r| r.objects_copied),
        bytes_copied: sum(|r| r.bytes_copied),
        promoted: sum(|r| r.promoted),
        bytes_promoted: sum(|r| r.bytes_promoted),
        verifier_checks: reports.iter().map(|r| r.verifier_checks).sum(),
        failures: verifier_failures,
        failure,
        modes: reports.clone(),
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
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
        for r in &reports {
            outln!(
                "  {:<12} {} full GCs, {} incremental steps, {} overflows, {} rescans, {} pages evacuated, {} barrier greyings, {} oracle checks",
                r.mode,
                thousands(r.full_gcs as u64),
                thousands(r.incremental_steps as u64),
                thousands(r.overflows as u64),
                thousands(r.rescans as u64),
                thousands(r.pages_evacuated as u64),
                thousands(r.barrier_greyings as u64),
                thousands(r.oracle_checks as u64)
            );
        }
        let rows: [(&str, String); 15] = [
            ("operations", thousands(report.ops)),
            ("allocations", thousands(report.allocations)),
            ("scavenges", thousands(report.scavenges as u64)),
            (
                "objects copied",
                format!(
                    "{} ({} bytes)",
                    thousands(report.objects_copied as u64),
                    thousands(report.bytes_copied as u64)
                ),
            ),
            (
                "objects promoted",
                format!(
                    "{} ({} bytes)",
                    thousands(report.promoted as u64),
                    thousands(report.bytes_promoted as u64)
                ),
            ),
            ("full GCs", thousands(report.full_gcs as u64)),
            (
                "incremental steps",
                thousands(report.incremental_steps as u64),
            ),
            ("overflows", thousands(report.overflows as u64)),
            ("rescans", thousands(report.rescans as u64)),
            ("pages evacuated", thousands(report.pages_evacuated as u64)),
            (
                "barrier greyings",
                thousands(report.barrier_greyings as u64),
            ),
            (
                "oracle checks",
                format!(
                    "{} ({} ephemeron-dependent skipped)",
                    thousands(report.oracle_checks as u64),
                    thousands(report.oracle_skipped as u64)
                ),
            ),
            ("verifier checks", thousands(report.verifier_checks)),
            ("failures", thousands(report.failures as u64)),
            (
                "result",
                if report.failure.is_none() {
                    "ok".to_string()
                } else {
                    "FAILED".to_string()
                },
            ),
        ];
        for (k, v) in rows {
            outln!("  {k:<18} {v}");
        }
    }
    if let Some(f) = &report.failure {
        let what = match f.kind {
            "verifier" => "verifier failure",
            "oracle" => "oracle mismatch",
            _ => "simulated heap out of memory",
        };
        let interval = args
            .gc_interval
            .map_or(String::new(), |k| format!(" --gc-interval {k}"));
        eprintln!(
            "heapsim: {what} in mode {} at step {} (seed {}): {}",
            f.mode, f.step, args.seed, f.message
        );
        eprintln!(
            "heapsim: reproduce with: heapsim stress --seed {} --ops {} --profile {} --mode {} --full-gc-interval {}{interval}",
            args.seed,
            (f.step + 1).min(args.ops as usize),
            args.profile,
            f.mode,
            args.full_gc_interval
        );
        return Ok(1);
    }
    Ok(0)
}
