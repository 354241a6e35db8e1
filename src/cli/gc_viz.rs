//! `heapsim gc-viz`: a scenario script on the simulated heap with GC recording on
//! (`sim::heap::gc_trace`), drawn as one self-contained HTML page: the GC timeline and the
//! animations of one scavenge and one marking (`report::gc_viz`). `heapsim run --report`
//! adds the same sections to its report ([`sections`]).
//!
//! The heap is set up so that a short script shows every mechanism the talk draws: a small
//! semi-space (scavenges happen within a few thousand allocations), a small marking worklist
//! (it overflows and is rescanned) and incremental marking from the first allocation after
//! each full GC, in small steps (the write barrier has steps to strike between). The
//! liveness of every object is the same as under the default settings; only when and how
//! the collectors work changes. Snapshots the script asks for are not written.

use format::Format;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use report::gc_viz::{GcViz, Recorded};
use report::page::{Page, Section};
use sim::{Heap, OldGenConfig};

use super::output::OutputFile;
use super::run::{interpreter, profile_and_script, script_failed};

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    heapsim gc-viz                        # the listeners scenario into gc.html\n  \
    heapsim gc-viz hot-reload -o hot.html --repeat 50\n  \
    heapsim gc-viz my-leak.js --worklist 4\n\n\
    The page works offline: open it from disk in any browser. Exit status: 0; 2 for a\n\
    script error or bad usage (no page is written).")]
pub struct GcVizArgs {
    /// A script file, or the name of a shipped scenario (see `heapsim run --list`).
    /// Default: listeners.
    pub script: Option<String>,
    /// The page to write.
    #[arg(short = 'o', long = "output", default_value = "gc.html")]
    pub output: PathBuf,
    /// Heap profile: v8-6 (the talk's V8) or modern.
    #[arg(long, default_value = "v8-6")]
    pub profile: String,
    /// Semi-space size in bytes (fixed; a multiple of 8).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024, value_parser = semi_space)]
    pub semi_space: usize,
    /// Marking worklist capacity in entries (V8's is 524,288).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = super::common::at_least_one)]
    pub worklist: usize,
    /// Override the script's `repeat` count.
    #[arg(long, value_name = "N")]
    pub repeat: Option<u64>,
    /// Seed of `Math.random`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Instruction budget; exhausting it is a script error (bounds infinite loops).
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u64>,
    /// Overwrite an existing page.
    #[arg(long)]
    pub force: bool,
}

fn semi_space(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 4096 && n.is_multiple_of(8) => Ok(n),
        _ => Err(format!(
            "{text:?}: expected a byte count of at least 4096, a multiple of 8"
        )),
    }
}

/// The collector settings of the module doc.
fn talk_collectors(worklist: usize) -> OldGenConfig {
    OldGenConfig {
        worklist_capacity: worklist,
        start_marking_early: true,
        step_allocated_bytes: 4096,
        marking_speed: 1,
        ..OldGenConfig::default()
    }
}

pub fn run(args: GcVizArgs) -> anyhow::Result<i32> {
    let (profile, script) = profile_and_script(&args.profile, args.script.as_deref())?;
    let input = Path::new(&script.path);
    let mut page_file = OutputFile::create(&args.output, args.force, &[input])?;
    let mut heap = Heap::new(profile.with_semi_space(args.semi_space, args.semi_space));
    heap.set_old_gen_config(talk_collectors(args.worklist));
    heap.set_gc_recording(true);
    let bump = bumpalo::Bump::new();
    let mut it = match interpreter(
        heap,
        &bump,
        &script,
        Format::Node20,
        args.seed,
        args.max_steps,
    ) {
        Ok(it) => it,
        Err(e) => return Ok(script_failed(&e)),
    };
    it.host.snapshot = Some(Box::new(|_, _| Ok(())));
    if let Err(e) = interp::harness::run(&mut it, &script.path, &script.source, args.repeat) {
        return Ok(script_failed(&e));
    }
    let page = Page {
        title: format!("GC of {}", script.path),
        subtitle: format!(
            "heapsim gc-viz: {} GCs on the simulated heap ({} profile, {} B semi-space, worklist of {})",
            it.heap.events().len(),
            args.profile,
            args.semi_space,
            args.worklist
        ),
        files: vec![PathBuf::from(&script.path)],
        sections: sections(&it.heap)?,
        shared: Vec::new(),
        scripts: vec![report::gc_viz::SCRIPT],
    };
    let html = page.render()?;
    page_file
        .write_all(html.as_bytes())
        .with_context(|| format!("{}: cannot write", args.output.display()))?;
    page_file.commit()?;
    Ok(0)
}

/// `heapsim run --report`'s page into `file`: the leak report of `snapshot` (the run's last)
/// followed by the GC sections of `heap`.
pub(super) fn write_run_report(
    mut file: OutputFile,
    snapshot: &Path,
    heap: &Heap,
) -> anyhow::Result<()> {
    let analysis = analyzer::analysis::Analysis::new(super::load::load(snapshot)?);
    let mut page = report::leak::page(report::leak::Inputs {
        analysis: &analysis,
        files: vec![snapshot.to_path_buf()],
        comparison: None,
        threshold_pct: analyzer::report::suspects::DEFAULT_THRESHOLD_PCT,
    })?;
    page.sections.extend(sections(heap)?);
    page.scripts.push(report::gc_viz::SCRIPT);
    file.write_all(page.render()?.as_bytes())
        .context("report.html: cannot write")?;
    file.commit()
}

/// The GC sections of a run whose heap recorded its GCs (timeline only, with empty
/// animations, when recording was off); they need [`report::gc_viz::SCRIPT`] on the page.
pub(super) fn sections(heap: &Heap) -> anyhow::Result<Vec<Section>> {
    let recording = heap.gc_recording();
    let viz = GcViz {
        timeline: serde_json::to_value(heap.gc_timeline())?,
        scavenge: recorded(recording.and_then(|r| r.scavenge.as_ref()))?,
        marking: recorded(recording.and_then(|r| r.marking.as_ref()))?,
    };
    Ok(viz.sections()?)
}

fn recorded<S: serde::Serialize>(
    r: Option<&sim::heap::gc_trace::Recorded<S>>,
) -> serde_json::Result<Option<Recorded>> {
    r.map(|r| {
        Ok(Recorded {
            seq: r.seq,
            data: serde_json::to_value(r)?,
        })
    })
    .transpose()
}
