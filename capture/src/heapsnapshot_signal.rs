//! Node's own snapshot signal: a process started with `--heapsnapshot-signal=SIGUSR2`
//! writes `Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot` into its working
//! directory (or `--diagnostic-dir`) when it receives the signal
//! (<https://nodejs.org/api/cli.html#--heapsnapshot-signalsignal>), on its main thread.
//!
//! The new file is complete when no file descriptor of the process refers to it any more;
//! then it is moved to the requested place. The signal is sent only when the process was
//! started with that option (by its command line or `NODE_OPTIONS`): without a handler,
//! `SIGUSR2` ends a Node process.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::cdp::STALL;
use crate::error::{Error, Result};
use crate::process::NodeProcess;
use crate::sink;

const POLL: Duration = Duration::from_millis(50);

/// Signals `pid` to write a snapshot and moves it to `to`. `on_growth` sees the file's
/// size while Node writes it. An incomplete file is removed unless `keep_partial`.
pub fn capture(
    pid: i32,
    signal: Signal,
    to: &Path,
    force: bool,
    keep_partial: bool,
    mut on_growth: impl FnMut(u64),
) -> Result<PathBuf> {
    let process = NodeProcess::check(pid)?;
    let name = signal.as_str();
    let configured = process.node_option("heapsnapshot-signal");
    if configured.as_deref() != Some(name) {
        return Err(Error::Process(format!(
            "PID {pid} was not started with --heapsnapshot-signal={name}: the signal would end it \
             (capture through the inspector instead: drop --signal)"
        )));
    }
    sink::check_free(to, force)?;
    let cwd = process.cwd()?;
    let dir = process
        .node_option("diagnostic-dir")
        .map_or(cwd.clone(), |d| cwd.join(d));
    let before = snapshots_of(&dir, pid)?;
    process.signal(signal)?;
    let file = wait_for_new(&process, &dir, &before)?;
    let written = wait_until_closed(&process, &file, &mut on_growth);
    if let Err(e) = written {
        if !keep_partial {
            let _ = std::fs::remove_file(&file);
        }
        return Err(e);
    }
    sink::move_into(&file, to, force)?;
    Ok(to.to_path_buf())
}

/// `Heap.*.<pid>.*.heapsnapshot` files in `dir`.
fn snapshots_of(dir: &Path, pid: i32) -> Result<HashSet<PathBuf>> {
    let tag = format!(".{pid}.");
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Output(format!("{}: cannot list: {e}", dir.display())))?;
    Ok(entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("Heap.") && n.ends_with(".heapsnapshot") && n.contains(&tag)
            })
        })
        .collect())
}

/// The snapshot file that appears after the signal.
fn wait_for_new(process: &NodeProcess, dir: &Path, before: &HashSet<PathBuf>) -> Result<PathBuf> {
    let deadline = Instant::now() + STALL;
    loop {
        if let Some(p) = snapshots_of(dir, process.pid)?
            .into_iter()
            .find(|p| !before.contains(p))
        {
            return Ok(p);
        }
        if !process.is_alive() {
            return Err(exited(process));
        }
        if Instant::now() >= deadline {
            return Err(Error::Process(format!(
                "PID {}: no new Heap.*.heapsnapshot in {} after {} s",
                process.pid,
                dir.display(),
                STALL.as_secs()
            )));
        }
        std::thread::sleep(POLL);
    }
}

/// Waits until the process has closed `file`; fails if it exits, or if for [`STALL`] the
/// file neither grows nor the process uses CPU (V8 builds the whole graph before it writes
/// the first byte, which takes minutes for a large heap).
fn wait_until_closed(
    process: &NodeProcess,
    file: &Path,
    on_growth: &mut impl FnMut(u64),
) -> Result<()> {
    let mut seen = (0, process.cpu_ticks());
    let mut progressed = Instant::now();
    while process.has_open(file) {
        if !process.is_alive() {
            return Err(exited(process));
        }
        let size = std::fs::metadata(file).map_or(seen.0, |m| m.len());
        let now = (size, process.cpu_ticks());
        if now != seen {
            if now.0 != seen.0 {
                on_growth(size);
            }
            (seen, progressed) = (now, Instant::now());
        } else if progressed.elapsed() >= STALL {
            return Err(Error::Process(format!(
                "PID {}: {} neither grew nor did the process run for {} s",
                process.pid,
                file.display(),
                STALL.as_secs()
            )));
        }
        std::thread::sleep(POLL);
    }
    if !process.is_alive() {
        return Err(exited(process));
    }
    Ok(())
}

fn exited(process: &NodeProcess) -> Error {
    Error::Process(format!("PID {} exited during the capture", process.pid))
}
