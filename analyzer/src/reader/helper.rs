//! The scan helper: one long-lived thread that scans the back part of every large number
//! segment while the parser's thread scans the front part and commits everything in file
//! order.
//!
//! A segment (the number bytes of one 8 MB chunk, cut right after a `,`) is split at
//! commas: the parser keeps the first [`super::SPLIT_PERCENT`] % and hands the rest to the
//! helper as a [`Job`] of pieces of about [`PIECE`] bytes. The helper scans the pieces in
//! order and sends each one's numbers back as soon as it is done, so the parser commits
//! piece *k* to the columns while the helper scans piece *k + 1*: scanning and appending
//! overlap on the two cores, instead of the second core idling while the parser appends a
//! whole segment's numbers (a classic two-stage pipeline; the pieces are independent
//! because a number never spans a `,`, see [`scanner::parse_numbers`]).
//!
//! The chunk buffer is shared as an `Arc` for the length of one job; the helper drops its
//! reference before it reports the job [`Scanned::Done`], so the parser gets the buffer
//! back whole ([`Arc::into_inner`]) and the reading thread can recycle it. Output vectors
//! travel back to the helper for reuse. The thread ends when the parser drops the helper.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

use super::scanner;

/// Bytes per piece of the helper's part of a segment: small enough that the parser seldom
/// waits for the first piece or for the last, large enough that a piece is worth a message.
pub(crate) const PIECE: usize = 1 << 20;

/// A scanned range of a chunk buffer: its byte range and where the scan ended.
pub(crate) type Piece = (usize, usize, Result<Option<usize>, scanner::ScanError>);

/// Pieces shorter than this are not split for interleaved scanning.
const INTERLEAVE_MIN: usize = 64 * 1024;

/// Work for the helper: scan `buf[pieces[k]]` for every `k`, in order.
struct Job {
    buf: Arc<Vec<u8>>,
    pieces: Vec<(usize, usize)>,
}

/// What the helper sends back, in order.
pub(crate) enum Scanned {
    /// One scanned piece (or one of its two interleaved halves) and its numbers.
    Piece(Piece, Vec<u64>),
    /// The job is finished and the helper holds no reference to its buffer any more.
    Done,
}

/// The parser's handle on the helper thread.
pub(crate) struct ScanHelper {
    jobs: Option<Sender<Job>>,
    results: Receiver<Scanned>,
    spare: Sender<Vec<u64>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ScanHelper {
    pub fn spawn() -> ScanHelper {
        let (jobs, job_rx) = channel::<Job>();
        let (result_tx, results) = channel();
        let (spare, spare_rx) = channel();
        let thread = std::thread::Builder::new()
            .name("heapsim-scan".into())
            .spawn(move || work(job_rx, result_tx, spare_rx))
            .ok();
        ScanHelper {
            jobs: Some(jobs),
            results,
            spare,
            thread,
        }
    }

    /// Queues `buf[from..to]` (starting right after a `,`), cut into pieces at commas.
    /// `false` when the helper is gone (it could not start, or it panicked).
    pub fn submit(&self, buf: Arc<Vec<u8>>, from: usize, to: usize) -> bool {
        let pieces = cut_pieces(&buf, from, to);
        self.thread.is_some()
            && self
                .jobs
                .as_ref()
                .is_some_and(|j| j.send(Job { buf, pieces }).is_ok())
    }

    /// The next result of the current job; `None` when the helper died mid-job.
    pub fn next(&self) -> Option<Scanned> {
        self.results.recv().ok()
    }

    /// Hands an output vector back for reuse.
    pub fn recycle(&self, out: Vec<u64>) {
        let _ = self.spare.send(out);
    }
}

impl Drop for ScanHelper {
    fn drop(&mut self) {
        // Hanging up the job queue ends the helper's loop.
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `buf[from..to]` cut right after the first `,` past every [`PIECE`] bytes.
fn cut_pieces(buf: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::with_capacity((to - from) / PIECE + 1);
    let mut s = from;
    while let Some(c) = cut_after_comma(buf, (s + PIECE).min(to), to) {
        pieces.push((s, c));
        s = c;
    }
    pieces.push((s, to));
    pieces
}

/// The position just after the first `,` in `buf[at..to]`, if that is before `to`.
pub(crate) fn cut_after_comma(buf: &[u8], at: usize, to: usize) -> Option<usize> {
    memchr::memchr(b',', &buf[at..to])
        .map(|c| at + c + 1)
        .filter(|&c| c < to)
}

/// Scans `buf[s..e]`, as two interleaved pieces when it is large (one scan alone is bound
/// by the latency of finding where each number ends, [`scanner::parse_numbers2`]).
pub(crate) fn scan_range(
    buf: &[u8],
    s: usize,
    e: usize,
    allow_empty: bool,
    x: &mut Vec<u64>,
    y: &mut Vec<u64>,
) -> (Piece, Option<Piece>) {
    if e - s >= INTERLEAVE_MIN {
        if let Some(m) = cut_after_comma(buf, s + (e - s) / 2, e) {
            let (r1, r2) = scanner::parse_numbers2(buf, (s, m, allow_empty), (m, e), x, y);
            return ((s, m, r1), Some((m, e, r2)));
        }
    }
    (
        (s, e, scanner::parse_numbers(buf, s, e, allow_empty, x)),
        None,
    )
}

/// The helper thread's loop: one job at a time, one message per scanned half-piece, then
/// [`Scanned::Done`] once the job's buffer is released.
fn work(jobs: Receiver<Job>, results: Sender<Scanned>, spare: Receiver<Vec<u64>>) {
    let take = || {
        let mut v = spare.try_recv().unwrap_or_default();
        v.clear();
        v
    };
    for Job { buf, pieces } in jobs {
        for (s, e) in pieces {
            let (mut x, mut y) = (take(), take());
            let (p1, p2) = scan_range(&buf, s, e, false, &mut x, &mut y);
            let second = p2.map(|p2| Scanned::Piece(p2, y));
            for m in std::iter::once(Scanned::Piece(p1, x)).chain(second) {
                if results.send(m).is_err() {
                    return;
                }
            }
        }
        drop(buf);
        if results.send(Scanned::Done).is_err() {
            return;
        }
    }
}
