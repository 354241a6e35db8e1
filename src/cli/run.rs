//! `heapsim run`: a scenario script on the simulated V8 heap, in memlab's phases (the
//! harness is `interp::harness`, the contract `docs/scenario-runtime.md`). Writes each
//! snapshot the run takes into the output folder, `gc.log` (the `--trace-gc` lines, written
//! as each GC happens), `gc.jsonl` (one GC event per line), `expect.json` (the script's
//! expectations) and `truth.json` (the ground truth, `docs/ground-truth.md`), then prints
//! the leak report of the last snapshot as `heapsim analyze` prints it. With `--report` the
//! run's GCs are recorded and `report.html` adds to that snapshot's HTML leak report the GC
//! sections of `heapsim gc-viz` ([`super::gc_viz`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use format::Format;
use scenarios::leaked::{leak_truth, Expectation};
use scenarios::scripts::{self, SCRIPTS};
use scenarios::truth::{write_truth, GcCounts, SnapshotTaken, TruthFile, VERSION};
use sim::snapshot::{truth, write_heap_snapshot, Prepared, SnapshotOptions};
use sim::{Heap, Profile};

use super::analyze::{print_leak_report, Report};
use super::output::{outln, OutputFile};

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    heapsim run                           # the listeners scenario into ./heapsim-out/\n  \
    heapsim run --list\n  \
    heapsim run hot-reload -o out --repeat 100\n  \
    heapsim run my-leak.js --format node24 --trace-gc\n\n\
    A script exporting { setup, action, back, repeat } runs as setup → full GC → baseline →\n\
    repeat × (action, back) → full GC → target → back → full GC → final; without an\n\
    action it takes its own snapshots with snapshot(name). Exit status: 0; 2 for a script\n\
    error (file:line:column, the line, a caret) or bad usage; 134 when the simulated heap\n\
    runs out of memory (the snapshots taken so far are kept).")]
pub struct RunArgs {
    /// A script file, or the name of a shipped scenario (see --list). Default: listeners.
    pub script: Option<String>,
    /// List the shipped scenarios and exit.
    #[arg(long)]
    pub list: bool,
    /// Output folder (created if missing).
    #[arg(short = 'o', long = "output", default_value = "heapsim-out")]
    pub output: PathBuf,
    /// Snapshot layout: node20, node22, node24.
    #[arg(long, default_value = "node20")]
    pub format: Format,
    /// Heap profile: v8-6 or modern.
    #[arg(long, default_value = "modern")]
    pub profile: String,
    /// Override the script's `repeat` count.
    #[arg(long, value_name = "N")]
    pub repeat: Option<u64>,
    /// Also print `gc.log`'s lines (one `--trace-gc` line per GC) on stderr, as each GC
    /// happens.
    #[arg(long)]
    pub trace_gc: bool,
    /// Run the heap verifier after every GC (V8's `--verify-heap`); a failure exits 1.
    #[arg(long)]
    pub verify_heap: bool,
    /// Seed of `Math.random`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Instruction budget; exhausting it is a script error (bounds infinite loops).
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u64>,
    /// GC stress: a scavenge every N allocations (implies --verify-heap).
    #[arg(long, value_name = "N")]
    pub gc_interval: Option<u64>,
    /// Also write report.html: the last snapshot's leak report (as `heapsim report`) and
    /// the run's GC timeline, one scavenge and one marking animated (as `heapsim gc-viz`).
    #[arg(long)]
    pub report: bool,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
}

/// The script to run: its `__filename` and source.
pub(super) struct Script {
    pub(super) path: String,
    pub(super) source: String,
    embedded: bool,
}

pub fn run(args: RunArgs) -> anyhow::Result<i32> {
    if args.list {
        for s in &SCRIPTS {
            outln!("{:<18} {}", s.name, s.summary());
        }
        return Ok(0);
    }
    let (profile, script) = profile_and_script(&args.profile, args.script.as_deref())?;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create the output folder", args.output.display()))?;
    let mut heap = Heap::new(profile);
    heap.set_gc_interval(args.gc_interval);
    let verify = args.verify_heap || args.gc_interval.is_some();
    heap.set_verify_heap(verify);
    heap.set_gc_recording(args.report);
    let written = std::rc::Rc::new(std::cell::RefCell::new(Taken::default()));
    let bump = bumpalo::Bump::new();
    let mut it = match interpreter(heap, &bump, &script, args.format, args.seed, args.max_steps) {
        Ok(it) => it,
        Err(e) => return Ok(script_failed(&e)),
    };
    let (dir, format, force, sink_written) = (
        args.output.clone(),
        args.format,
        args.force,
        written.clone(),
    );
    it.host.snapshot = Some(Box::new(move |heap, name| {
        let path = dir.join(format!("{name}.heapsnapshot"));
        let (nodes, prepared) =
            write_snapshot(heap, &path, format, force).map_err(|e| format!("{e:#}"))?;
        let mut taken = sink_written.borrow_mut();
        taken.files.push((name.to_string(), path, nodes));
        taken.last = Some((prepared, heap.allocation_count()));
        Ok(())
    }));
    // The logs are claimed before the run, so a refusal costs no run and leaves nothing.
    let mut logs = LOGS
        .iter()
        .map(|name| OutputFile::create(&args.output.join(name), args.force, &[]))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let report_file = args
        .report
        .then(|| OutputFile::create(&args.output.join("report.html"), args.force, &[]))
        .transpose()?;
    let truth_file = OutputFile::create(&args.output.join(TRUTH), args.force, &[])?;
    let trace = std::rc::Rc::new(std::cell::RefCell::new(TraceGc {
        log: logs.remove(0),
        echo: args.trace_gc,
        error: None,
    }));
    let sink = trace.clone();
    it.on_gc = Some(Box::new(move |e| sink.borrow_mut().line(e)));
    let result = interp::harness::run(&mut it, &script.path, &script.source, args.repeat);
    it.report_gcs();
    it.on_gc = None;
    let trace = std::rc::Rc::try_unwrap(trace)
        .map_err(|_| anyhow::anyhow!("gc.log: still in use"))?
        .into_inner();
    trace.finish()?;
    write_logs(logs, &it.heap, &it.host.expectations)?;
    let repeat = match result {
        Ok(repeat) => repeat,
        Err(e) => return Ok(script_failed(&e)),
    };
    let truth = run_truth(&it, &written.borrow(), &args, repeat)?;
    write_committed(truth_file, &truth)?;
    if verify {
        let failures = &it.heap.verifier_stats().failures;
        if let Some(f) = failures.first() {
            eprintln!("heapsim: heap verifier failed after a GC: {f:?}");
            return Ok(1);
        }
    }
    let last = written.borrow().files.last().map(|f| f.1.clone());
    let Some(last) = last else {
        eprintln!(
            "heapsim: {} took no snapshot; nothing to report",
            script.path
        );
        return Ok(0);
    };
    let snapshot = super::load::load(&last)?;
    if let Some(file) = report_file {
        super::gc_viz::write_run_report(file, &last, &it.heap)?;
    }
    print_leak_report(
        snapshot,
        &Report {
            threshold_pct: analyzer::report::suspects::DEFAULT_THRESHOLD_PCT,
            top: None,
            json: false,
            files: vec![last.clone()],
        },
    )?;
    Ok(0)
}

/// An interpreter on `heap` for `script`: `Math.random` seeded with `seed`, at most
/// `max_steps` instructions, the script's console on stdout/stderr, and the shipped files
/// readable by `require` when the script is one of them.
pub(super) fn interpreter<'b>(
    heap: Heap,
    bump: &'b bumpalo::Bump,
    script: &Script,
    release: Format,
    seed: u64,
    max_steps: Option<u64>,
) -> Result<interp::Interp<'b>, interp::ScriptError> {
    let mut it = interp::run::interpreter_for(heap, bump, release)?;
    it.rng = sim::mutator::SplitMix64(seed);
    it.max_steps = max_steps.unwrap_or(u64::MAX);
    // The script's own output, printed as it runs; a closed stdout is the reader's choice,
    // so a failed write is ignored here and the run goes on to write its files.
    it.on_console = Some(Box::new(|line| {
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }));
    it.host.on_stderr = Some(Box::new(|line| eprintln!("{line}")));
    if script.embedded {
        it.loader.read = Some(Box::new(|p| scripts::read(p).map(str::to_string)));
    }
    Ok(it)
}

/// The heap profile named by `--profile` and the script (default: the first shipped
/// scenario).
pub(super) fn profile_and_script(
    profile: &str,
    script: Option<&str>,
) -> anyhow::Result<(Profile, Script)> {
    let p = Profile::from_name(profile).ok_or_else(|| {
        anyhow::anyhow!("--profile: unknown profile {profile:?} (v8-6 or modern)")
    })?;
    Ok((p, resolve(script.unwrap_or(SCRIPTS[0].name))?))
}

/// A file path (it exists or ends in `.js`) or a shipped scenario's name.
fn resolve(arg: &str) -> anyhow::Result<Script> {
    let path = Path::new(arg);
    if path.exists() || arg.ends_with(".js") {
        let source =
            std::fs::read_to_string(path).with_context(|| format!("{arg}: cannot read"))?;
        return Ok(Script {
            path: arg.to_string(),
            source,
            embedded: false,
        });
    }
    let Some(s) = scripts::find(arg) else {
        bail!(
            "unknown scenario `{arg}` (a .js file or one of: {})",
            shipped_names()
        );
    };
    Ok(Script {
        path: s.file.path.to_string(),
        source: s.file.source.to_string(),
        embedded: true,
    })
}

/// The shipped scenarios' names, for "unknown scenario" messages.
fn shipped_names() -> String {
    let names: Vec<_> = SCRIPTS.iter().map(|s| s.name).collect();
    names.join(", ")
}

pub(super) fn script_failed(e: &interp::ScriptError) -> i32 {
    eprintln!("{e}");
    e.exit_code()
}

/// Writes the snapshot; returns its node count and prepared graph.
fn write_snapshot(
    heap: &mut Heap,
    path: &Path,
    format: Format,
    force: bool,
) -> anyhow::Result<(u64, Prepared)> {
    let mut file = OutputFile::create(path, force, &[])?;
    let opts = SnapshotOptions { format, gc: true };
    let mut w = std::io::BufWriter::new(&mut file);
    let (stats, prepared) = write_heap_snapshot(heap, &mut w, &opts, None)
        .with_context(|| format!("{}", path.display()))?;
    w.flush().with_context(|| format!("{}", path.display()))?;
    drop(w);
    file.commit()?;
    Ok((stats.nodes, prepared))
}

/// The snapshots a run wrote (name, path, node count) and the last one's graph with the
/// heap's allocation count when it was taken.
#[derive(Default)]
struct Taken {
    files: Vec<(String, PathBuf, u64)>,
    last: Option<(Prepared, u64)>,
}

/// The ground-truth file of the run.
const TRUTH: &str = "truth.json";

/// Objects of the last snapshot whose retained sizes `truth.json` gives (besides the leak's
/// suspect and accumulation point).
const TRUTH_SAMPLE: usize = 100;

/// The truth of a finished run (see `docs/ground-truth.md`): the leak and the object sample
/// are of the last snapshot, which is the heap now unless the script allocated after it (a
/// free-form script can), in which case they are left out.
fn run_truth(
    it: &interp::eval::Interp<'_>,
    taken: &Taken,
    args: &RunArgs,
    repeat: Option<u64>,
) -> anyhow::Result<TruthFile> {
    let phased = repeat.is_some();
    let snapshots = taken
        .files
        .iter()
        .map(|(name, path, nodes)| SnapshotTaken {
            name: name.clone(),
            file: path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            nodes: *nodes,
            after: phased
                .then(|| phase_before(name))
                .flatten()
                .map(str::to_string),
        })
        .collect();
    let record: Option<serde_json::Value> = match it.host.expectations.first() {
        Some(text) => Some(serde_json::from_str(text).context("expect.json record")?),
        None => None,
    };
    let kind = record
        .as_ref()
        .and_then(|r| r["kind"].as_str().map(str::to_string));
    let current = taken
        .last
        .as_ref()
        .filter(|(_, allocations)| *allocations == it.heap.allocation_count());
    let (mut leak, mut objects) = (None, Vec::new());
    if let Some((prepared, _)) = current {
        let mut also = Vec::new();
        if let (Some(r), Some("leak")) = (&record, kind.as_deref()) {
            let field = |k: &str| r[k].as_str().unwrap_or_default();
            let e = Expectation {
                suspect: field("suspect"),
                accumulation: field("accumulation"),
                path: field("path"),
                leaked: field("leaked"),
            };
            let site = |t: u64| interp::sites::location(it, t);
            let resolved = leak_truth(&it.heap, prepared, &e, &site);
            also = resolved.ordinals;
            leak = Some(resolved.truth);
        }
        objects = truth::sample(&it.heap, prepared, TRUTH_SAMPLE, args.seed, &also);
    }
    Ok(TruthFile {
        version: VERSION,
        source: "run".to_string(),
        scenario: args
            .script
            .as_deref()
            .unwrap_or(SCRIPTS[0].name)
            .to_string(),
        format: args.format.to_string(),
        profile: args.profile.clone(),
        seed: args.seed,
        repeat,
        expectation: match kind.as_deref() {
            Some("leak") => "leak",
            Some("noLeak") => "no_leak",
            _ => "none",
        }
        .to_string(),
        objects_snapshot: current.and(taken.files.last()).map(|f| f.0.clone()),
        snapshots,
        leak,
        objects,
        gc: GcCounts::of(&it.heap),
    })
}

/// The phase a phased run's snapshot follows.
fn phase_before(name: &str) -> Option<&'static str> {
    match name {
        "baseline" => Some("setup"),
        "target" => Some("action"),
        "final" => Some("back"),
        _ => None,
    }
}

fn write_committed(mut file: OutputFile, truth: &TruthFile) -> anyhow::Result<()> {
    write_truth(std::io::BufWriter::new(file.file()), truth)
        .with_context(|| format!("{TRUTH}: cannot write"))?;
    file.commit()
}

/// The files every run writes besides its snapshots: `gc.log` ([`TraceGc`]), then those of
/// [`write_logs`].
const LOGS: [&str; 3] = ["gc.log", "gc.jsonl", "expect.json"];

/// `gc.log`, written a `--trace-gc` line at a time as each GC happens (and echoed on stderr
/// with `--trace-gc`), as V8 prints them.
struct TraceGc {
    log: OutputFile,
    echo: bool,
    /// The first write error, reported when the run ends.
    error: Option<std::io::Error>,
}

impl TraceGc {
    fn line(&mut self, e: &sim::GcEvent) {
        let line = e.trace_gc_line();
        if self.echo {
            eprintln!("{line}");
        }
        if self.error.is_none() {
            self.error = writeln!(self.log, "{line}").err();
        }
    }

    fn finish(self) -> anyhow::Result<()> {
        if let Some(e) = self.error {
            return Err(e).context("gc.log: cannot write");
        }
        self.log.commit()
    }
}

/// `gc.jsonl` (one GC event a line) and `expect.json` (the script's expectation records).
fn write_logs(files: Vec<OutputFile>, heap: &Heap, expectations: &[String]) -> anyhow::Result<()> {
    let mut jsonl = String::new();
    for e in heap.events() {
        jsonl.push_str(&serde_json::to_string(e)?);
        jsonl.push('\n');
    }
    let expect = format!("[{}]\n", expectations.join(", "));
    for ((mut f, text), name) in files.into_iter().zip([jsonl, expect]).zip(&LOGS[1..]) {
        f.write_all(text.as_bytes())
            .with_context(|| format!("{name}: cannot write"))?;
        f.commit()?;
    }
    Ok(())
}

/// The `final` snapshot of the shipped scenario `name`, run with its defaults (Node 20
/// layout, modern profile) and written in memory: what `heapsim analyze` with no FILE
/// reads, so the demo takes the same scenario → sim → snapshot → analyzer path as `run`.
/// The script's console output is dropped; a report reader wants the report.
pub fn scenario_snapshot(name: &str) -> anyhow::Result<Vec<u8>> {
    let Some(s) = scripts::find(name) else {
        bail!("unknown scenario `{name}` (one of: {})", shipped_names());
    };
    let bump = bumpalo::Bump::new();
    let script_error = |e: interp::ScriptError| anyhow::anyhow!("{e}");
    let mut it =
        interp::run::interpreter(Heap::new(Profile::modern()), &bump).map_err(script_error)?;
    it.loader.read = Some(Box::new(|p| scripts::read(p).map(str::to_string)));
    let last = std::rc::Rc::new(std::cell::RefCell::new(None::<Vec<u8>>));
    let sink = last.clone();
    it.host.snapshot = Some(Box::new(move |heap, _name| {
        let mut bytes = Vec::new();
        let opts = SnapshotOptions {
            format: Format::Node20,
            gc: true,
        };
        write_heap_snapshot(heap, &mut bytes, &opts, None).map_err(|e| e.to_string())?;
        *sink.borrow_mut() = Some(bytes);
        Ok(())
    }));
    interp::harness::run(&mut it, s.file.path, s.file.source, None).map_err(script_error)?;
    let bytes = last.borrow_mut().take();
    bytes.ok_or_else(|| anyhow::anyhow!("scenario `{name}` took no snapshot"))
}
