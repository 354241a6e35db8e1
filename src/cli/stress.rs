//! `heapsim stress`: a random mutator program on the simulated heap with the heap verifier
//! around every GC (V8's `--gc-interval` + `--verify-heap`). The program comes from
//! `sim::mutator`, the same generator the property tests use, so a failing seed and step
//! reproduce exactly.

use analyzer::units::thousands;
use serde::Serialize;
use sim::mutator::{run_seeded, RunOptions, Stop};
use sim::{Heap, Profile};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  heapsim stress\n  heapsim stress --seed 7 --ops 100000 --gc-interval 13\n  heapsim stress --profile modern --json\n\nExit status: 0 when every verification passed, 1 on a verifier failure or when the\nsimulated heap ran out of memory (the message says how to reproduce), 2 on bad usage."
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
    gc_interval: Option<u64>,
    allocations: u64,
    scavenges: usize,
    objects_copied: usize,
    bytes_copied: usize,
    promoted: usize,
    bytes_promoted: usize,
    verifier_checks: u64,
    failures: usize,
    failure: Option<Failure>,
}

#[derive(Serialize)]
struct Failure {
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
    let mut heap = Heap::new(profile);
    let out = run_seeded(
        &mut heap,
        args.seed,
        args.ops as usize,
        RunOptions {
            gc_interval: args.gc_interval,
            verify: true,
        },
    );
    if args.trace_gc && !args.json {
        for e in heap.events() {
            println!("{}", e.trace_gc_line());
        }
    }
    let failure = out.stop.as_ref().map(|s| match s {
        Stop::VerifierFailure { step, error } => Failure {
            kind: "verifier",
            step: *step,
            message: error.to_string(),
        },
        Stop::OutOfMemory { step, error } => Failure {
            kind: "out_of_memory",
            step: *step,
            message: error.to_string(),
        },
    });
    let verifier_failures = usize::from(matches!(out.stop, Some(Stop::VerifierFailure { .. })));
    let report = Report {
        seed: args.seed,
        ops: out.ops as u64,
        profile: &args.profile,
        gc_interval: args.gc_interval,
        allocations: out.allocations,
        scavenges: out.scavenges,
        objects_copied: out.objects_copied,
        bytes_copied: out.bytes_copied,
        promoted: out.promoted,
        bytes_promoted: out.bytes_promoted,
        verifier_checks: out.verifier_checks,
        failures: verifier_failures,
        failure,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let interval = args
            .gc_interval
            .map_or("when new space is full".to_string(), |k| {
                format!("every {k} allocations")
            });
        println!(
            "heapsim stress: seed {}, profile {}, scavenge {}",
            args.seed, args.profile, interval
        );
        let rows: [(&str, String); 8] = [
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
            ("verifier checks", thousands(report.verifier_checks)),
            ("verifier failures", thousands(report.failures as u64)),
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
            println!("  {k:<18} {v}");
        }
    }
    if let Some(f) = &report.failure {
        let what = if f.kind == "verifier" {
            "verifier failure"
        } else {
            "simulated heap out of memory"
        };
        let interval = args
            .gc_interval
            .map_or(String::new(), |k| format!(" --gc-interval {k}"));
        eprintln!(
            "heapsim: {what} at step {} (seed {}): {}",
            f.step, args.seed, f.message
        );
        eprintln!(
            "heapsim: reproduce with: heapsim stress --seed {} --ops {} --profile {}{interval}",
            args.seed,
            f.step + 1,
            args.profile
        );
        return Ok(1);
    }
    Ok(0)
}
