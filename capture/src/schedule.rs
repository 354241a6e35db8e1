//! `heapsim watch`'s schedule: `count` snapshots (at least three: baseline, target, final,
//! memlab's method) taken `interval` apart, each right after a full garbage collection so
//! that only live objects are compared. With `until_growth`, the second snapshot waits
//! instead until the heap has grown that much over the baseline: the heap is sampled every
//! [`GROWTH_POLL`] without a collection, and a sample over the mark is confirmed after one.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::session::{HeapUsage, Session};
use crate::sink::ChunkSink;

/// How often the heap is sampled while waiting for growth (at most every interval).
pub const GROWTH_POLL: Duration = Duration::from_secs(1);

/// When to take the snapshots.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub interval: Duration,
    pub count: usize,
    /// Bytes the heap must grow after the baseline before the next snapshot.
    pub until_growth: Option<u64>,
    /// The longest wait for `until_growth`.
    pub timeout: Duration,
}

/// A snapshot on disk.
#[derive(Clone, Debug)]
pub struct Taken {
    pub path: PathBuf,
    /// Since the schedule started.
    pub at: Duration,
    /// After the collection that preceded it.
    pub heap: HeapUsage,
}

/// What the schedule reports as it goes.
pub enum Step<'a> {
    /// A heap sample while waiting for growth.
    Sample { at: Duration, heap: HeapUsage },
    /// Snapshot `index` (from 1) is written.
    Snapshot { index: usize, taken: &'a Taken },
}

/// `dir/snapshot-N.heapsnapshot`.
pub fn snapshot_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("snapshot-{index}.heapsnapshot"))
}

/// Runs the schedule, writing the snapshots into `dir`.
pub fn run(
    session: &mut Session,
    schedule: &Schedule,
    dir: &Path,
    force: bool,
    keep_partial: bool,
    mut observe: impl FnMut(Step),
) -> Result<Vec<Taken>> {
    let start = Instant::now();
    let mut taken: Vec<Taken> = Vec::new();
    for index in 1..=schedule.count {
        match (index, schedule.until_growth, taken.first()) {
            (1, _, _) => {}
            (2, Some(growth), Some(base)) => {
                let base = base.heap.used;
                wait_for_growth(session, schedule, base, growth, start, &mut observe)?
            }
            _ => std::thread::sleep(schedule.interval),
        }
        let path = snapshot_path(dir, index);
        let mut sink = ChunkSink::create(&path, force, keep_partial)?;
        session.collect_garbage()?;
        let heap = session.heap_usage()?;
        session.take_snapshot(|chunk| sink.write(chunk.as_bytes()), |_, _| {})?;
        sink.finish()?;
        taken.push(Taken {
            path,
            at: start.elapsed(),
            heap,
        });
        observe(Step::Snapshot {
            index,
            taken: taken.last().expect("just pushed"),
        });
    }
    Ok(taken)
}

fn wait_for_growth(
    session: &mut Session,
    schedule: &Schedule,
    base: u64,
    growth: u64,
    start: Instant,
    observe: &mut impl FnMut(Step),
) -> Result<()> {
    let poll = GROWTH_POLL.min(schedule.interval);
    let deadline = Instant::now() + schedule.timeout;
    loop {
        std::thread::sleep(poll);
        let mut heap = session.heap_usage()?;
        if heap.used.saturating_sub(base) >= growth {
            session.collect_garbage()?;
            heap = session.heap_usage()?;
        }
        observe(Step::Sample {
            at: start.elapsed(),
            heap,
        });
        if heap.used.saturating_sub(base) >= growth {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error::Process(format!(
                "{}: the heap grew by {} bytes in {} s, not the {growth} bytes of --until-growth",
                session.name,
                heap.used.saturating_sub(base),
                schedule.timeout.as_secs()
            )));
        }
    }
}
