//! `heapsim generate`: build a V8-shaped heap on the simulator and write its snapshot plus
//! the ground truth (`FILE.truth.json`) — test data of any size for heap tools.

use std::io::{BufWriter, IsTerminal};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use format::{Format, Progress};
use scenarios::shapes::{self, Shape};
use scenarios::truth::{write_truth, GcCounts, SnapshotTaken, TruthFile, VERSION};
use sim::snapshot::{prepare, truth, write_prepared, SnapshotOptions};
use sim::{Heap, Profile};

use super::load::is_stdio;
use super::output::{Output, OutputFile};

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    heapsim generate --objects 1000000 -o app.heapsnapshot\n  \
    heapsim generate --shape chains --objects 2000000 --format node24 -o chains.heapsnapshot\n  \
    heapsim generate --shape weak --no-gc --seed 7 -o weak.heapsnapshot --force\n  \
    heapsim generate --objects 50000 -o - | heapsim summary -")]
pub struct GenerateArgs {
    /// Number of objects to allocate (counts every heap object created, including backing
    /// stores and garbage).
    #[arg(long, default_value_t = 100_000)]
    pub objects: u64,
    /// Random seed (same seed, same heap, same file).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Heap shape: heap (application-like), chains (deep linked lists), wide (huge
    /// fan-out), weak (WeakMap-heavy), mixed.
    #[arg(long, default_value = "heap")]
    pub shape: Shape,
    /// Snapshot layout of this Node.js version: node20, node22, node24.
    #[arg(long, default_value = "node20")]
    pub format: Format,
    /// Skip the GC before the snapshot (unreachable objects appear in it).
    #[arg(long)]
    pub no_gc: bool,
    /// Objects whose `retained_by_gc` goes into FILE.truth.json (every 64 cost about one
    /// marking of the live heap); 0 writes no truth file.
    #[arg(long, default_value_t = 100)]
    pub truth_sample: usize,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// Output snapshot file (`-`: standard output, and no truth file).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
}

/// The heap profile generated heaps use.
const PROFILE: &str = "modern";

pub fn run(args: GenerateArgs) -> Result<i32> {
    if args.objects == 0 {
        bail!("--objects must be at least 1");
    }
    let truth_path = {
        let mut p = args.output.clone().into_os_string();
        p.push(".truth.json");
        PathBuf::from(p)
    };
    // Both outputs are claimed before minutes of heap building, so a bad or existing path
    // fails at once; they appear only when complete.
    let mut file = Output::create(Some(&args.output), args.force, &[])?;
    let truth_file = (args.truth_sample > 0 && !is_stdio(&args.output))
        .then(|| OutputFile::create(&truth_path, args.force, &[]))
        .transpose()?;
    let tty = std::io::stderr().is_terminal();
    let t0 = Instant::now();
    // Old generation sized for the request: ~100 bytes per object, plenty of headroom for
    // the garbage that piles up until the snapshot's GC.
    let limit = (args.objects as usize).saturating_mul(256).max(64 << 20);
    let profile = Profile::from_name(PROFILE).expect("a known profile");
    let mut heap = Heap::new(profile.with_max_old_generation(limit));
    // A final heap shape, not a program run: built straight into old space without the
    // collections its allocations would cause (the snapshot's full GC still runs).
    if let Err(e) = heap.in_bulk(|heap| shapes::build(heap, args.shape, args.objects, args.seed)) {
        bail!("building the heap failed: {e}");
    }
    let built = t0.elapsed();

    let out = BufWriter::with_capacity(1 << 20, file.writer());
    let opts = SnapshotOptions {
        format: args.format,
        gc: !args.no_gc,
    };
    let bar = tty.then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("writing {bar:40} {pos}/{len} records, {msg}")
                .expect("valid template"),
        );
        b
    });
    let mut on_progress = |p: Progress| {
        if let Some(b) = &bar {
            b.set_length(p.total);
            b.set_position(p.records);
            b.set_message(format!("{} MB", p.bytes >> 20));
        }
    };
    let t1 = Instant::now();
    let prepared = prepare(&mut heap, &opts);
    let heap = &heap;
    // The truth only reads the heap and the prepared graph: it is computed on the second
    // core while this one writes the snapshot.
    let (stats, truth) = std::thread::scope(|s| {
        let truth = truth_file.is_some().then(|| {
            s.spawn(|| {
                let t = Instant::now();
                let objects = truth::sample(heap, &prepared, args.truth_sample, args.seed, &[]);
                (objects, t.elapsed())
            })
        });
        let stats = write_prepared(heap, &prepared, out, Some(&mut on_progress));
        let truth = truth.map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (stats, truth)
    });
    let stats = stats.with_context(|| format!("writing {}", args.output.display()))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let written = t1.elapsed();

    file.commit()?;
    let truth_took = truth.as_ref().map(|t| t.1);
    if let (Some(mut truth_file), Some((objects, _))) = (truth_file, truth) {
        let name = args
            .output
            .file_name()
            .map(|f| f.to_string_lossy().into_owned());
        let file = name.clone().unwrap_or_default();
        let t = TruthFile {
            version: VERSION,
            source: "generate".to_string(),
            scenario: args.shape.name().to_string(),
            format: args.format.to_string(),
            profile: PROFILE.to_string(),
            seed: args.seed,
            repeat: None,
            expectation: "none".to_string(),
            snapshots: vec![SnapshotTaken {
                name: file.clone(),
                file,
                nodes: stats.nodes,
                after: None,
            }],
            leak: None,
            objects_snapshot: name,
            objects,
            gc: GcCounts::of(heap),
        };
        write_truth(BufWriter::new(truth_file.file()), &t)
            .with_context(|| format!("writing {}", truth_path.display()))?;
        truth_file.commit()?;
    }
    eprintln!(
        "heapsim: wrote {} ({} nodes, {} edges, {} bytes, {}) in {:.1} s (heap built in {:.1} s{})",
        args.output.display(),
        stats.nodes,
        stats.edges,
        stats.bytes,
        args.format,
        written.as_secs_f64(),
        built.as_secs_f64(),
        truth_took
            .map(|t| format!(", truth in {:.1} s", t.as_secs_f64()))
            .unwrap_or_default()
    );
    Ok(0)
}
