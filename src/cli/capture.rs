//! `heapsim capture`: one heap snapshot of a running Node.js process, streamed to a file
//! and, with `--analyze`, into the leak report as it arrives (see the `capture` crate).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use analyzer::units::human_bytes;
use capture::discovery::Activation;
use capture::feed::Feed;
use capture::sink::ChunkSink;
use capture::Signal;
use capture::{heapsnapshot_signal, Session, Target};

/// Take a heap snapshot of a running Node.js process (by PID, HOST:PORT or ws:// URL).
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim capture 4321                          # SIGUSR1 starts the inspector; snapshot to a file
  heapsim capture 4321 --gc --analyze           # collect garbage first, print the leak report
  heapsim capture 127.0.0.1:9229 -o app.heapsnapshot
  heapsim capture 4321 --signal SIGUSR2         # a process run with --heapsnapshot-signal=SIGUSR2

A PID is checked to be Node.js (its executable and command line) before any signal is sent.
SIGUSR1 starts the process's inspector (127.0.0.1:9229 unless it was started with
--inspect-port) and Node LEAVES IT LISTENING after heapsim is done: whoever can connect to
it can run code in the process. --close-inspector closes it again by evaluating
inspector.close() in the process. Only loopback addresses are accepted without
--allow-remote. The snapshot streams into FILE.partial, renamed to FILE when complete.
Docs: docs/capture.md. Exit status: 0 done; 2 any failure (one line on stderr).")]
pub struct Args {
    /// A PID, an inspector's HOST:PORT, or its ws://HOST:PORT/ID URL.
    pub target: String,
    /// Where to write the snapshot (default: heapsim-TARGET-UNIXTIME.heapsnapshot); `-` for
    /// none (with --analyze).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Run a full garbage collection in the target before the snapshot.
    #[arg(long)]
    pub gc: bool,
    /// Print the leak report (as `heapsim analyze`), read from the chunks as they arrive.
    #[arg(long)]
    pub analyze: bool,
    /// With --analyze: write no file.
    #[arg(long, requires = "analyze")]
    pub no_save: bool,
    /// With --analyze: print the report as JSON.
    #[arg(long, requires = "analyze")]
    pub json: bool,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Instead of the inspector, send this signal to a process started with
    /// --heapsnapshot-signal=SIGNAL and move the snapshot Node writes to FILE.
    #[arg(long, value_name = "SIGNAL", value_parser = ["SIGUSR2"], conflicts_with = "gc")]
    pub signal: Option<String>,
}

/// What `capture` and `watch` share: how to attach, and what to leave behind.
#[derive(clap::Args, Debug)]
pub struct LiveArgs {
    /// Replace existing snapshot files.
    #[arg(long)]
    pub force: bool,
    /// Keep a snapshot's FILE.partial when the capture fails.
    #[arg(long)]
    pub keep_partial: bool,
    /// Connect to a non-loopback host (the inspector runs whatever code it is sent).
    #[arg(long)]
    pub allow_remote: bool,
    /// Close the target's inspector afterwards (evaluates `inspector.close()` in it).
    #[arg(long)]
    pub close_inspector: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let target = Target::parse(&args.target, args.live.allow_remote)?;
    let save = !(args.no_save || args.output.as_deref() == Some(Path::new("-")));
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| default_path(&args.target));
    if args.signal.is_some() {
        if args.live.close_inspector {
            anyhow::bail!("--close-inspector: --signal does not open the inspector");
        }
        return by_signal(&target, &path, &args);
    }
    // Open the file first: a bad -o fails before anything is sent to the process.
    let mut sink = save
        .then(|| ChunkSink::create(&path, args.live.force, args.live.keep_partial))
        .transpose()?;
    let mut session = attach(&target)?;
    if args.gc {
        session.collect_garbage()?;
    }
    let mut feed = args.analyze.then(Feed::start);
    let bar = progress_bar();
    let start = Instant::now();
    session.take_snapshot(
        |chunk| {
            if let Some(sink) = sink.as_mut() {
                sink.write(chunk.as_bytes())?;
            }
            if let Some(feed) = feed.as_mut() {
                feed.push(chunk.into_bytes());
            }
            Ok(())
        },
        |done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        },
    )?;
    let last_chunk = Instant::now();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let name = session.name.clone();
    leave(session, args.live.close_inspector)?;
    if let Some(sink) = sink {
        let bytes = sink.bytes;
        let written = sink.finish()?;
        eprintln!(
            "heapsim: {name}: {} snapshot in {:.1} s -> {}",
            human_bytes(bytes),
            (last_chunk - start).as_secs_f64(),
            written.display()
        );
    }
    let Some(feed) = feed else { return Ok(0) };
    let snapshot = feed.finish()?;
    let report = super::analyze::Report {
        threshold_pct: analyzer::report::suspects::DEFAULT_THRESHOLD_PCT,
        top: None,
        json: args.json,
        files: args.output.iter().cloned().collect(),
    };
    super::analyze::print_leak_report(snapshot, &report)?;
    eprintln!(
        "heapsim: report {:.1} s after the last chunk",
        last_chunk.elapsed().as_secs_f64()
    );
    Ok(0)
}

/// `--signal`: Node writes the snapshot itself; heapsim moves it and may analyse the file.
fn by_signal(target: &Target, path: &Path, args: &Args) -> anyhow::Result<i32> {
    let Target::Pid(pid) = *target else {
        anyhow::bail!("--signal needs a PID target, not `{}`", args.target);
    };
    if args.no_save || path == Path::new("-") {
        anyhow::bail!(
            "--signal: Node writes the snapshot to a file; --no-save and -o - do not apply"
        );
    }
    let start = Instant::now();
    let written = heapsnapshot_signal::capture(
        pid,
        Signal::SIGUSR2,
        path,
        args.live.force,
        args.live.keep_partial,
        |_| {},
    )?;
    eprintln!(
        "heapsim: PID {pid}: snapshot written by Node in {:.1} s -> {}",
        start.elapsed().as_secs_f64(),
        written.display()
    );
    if !args.analyze {
        return Ok(0);
    }
    let report = super::analyze::Report {
        threshold_pct: analyzer::report::suspects::DEFAULT_THRESHOLD_PCT,
        top: None,
        json: args.json,
        files: vec![written.clone()],
    };
    super::analyze::print_leak_report(super::load::load(&written)?, &report)?;
    Ok(0)
}

/// `heapsim-4321-1767225600.heapsnapshot` in the current directory.
fn default_path(target: &str) -> PathBuf {
    PathBuf::from(format!("heapsim-{}.heapsnapshot", stamp(target)))
}

/// `4321-1767225600`: the target (as a file name) and the time, for default output names.
pub(super) fn stamp(target: &str) -> String {
    let tag: String = target
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{tag}-{secs}")
}

/// Attaches to `target`, saying so when heapsim had to start the inspector.
pub(super) fn attach(target: &Target) -> anyhow::Result<Session> {
    let session = Session::attach(target)?;
    if session.activation == Some(Activation::Started) {
        eprintln!(
            "heapsim: {} started its inspector on SIGUSR1; it stays listening after heapsim \
             exits (--close-inspector closes it)",
            session.name
        );
    }
    Ok(session)
}

/// Ends the session; `close_inspector` closes the target's inspector, saying so.
pub(super) fn leave(session: Session, close_inspector: bool) -> anyhow::Result<()> {
    if close_inspector {
        eprintln!(
            "heapsim: closing the inspector of {} (evaluating inspector.close() in it)",
            session.name
        );
        session.close_inspector()?;
    } else {
        session.detach();
    }
    Ok(())
}

/// A bar of objects serialised, on a terminal only.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "snapshot {bar:40} {pos}/{len} objects (eta {eta})",
            )
            .expect("static template"),
        );
        bar
    })
}
