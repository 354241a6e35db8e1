//! Reads a `.heapsnapshot` file into a [`HeapSnapshot`].
//!
//! The file is one JSON object (V8's `HeapSnapshotJSONSerializer`, `heap-snapshot-generator.cc`;
//! DevTools reads it in `HeapSnapshotLoader.ts`):
//! `{"snapshot":{"meta":…,"node_count":…,"edge_count":…}, "nodes":[…], "edges":[…],
//! "trace_function_infos":[…], "trace_tree":[…], "samples":[…], "locations":[…],
//! "strings":[…]}`. The allocation traces (`trace_function_infos`, `trace_tree`) are kept
//! ([`traces`], [`crate::allocation`]); `samples` is skipped. Everything about the layout comes from `snapshot.meta` (see
//! [`crate::meta`]); keys are accepted in any order and unknown keys are skipped.
//!
//! How it stays fast and small:
//! * no JSON tree: only the few-hundred-byte `snapshot` header goes through serde_json;
//!   the number arrays are scanned by a hand-written SWAR integer scanner
//!   ([`scanner`]) straight into the node and edge columns ([`sinks`]);
//! * the file is read in 8 MB chunks by a second thread ([`stream`]) rather than mapped, so
//!   resident memory is the columns plus a few buffers;
//! * each chunk of a number array is cut at commas: the calling thread scans the first
//!   fifth as two interleaved pieces (one scan alone is bound by the latency of finding
//!   where each number ends) and appends it to the columns, while one long-lived helper
//!   thread ([`helper`]) scans the rest as 1 MB pieces and sends each back as soon as it is
//!   done, so appending one piece overlaps scanning the next; pieces are appended in file
//!   order;
//! * gzip and zstd files are decoded on the reading thread as they stream in
//!   ([`compression`]), recognised by their magic bytes, never by their name;
//! * vectors are pre-sized from the header counts, but never beyond what the file's size can
//!   hold (each number takes at least two bytes), so a lying header cannot allocate.
//!
//! Every check a consumer relies on is made here, so analyses may index without fear:
//! counts match the header, `edge_count`s sum to the edges, `to_node` is a multiple of the
//! node width and in range, type and string indices are in range. Errors name the array
//! position and, while the bytes are still at hand, the byte offset.

mod compression;
mod error;
mod header;
mod helper;
pub mod scanner;
mod sinks;
mod stream;
mod traces;

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use compression::Compression;
pub use error::{ReadError, ReadErrorKind};
use helper::{cut_after_comma, scan_range, Piece, ScanHelper, Scanned};
use sinks::{EdgeSink, LocationSink, NodeSink, RawSink, Sink, SinkError};
use stream::{SliceSource, Source, Stream};

use crate::meta::Meta;
use crate::snapshot::{HeapSnapshot, StringTable};

/// How to read.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Show a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
}

/// Reads a snapshot file: plain, gzip or zstd, told apart by its first bytes.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<HeapSnapshot, ReadError> {
    let md = std::fs::metadata(path).map_err(|e| ReadError::io(format!("cannot open: {e}")))?;
    if md.is_dir() {
        return Err(ReadError::io("is a directory, not a heap snapshot file"));
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::io(format!("cannot open: {e}")))?;
    let len = md.len();
    let progress = (opts.progress && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "reading {bar:40} {bytes}/{total_bytes} ({binary_bytes_per_sec}, eta {eta})",
            )
            .expect("static template"),
        );
        pb
    });
    let (kind, input) = compression::sniff(file)?;
    let result = if kind == Compression::None {
        read_threaded(input, len, progress.as_ref())
    } else {
        // The bar counts compressed bytes, the only size known in advance.
        let counted: Box<dyn std::io::Read + Send> = match &progress {
            Some(pb) => Box::new(pb.wrap_read(input)),
            None => Box::new(input),
        };
        read_threaded(compression::decoder(kind, counted)?, UNKNOWN_LEN, None)
    };
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    result
}

/// Reads a snapshot from a stream of unknown length, such as standard input: plain, gzip
/// or zstd, told apart by its first bytes.
pub fn read_input(input: impl std::io::Read + Send) -> Result<HeapSnapshot, ReadError> {
    let (kind, input) = compression::sniff(input)?;
    read_stream(compression::decoder(kind, input)?, UNKNOWN_LEN)
}

/// The size assumed for an input whose length is not known in advance (a pipe, a
/// compressed file): the header's counts pre-size the columns only up to what this many
/// bytes could hold, so a lying header cannot allocate; larger snapshots still read, their
/// columns growing as they fill.
const UNKNOWN_LEN: u64 = 1 << 30;

/// Reads a snapshot from a byte stream as it arrives (a socket, a pipe, the chunks of a
/// live capture), with the same chunked parser as [`read_path`]. `max_len` bounds the
/// allocations made from the header's counts, as a file's size does: pass the most bytes
/// the stream can carry, or `u64::MAX` when its source is trusted to state true counts.
pub fn read_stream(
    input: impl std::io::Read + Send,
    max_len: u64,
) -> Result<HeapSnapshot, ReadError> {
    read_threaded(input, max_len, None)
}

/// Runs the parser over `input` read by a second thread ([`stream::read_loop`]).
fn read_threaded(
    input: impl std::io::Read + Send,
    len: u64,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<HeapSnapshot, ReadError> {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        let (spare_tx, spare_rx) = std::sync::mpsc::channel();
        s.spawn(move || stream::read_loop(input, tx, spare_rx, progress));
        let src = stream::ThreadSource {
            rx,
            spare_tx,
            offset: 0,
            len,
            finished: false,
        };
        // The parser (and with it the receiving end) is dropped before the scope joins the
        // reading thread, which then stops at its next send.
        Parser::new(src).run()
    })
}

/// Reads a snapshot held in memory.
pub fn read_bytes(bytes: &[u8]) -> Result<HeapSnapshot, ReadError> {
    read_bytes_chunked(bytes, stream::CHUNK)
}

/// [`read_bytes`] with chunks of `chunk` bytes: lets tests put chunk boundaries anywhere.
#[doc(hidden)]
pub fn read_bytes_chunked(bytes: &[u8], chunk: usize) -> Result<HeapSnapshot, ReadError> {
    Parser::new(SliceSource::new(bytes, chunk)).run()
}

/// Number arrays shorter than this are scanned on one thread.
const PARALLEL_MIN: usize = 256 * 1024;

/// Share (in percent) of a parallel segment scanned by the calling thread, which also
/// appends both parts to the columns, decodes the strings and takes the page faults of the
/// growing columns, while the reading thread shares the other core with the helper. Tuned on
/// the 12 M-node benchmark file: at 20 % both cores carry about the same CPU time.
const SPLIT_PERCENT: usize = 20;

/// Bytes of `trace_tree` (one entry per distinct allocation stack) kept for decoding.
const MAX_TRACE_TREE: usize = 1 << 30;

/// Bytes of a number array without a `,` after which the input is rejected.
const MAX_CARRY: usize = stream::HEAD;

struct Parser<S: Source> {
    st: Stream<S>,
    total: u64,
    parallel: bool,
    meta: Option<Meta>,
    nodes: Option<NodeSink>,
    edges: Option<EdgeSink>,
    locations: Option<LocationSink>,
    raw_nodes: Option<RawSink>,
    raw_edges: Option<RawSink>,
    raw_locations: Option<RawSink>,
    trace_functions: Option<RawSink>,
    trace_tree: Option<Vec<u8>>,
    strings: Option<StringTable>,
    seen: Vec<String>,
    /// Scan outputs of the calling thread's two interleaved pieces of a segment, reused.
    outs: [Vec<u64>; 2],
    /// The scan helper thread, started at the first segment large enough to share.
    helper: Option<ScanHelper>,
}

/// Where a number array was left off by [`Parser::segment`].
enum Segment {
    Closed(usize),
    Open,
}

impl<S: Source> Parser<S> {
    fn new(src: S) -> Self {
        let total = src.total_len();
        Parser {
            st: Stream::new(src),
            total,
            parallel: std::thread::available_parallelism().map_or(1, |n| n.get()) > 1,
            meta: None,
            nodes: None,
            edges: None,
            locations: None,
            raw_nodes: None,
            raw_edges: None,
            raw_locations: None,
            trace_functions: None,
            trace_tree: None,
            strings: None,
            seen: Vec::new(),
            outs: Default::default(),
            helper: None,
        }
    }

    fn run(mut self) -> Result<HeapSnapshot, ReadError> {
        match self.st.peek_token()? {
            None => {
                return Err(ReadError::syntax(
                    "empty file: expected a heap snapshot (a JSON object)",
                    0,
                ))
            }
            Some(0xEF) => {
                // A UTF-8 byte order mark.
                for want in [0xEF, 0xBB, 0xBF] {
                    if self.st.next_byte()? != Some(want) {
                        return Err(ReadError::syntax(
                            "not a heap snapshot: the file does not start with '{'",
                            0,
                        ));
                    }
                }
            }
            Some(_) => {}
        }
        if self.st.peek_token()? != Some(b'{') {
            let b = self.st.peek_token()?;
            return Err(self
                .st
                .unexpected(b, "'{' (not a heap snapshot: it is not a JSON object)"));
        }
        self.st.pos += 1;
        let mut key = Vec::new();
        let mut first = true;
        loop {
            let b = self.st.peek_token()?;
            if first && b == Some(b'}') {
                self.st.pos += 1;
                break;
            }
            if b != Some(b'"') {
                return Err(self.st.unexpected(b, "a key of the snapshot object"));
            }
            self.st.pos += 1;
            let key_at = self.st.offset();
            key.clear();
            self.st.read_string(&mut key, "a key")?;
            let name = String::from_utf8_lossy(&key).into_owned();
            if self.seen.contains(&name) {
                return Err(ReadError::syntax(
                    format!("duplicate key \"{name}\""),
                    key_at,
                ));
            }
            self.st.expect(b':', &format!("after the key \"{name}\""))?;
            self.value(&name)?;
            self.seen.push(name);
            first = false;
            match self.st.peek_token()? {
                Some(b',') => self.st.pos += 1,
                Some(b'}') => {
                    self.st.pos += 1;
                    break;
                }
                other => {
                    return Err(self
                        .st
                        .unexpected(other, "',' or '}' in the snapshot object"))
                }
            }
        }
        if let Some(b) = self.st.peek_token()? {
            return Err(self
                .st
                .unexpected(Some(b), "the end of the file after the snapshot object"));
        }
        self.finish()
    }

    /// Records the header counts allow, bounded by what `total` bytes can hold.
    fn reserve(&self, stated: u64, width: usize) -> usize {
        let fit = self.total / (2 * width.max(1) as u64);
        stated.min(fit) as usize
    }

    fn value(&mut self, key: &str) -> Result<(), ReadError> {
        match key {
            "snapshot" => {
                self.st.peek_token()?;
                let at = self.st.offset();
                let text = self.st.capture_value("the snapshot header")?;
                let meta = header::parse_header(&text, at)?;
                self.meta = Some(meta);
            }
            "nodes" => {
                self.open_array(key)?;
                if let Some(meta) = &self.meta {
                    let mut sink =
                        NodeSink::new(meta, self.reserve(meta.node_count, meta.node_width()));
                    self.numbers(key, &mut sink)?;
                    self.nodes = Some(sink);
                } else {
                    let mut sink = RawSink::default();
                    self.numbers(key, &mut sink)?;
                    self.raw_nodes = Some(sink);
                }
            }
            "edges" => {
                self.open_array(key)?;
                if let Some(meta) = &self.meta {
                    let limit = self.nodes.as_ref().map(|n| n.nodes.kind.len() as u64);
                    let reserve = self.reserve(meta.edge_count, meta.edge_width());
                    let mut sink = EdgeSink::new(meta, limit, reserve);
                    self.numbers(key, &mut sink)?;
                    self.edges = Some(sink);
                } else {
                    let mut sink = RawSink::default();
                    self.numbers(key, &mut sink)?;
                    self.raw_edges = Some(sink);
                }
            }
            "locations"
                if self
                    .meta
                    .as_ref()
                    .is_some_and(|m| m.location_fields.is_empty()) =>
            {
                // A layout without `location_fields` cannot say what the numbers mean.
                self.st.skip_value("\"locations\"")?
            }
            "locations" => {
                self.open_array(key)?;
                if let Some(meta) = &self.meta {
                    let mut sink = LocationSink::new(meta);
                    self.numbers(key, &mut sink)?;
                    self.locations = Some(sink);
                } else {
                    let mut sink = RawSink::default();
                    self.numbers(key, &mut sink)?;
                    self.raw_locations = Some(sink);
                }
            }
            "trace_function_infos" => {
                self.open_array(key)?;
                let mut sink = RawSink::default();
                self.numbers(key, &mut sink)?;
                self.trace_functions = Some(sink);
            }
            "trace_tree" => {
                self.trace_tree = Some(
                    self.st
                        .capture_value_up_to("\"trace_tree\"", MAX_TRACE_TREE)?,
                );
            }
            "strings" => {
                self.open_array(key)?;
                self.strings = Some(self.read_strings()?);
            }
            other => self.st.skip_value(&format!("\"{other}\""))?,
        }
        Ok(())
    }

    fn open_array(&mut self, key: &str) -> Result<(), ReadError> {
        self.st
            .expect(b'[', &format!("(\"{key}\" must be an array)"))
    }

    fn read_strings(&mut self) -> Result<StringTable, ReadError> {
        let mut table = StringTable::new();
        let mut scratch = Vec::new();
        if self.st.peek_token()? == Some(b']') {
            self.st.pos += 1;
            return Ok(table);
        }
        loop {
            let i = table.len();
            let b = self.st.peek_token()?;
            if b != Some(b'"') {
                return Err(self
                    .st
                    .unexpected(b, "a string")
                    .prefixed(&format!("strings[{i}]")));
            }
            self.st.pos += 1;
            scratch.clear();
            self.st
                .read_string(&mut scratch, "string")
                .map_err(|e| e.prefixed(&format!("strings[{i}]")))?;
            if i as u64 >= u32::MAX as u64 {
                return Err(ReadError::new(
                    ReadErrorKind::TooLarge,
                    format!("strings: more than {} strings", u32::MAX),
                ));
            }
            table.push_bytes(&scratch);
            match self.st.peek_token()? {
                Some(b',') => self.st.pos += 1,
                Some(b']') => {
                    self.st.pos += 1;
                    return Ok(table);
                }
                other => {
                    return Err(self
                        .st
                        .unexpected(other, "',' or ']' after a string")
                        .prefixed(&format!("strings[{i}]")))
                }
            }
        }
    }

    /// Scans a number array (after its `[`) into `sink`, chunk by chunk.
    fn numbers(&mut self, name: &str, sink: &mut impl Sink) -> Result<(), ReadError> {
        loop {
            let (pos, end) = (self.st.pos, self.st.c.end);
            let region = &self.st.c.buf[pos..end];
            if let Some(c) = memchr::memrchr(b',', region) {
                if let Segment::Closed(q) = self.segment(name, sink, pos, pos + c + 1)? {
                    self.st.pos = q + 1;
                    return Ok(());
                }
                self.st.pos = pos + c + 1;
            }
            let keep = self.st.pos;
            if self.st.c.end - keep > MAX_CARRY {
                return Err(ReadError::syntax(
                    format!(
                        "{name}[{}]: no ',' or ']' in {} KB of a number array",
                        sink.position(),
                        MAX_CARRY >> 10
                    ),
                    self.st.offset(),
                ));
            }
            if !self.st.advance(keep)? {
                // The end of the input: what is left must close the array.
                let (pos, end) = (self.st.pos, self.st.c.end);
                // Where the data ended: a stream's length is known only now.
                let total = self.st.offset_of(end);
                let truncated = || {
                    ReadError::syntax(
                        format!("truncated file: the \"{name}\" array is not closed"),
                        total,
                    )
                };
                return match self.segment(name, sink, pos, end) {
                    Ok(Segment::Closed(q)) => {
                        self.st.pos = q + 1;
                        Ok(())
                    }
                    Ok(Segment::Open) => Err(truncated()),
                    Err(e) if e.offset() == Some(total) => Err(truncated()),
                    Err(e) => Err(e),
                };
            }
        }
    }

    /// Scans `buf[start..end]` of the current chunk (cut right after a `,` or at the end of
    /// the data) and commits the numbers. Large segments are shared with the scan helper
    /// ([`helper`]): this thread scans the first [`SPLIT_PERCENT`] % as two interleaved
    /// pieces and commits them, then commits the helper's pieces as they arrive.
    fn segment(
        &mut self,
        name: &str,
        sink: &mut impl Sink,
        start: usize,
        end: usize,
    ) -> Result<Segment, ReadError> {
        let allow_empty = sink.position() == 0;
        let split = if self.parallel && end - start >= PARALLEL_MIN {
            cut_after_comma(
                &self.st.c.buf,
                start + (end - start) * SPLIT_PERCENT / 100,
                end,
            )
        } else {
            None
        };
        // Taken out of `self` so the scan may borrow the chunk; put back at the end.
        let mut outs = std::mem::take(&mut self.outs);
        let r = match split {
            None => {
                let buf = std::mem::take(&mut self.st.c.buf);
                let r = self.scan_alone(name, sink, &buf, (start, end), allow_empty, &mut outs);
                self.st.c.buf = buf;
                r
            }
            Some(cut) => self.scan_shared(name, sink, (start, cut, end), allow_empty, &mut outs),
        };
        self.outs = outs;
        r
    }

    /// Scans and commits `buf[start..end]` on this thread alone.
    fn scan_alone(
        &self,
        name: &str,
        sink: &mut impl Sink,
        buf: &[u8],
        (start, end): (usize, usize),
        allow_empty: bool,
        [o0, o1]: &mut [Vec<u64>; 2],
    ) -> Result<Segment, ReadError> {
        o0.clear();
        o1.clear();
        let (m1, m2) = scan_range(buf, start, end, allow_empty, o0, o1);
        if let Some(done) = self.settle(name, sink, buf, &m1, o0)? {
            return Ok(done);
        }
        if let Some(m2) = m2 {
            if let Some(done) = self.settle(name, sink, buf, &m2, o1)? {
                return Ok(done);
            }
        }
        Ok(Segment::Open)
    }

    /// Scans `buf[start..cut]` here and `buf[cut..end]` on the helper, committing in file
    /// order. The chunk buffer is lent to the helper for the job and comes back when it
    /// reports [`Scanned::Done`], which this waits for even after an error or the `]`.
    fn scan_shared(
        &mut self,
        name: &str,
        sink: &mut impl Sink,
        (start, cut, end): (usize, usize, usize),
        allow_empty: bool,
        outs: &mut [Vec<u64>; 2],
    ) -> Result<Segment, ReadError> {
        let buf = Arc::new(std::mem::take(&mut self.st.c.buf));
        let helper = self.helper.get_or_insert_with(ScanHelper::spawn);
        if !helper.submit(Arc::clone(&buf), cut, end) {
            self.helper = None;
            let r = self.scan_alone(name, sink, &buf, (start, end), allow_empty, outs);
            self.st.c.buf = Arc::into_inner(buf).expect("the helper never saw the buffer");
            return r;
        }
        let mut outcome = self.scan_alone(name, sink, &buf, (start, cut), allow_empty, outs);
        let helper = self.helper.as_ref().expect("started above");
        let mut died = false;
        loop {
            match helper.next() {
                Some(Scanned::Piece(piece, out)) => {
                    if let Ok(Segment::Open) = outcome {
                        outcome = self
                            .settle(name, sink, &buf, &piece, &out)
                            .map(|done| done.unwrap_or(Segment::Open));
                    }
                    helper.recycle(out);
                }
                Some(Scanned::Done) => break,
                None => {
                    // The helper panicked: its reference died with it. Only the numbers
                    // it owed are missing, so a segment already settled stands.
                    died = true;
                    if let Ok(Segment::Open) = outcome {
                        outcome = Err(ReadError::syntax(
                            format!(
                                "{name}[{}]: internal error: scanner thread failed",
                                sink.position()
                            ),
                            self.st.offset_of(cut),
                        ));
                    }
                    break;
                }
            }
        }
        if died {
            self.helper = None;
        }
        self.st.c.buf = Arc::into_inner(buf).expect("the helper released the buffer");
        outcome
    }

    /// Appends one scanned piece of `buf` to the columns, then reports its scan result: an
    /// error, the closing bracket (`Some`), or `None` to go on. Numbers before a syntax error
    /// are appended first so that whichever problem comes first in the file is reported,
    /// however the file was cut into chunks and pieces.
    fn settle(
        &self,
        name: &str,
        sink: &mut impl Sink,
        buf: &[u8],
        piece: &Piece,
        out: &[u64],
    ) -> Result<Option<Segment>, ReadError> {
        let (start, end, result) = piece;
        let before = sink.position();
        sink.commit(out)
            .map_err(|e| self.sink_err(name, e, Some((buf, *start, *end, before))))?;
        match result {
            Err(e) => Err(ReadError::syntax(
                format!("{name}[{}]: {}", before + out.len() as u64, e.message),
                self.st.offset_of(e.pos),
            )),
            Ok(Some(q)) => Ok(Some(Segment::Closed(*q))),
            Ok(None) => Ok(None),
        }
    }

    /// Turns a sink's complaint into a `ReadError`, with the byte offset when the numbers
    /// came from `buf[start..end]` of the current chunk, starting at array position `base`.
    fn sink_err(
        &self,
        name: &str,
        e: SinkError,
        bytes: Option<(&[u8], usize, usize, u64)>,
    ) -> ReadError {
        let msg = format!("{name}[{}]: {}", e.index, e.message);
        match bytes {
            Some((buf, start, end, base)) if e.index >= base => {
                let p = scanner::nth_number_offset(buf, start, end, (e.index - base) as usize);
                ReadError::at(e.kind, msg, self.st.offset_of(p))
            }
            _ => ReadError::new(e.kind, msg),
        }
    }

    /// Cross-array checks, once everything is read.
    fn finish(mut self) -> Result<HeapSnapshot, ReadError> {
        let Some(meta) = self.meta.take() else {
            return Err(ReadError::invalid(
                "not a heap snapshot: the \"snapshot\" header with \"meta\" is missing",
            ));
        };
        // Arrays that came before the header.
        if let Some(raw) = self.raw_nodes.take() {
            let mut sink = NodeSink::new(&meta, raw.numbers.len() / meta.node_width());
            sink.commit(&raw.numbers)
                .map_err(|e| self.sink_err("nodes", e, None))?;
            self.nodes = Some(sink);
        }
        if let Some(raw) = self.raw_edges.take() {
            let limit = self.nodes.as_ref().map(|n| n.nodes.kind.len() as u64);
            let mut sink = EdgeSink::new(&meta, limit, raw.numbers.len() / meta.edge_width());
            sink.commit(&raw.numbers)
                .map_err(|e| self.sink_err("edges", e, None))?;
            self.edges = Some(sink);
        }
        if let Some(raw) = self.raw_locations.take() {
            let mut sink = LocationSink::new(&meta);
            sink.commit(&raw.numbers)
                .map_err(|e| self.sink_err("locations", e, None))?;
            self.locations = Some(sink);
        }
        let missing = |k: &str| {
            ReadError::invalid(format!("not a heap snapshot: the \"{k}\" array is missing"))
        };
        let nodes = self.nodes.take().ok_or_else(|| missing("nodes"))?;
        let edges = self.edges.take().ok_or_else(|| missing("edges"))?;
        let strings = self.strings.take().ok_or_else(|| missing("strings"))?;

        let nw = meta.node_width() as u64;
        let ew = meta.edge_width() as u64;
        if nodes.incomplete() {
            return Err(ReadError::invalid(format!(
                "nodes: {} numbers is not a multiple of the node width {nw} (the last node is incomplete)",
                nodes.position()
            )));
        }
        if edges.incomplete() {
            return Err(ReadError::invalid(format!(
                "edges: {} numbers is not a multiple of the edge width {ew} (the last edge is incomplete)",
                edges.position()
            )));
        }
        let n = nodes.nodes.kind.len() as u64;
        let m = edges.edges.kind.len() as u64;
        if n == 0 {
            return Err(ReadError::invalid(
                "nodes: the array is empty; a snapshot has at least the synthetic root",
            ));
        }
        if meta.node_count != n {
            return Err(ReadError::invalid(format!(
                "snapshot.node_count is {} but the nodes array holds {n} nodes",
                meta.node_count
            )));
        }
        if meta.edge_count != m {
            return Err(ReadError::invalid(format!(
                "snapshot.edge_count is {} but the edges array holds {m} edges",
                meta.edge_count
            )));
        }
        if nodes.edge_sum() != m {
            let fe = &nodes.nodes.first_edge;
            let msg = match fe.iter().position(|&x| x as u64 > m) {
                Some(k) => {
                    let node = k - 1;
                    format!(
                        "nodes[{}]: edge_count of node {node} (@{}) runs past the end of the edges array \
                         (the edge_count values sum to {} but there are {m} edges)",
                        node as u64 * nw + meta.node_field("edge_count").unwrap_or(0) as u64,
                        nodes.nodes.id[node],
                        nodes.edge_sum()
                    )
                }
                None => format!(
                    "nodes: the edge_count values sum to {} but the edges array holds {m} edges",
                    nodes.edge_sum()
                ),
            };
            return Err(ReadError::invalid(msg));
        }
        if edges.max_to >= n {
            let e = edges
                .edges
                .to
                .iter()
                .position(|&t| t as u64 >= n)
                .unwrap_or(0);
            return Err(ReadError::invalid(format!(
                "edges[{}]: to_node {} of edge {e} points past the last node (node {} of {n})",
                e as u64 * ew + meta.edge_field("to_node").unwrap_or(0) as u64,
                edges.edges.to[e] as u64 * nw,
                edges.edges.to[e]
            )));
        }
        let s = strings.len() as u64;
        if nodes.max_name >= s {
            let k = nodes
                .nodes
                .name
                .iter()
                .position(|&x| x as u64 >= s)
                .unwrap_or(0);
            return Err(ReadError::invalid(format!(
                "nodes[{}]: name {} of node {k} is not a string index (there are {s} strings)",
                k as u64 * nw + meta.node_field("name").unwrap_or(0) as u64,
                nodes.nodes.name[k]
            )));
        }
        if edges.max_name >= s {
            let k = (0..m as usize)
                .find(|&e| {
                    !meta.edge_kind(edges.edges.kind[e]).has_index_name()
                        && edges.edges.name_or_index[e] as u64 >= s
                })
                .unwrap_or(0);
            return Err(ReadError::invalid(format!(
                "edges[{}]: name_or_index {} of {} edge {k} is not a string index (there are {s} strings)",
                k as u64 * ew + meta.edge_field("name_or_index").unwrap_or(0) as u64,
                edges.edges.name_or_index[k],
                meta.edge_type_names[edges.edges.kind[k] as usize]
            )));
        }
        let locations = match self.locations.take() {
            None => Vec::new(),
            Some(l) => {
                if l.incomplete() {
                    return Err(ReadError::invalid(format!(
                        "locations: {} numbers is not a multiple of the location width {}",
                        l.position(),
                        meta.location_fields.len()
                    )));
                }
                if l.max_node >= n {
                    let k = l
                        .locations
                        .iter()
                        .position(|x| x.node as u64 >= n)
                        .unwrap_or(0);
                    return Err(ReadError::invalid(format!(
                        "locations[{}]: object_index {} of location {k} points past the last node",
                        k * meta.location_fields.len().max(1),
                        l.locations[k].node as u64 * nw
                    )));
                }
                l.locations
            }
        };
        let traces = traces::decode(
            &meta,
            self.trace_functions.take().map(|r| r.numbers),
            self.trace_tree.take(),
            strings.len(),
        )?;
        let mut snapshot =
            HeapSnapshot::from_parts(meta, nodes.into_nodes(), edges.edges, strings, locations);
        snapshot.traces = traces;
        Ok(snapshot)
    }
}
