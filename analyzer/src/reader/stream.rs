//! Chunked input: the file arrives as a sequence of large buffers, never as one mapping.
//!
//! A memory map of a 900 MB snapshot would count toward the process's resident set as its
//! pages are touched; large `read`s into a few recycled 8 MB buffers keep the reader's own
//! footprint at tens of megabytes beside the columns it fills. For files, a dedicated thread
//! does the `read` calls (and the progress bar) so the kernel's copy overlaps with parsing.
//!
//! Every buffer has a free gap in front ([`HEAD`]) and zero padding behind ([`PAD`]): when
//! a token is cut by the chunk boundary, its first part is copied into the next buffer's
//! gap so the scanner sees it whole, and the padding lets the integer scanner load eight
//! bytes at a time without a bounds branch.

use std::io::Read;
use std::sync::mpsc::{Receiver, Sender};

use super::error::{ReadError, ReadErrorKind};
use super::scanner::{describe, hex_digit, simple_escape, Utf16Decoder};

/// Room in front of each chunk for the cut-off tail of the previous one.
pub(crate) const HEAD: usize = 64 * 1024;
/// Zero bytes after the data.
pub(crate) const PAD: usize = 16;
/// Bytes per `read` for files.
pub(crate) const CHUNK: usize = 8 << 20;

/// One buffer of input. `buf[start..end]` is file data starting at file offset `offset`.
pub(crate) struct Chunk {
    pub buf: Vec<u8>,
    pub start: usize,
    pub end: usize,
    pub offset: u64,
}

impl Chunk {
    fn empty() -> Chunk {
        Chunk {
            buf: vec![0; HEAD + PAD],
            start: HEAD,
            end: HEAD,
            offset: 0,
        }
    }
}

/// Where chunks come from.
pub(crate) trait Source {
    /// The next non-empty chunk, `None` at the end.
    fn next(&mut self) -> Result<Option<Chunk>, ReadError>;
    /// Hands a used buffer back for reuse.
    fn recycle(&mut self, buf: Vec<u8>);
    /// Total input size in bytes (bounds every allocation made from header counts).
    fn total_len(&self) -> u64;
}

/// Chunks cut from bytes already in memory (tests, embedding); `chunk` may be tiny to
/// exercise every boundary.
pub(crate) struct SliceSource<'a> {
    data: &'a [u8],
    pos: usize,
    chunk: usize,
    spare: Vec<Vec<u8>>,
}

impl<'a> SliceSource<'a> {
    pub fn new(data: &'a [u8], chunk: usize) -> Self {
        SliceSource {
            data,
            pos: 0,
            chunk: chunk.max(1),
            spare: Vec::new(),
        }
    }
}

impl Source for SliceSource<'_> {
    fn next(&mut self) -> Result<Option<Chunk>, ReadError> {
        if self.pos >= self.data.len() {
            return Ok(None);
        }
        let n = self.chunk.min(self.data.len() - self.pos);
        // A reused buffer keeps its old bytes in the head gap: only data and padding count.
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.resize(HEAD + n + PAD, 0);
        buf[HEAD..HEAD + n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        buf[HEAD + n..].fill(0);
        let c = Chunk {
            buf,
            start: HEAD,
            end: HEAD + n,
            offset: self.pos as u64,
        };
        self.pos += n;
        Ok(Some(c))
    }

    fn recycle(&mut self, buf: Vec<u8>) {
        if self.spare.len() < 2 {
            self.spare.push(buf);
        }
    }

    fn total_len(&self) -> u64 {
        self.data.len() as u64
    }
}

/// A filled buffer from the reading thread: the buffer and how many bytes it holds.
pub(crate) type Filled = std::io::Result<(Vec<u8>, usize)>;

/// The consuming end of a reading thread (see [`read_loop`]).
pub(crate) struct ThreadSource {
    pub rx: Receiver<Filled>,
    pub spare_tx: Sender<Vec<u8>>,
    pub offset: u64,
    pub len: u64,
    pub finished: bool,
}

impl Source for ThreadSource {
    fn next(&mut self) -> Result<Option<Chunk>, ReadError> {
        if self.finished {
            return Ok(None);
        }
        match self.rx.recv() {
            Ok(Ok((buf, n))) if n > 0 => {
                let c = Chunk {
                    buf,
                    start: HEAD,
                    end: HEAD + n,
                    offset: self.offset,
                };
                self.offset += n as u64;
                Ok(Some(c))
            }
            Ok(Ok(_)) => {
                self.finished = true;
                Ok(None)
            }
            Ok(Err(e)) => Err(ReadError::at(
                ReadErrorKind::Io,
                format!("read failed: {e}"),
                self.offset,
            )),
            Err(_) => Err(ReadError::io("the reading thread stopped unexpectedly")),
        }
    }

    fn recycle(&mut self, buf: Vec<u8>) {
        let _ = self.spare_tx.send(buf);
    }

    fn total_len(&self) -> u64 {
        self.len
    }
}

/// The reading thread: fills buffers with `CHUNK` bytes each until the end of the file (a
/// zero-length buffer marks it), reusing buffers the parser hands back. Stops early when
/// the parser hangs up.
pub(crate) fn read_loop(
    mut file: impl Read,
    tx: std::sync::mpsc::SyncSender<Filled>,
    spare_rx: Receiver<Vec<u8>>,
    progress: Option<&indicatif::ProgressBar>,
) {
    loop {
        let mut buf = spare_rx.try_recv().unwrap_or_default();
        // Buffers come back in other sizes too (the parser's first, empty one; carries).
        buf.resize(HEAD + CHUNK + PAD, 0);
        let mut n = 0;
        let result = loop {
            match file.read(&mut buf[HEAD + n..HEAD + CHUNK]) {
                Ok(0) => break Ok(()),
                Ok(k) => {
                    n += k;
                    if n == CHUNK {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        if let Err(e) = result {
            let _ = tx.send(Err(e));
            return;
        }
        buf[HEAD + n..HEAD + n + PAD].fill(0);
        if let Some(pb) = progress {
            pb.inc(n as u64);
        }
        if tx.send(Ok((buf, n))).is_err() || n == 0 {
            return;
        }
    }
}

/// A cursor over the chunk sequence.
pub(crate) struct Stream<S: Source> {
    pub src: S,
    pub c: Chunk,
    pub pos: usize,
    /// Scratch for [`Stream::read_string`], kept to avoid an allocation per string.
    runs: Vec<(usize, u64)>,
}

/// Longest value [`Stream::capture_value`] copies (the `snapshot` header is about 1 KB).
const MAX_CAPTURE: usize = 16 << 20;

impl<S: Source> Stream<S> {
    pub fn new(src: S) -> Self {
        let c = Chunk::empty();
        let pos = c.start;
        Stream {
            src,
            c,
            pos,
            runs: Vec::new(),
        }
    }

    /// File offset of buffer position `p`.
    #[inline]
    pub fn offset_of(&self, p: usize) -> u64 {
        self.c.offset + p as u64 - self.c.start as u64
    }

    #[inline]
    pub fn offset(&self) -> u64 {
        self.offset_of(self.pos)
    }

    /// Moves to the next chunk, carrying `buf[keep..end]` in front of it. `false` at the end
    /// of the input (the current chunk stays).
    pub fn advance(&mut self, keep: usize) -> Result<bool, ReadError> {
        let Some(mut next) = self.src.next()? else {
            return Ok(false);
        };
        let k = self.c.end - keep;
        if k > 0 {
            if k <= next.start {
                next.buf[next.start - k..next.start].copy_from_slice(&self.c.buf[keep..self.c.end]);
                next.start -= k;
            } else {
                let n = next.end - next.start;
                let mut buf = vec![0; HEAD + k + n + PAD];
                buf[HEAD..HEAD + k].copy_from_slice(&self.c.buf[keep..self.c.end]);
                buf[HEAD + k..HEAD + k + n].copy_from_slice(&next.buf[next.start..next.end]);
                self.src.recycle(std::mem::take(&mut next.buf));
                next = Chunk {
                    buf,
                    start: HEAD,
                    end: HEAD + k + n,
                    offset: next.offset,
                };
            }
            next.offset -= k as u64;
        }
        let old = std::mem::replace(&mut self.c, next);
        self.src.recycle(old.buf);
        self.pos = self.c.start;
        Ok(true)
    }

    #[inline]
    pub fn peek(&mut self) -> Result<Option<u8>, ReadError> {
        while self.pos >= self.c.end {
            if !self.advance(self.c.end)? {
                return Ok(None);
            }
        }
        Ok(Some(self.c.buf[self.pos]))
    }

    /// The next byte, consumed.
    #[inline]
    pub fn next_byte(&mut self) -> Result<Option<u8>, ReadError> {
        let b = self.peek()?;
        if b.is_some() {
            self.pos += 1;
        }
        Ok(b)
    }

    /// Skips whitespace and returns the next byte without consuming it.
    pub fn peek_token(&mut self) -> Result<Option<u8>, ReadError> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    /// Consumes `want` after optional whitespace, or fails naming `context`.
    pub fn expect(&mut self, want: u8, context: &str) -> Result<(), ReadError> {
        match self.peek_token()? {
            Some(b) if b == want => {
                self.pos += 1;
                Ok(())
            }
            other => Err(self.unexpected(other, &format!("'{}' {context}", want as char))),
        }
    }

    /// "expected X, found Y" at the current offset; the end of the input is a truncation.
    pub fn unexpected(&self, found: Option<u8>, expected: &str) -> ReadError {
        match found {
            None => ReadError::syntax(
                format!("truncated file: expected {expected}, found the end of the file"),
                self.offset(),
            ),
            Some(b) => ReadError::syntax(
                format!("expected {expected}, found {}", describe(Some(b))),
                self.offset(),
            ),
        }
    }

    /// Reads a JSON string (the opening quote already consumed), appending its decoded
    /// UTF-8 to `out`. Raw bytes must be UTF-8; the error names the offending byte.
    pub fn read_string(&mut self, out: &mut Vec<u8>, what: &str) -> Result<(), ReadError> {
        let base = out.len();
        let begin = self.offset();
        // (position in `out`, file offset) of each raw run, to place a UTF-8 error exactly.
        let mut runs = std::mem::take(&mut self.runs);
        runs.clear();
        let mut utf16 = Utf16Decoder::default();
        loop {
            let region = &self.c.buf[self.pos..self.c.end];
            let hit = memchr::memchr2(b'"', b'\\', region);
            let n = hit.unwrap_or(region.len());
            if n > 0 {
                utf16.flush(out);
                runs.push((out.len(), self.offset()));
                out.extend_from_slice(&region[..n]);
                self.pos += n;
            }
            if hit.is_none() {
                if !self.advance(self.c.end)? {
                    return Err(ReadError::syntax(
                        format!("truncated file: {what} starting here is not closed"),
                        begin.saturating_sub(1),
                    ));
                }
                continue;
            }
            let quote = self.c.buf[self.pos] == b'"';
            self.pos += 1;
            if quote {
                utf16.flush(out);
                break;
            }
            let esc_at = self.offset() - 1;
            let Some(e) = self.next_byte()? else {
                return Err(self.unexpected(None, "an escape character"));
            };
            if e == b'u' {
                let mut cu: u16 = 0;
                for _ in 0..4 {
                    let h = self.next_byte()?;
                    match h.and_then(hex_digit) {
                        Some(d) => cu = cu << 4 | d,
                        None if h.is_none() => {
                            return Err(self.unexpected(None, "four hex digits after \\u"))
                        }
                        None => {
                            return Err(ReadError::syntax(
                                format!("invalid \\u escape in {what}"),
                                esc_at,
                            ))
                        }
                    }
                }
                utf16.push(cu, out);
            } else if let Some(b) = simple_escape(e) {
                utf16.flush(out);
                out.push(b);
            } else {
                return Err(ReadError::syntax(
                    format!(
                        "invalid escape '\\{}' in {what}",
                        describe(Some(e)).trim_matches('\'')
                    ),
                    esc_at,
                ));
            }
        }
        let result = match std::str::from_utf8(&out[base..]) {
            Ok(_) => Ok(()),
            Err(e) => {
                let bad = base + e.valid_up_to();
                let run = runs
                    .iter()
                    .rev()
                    .find(|r| r.0 <= bad)
                    .copied()
                    .unwrap_or((base, begin));
                Err(ReadError::syntax(
                    format!("invalid UTF-8 in {what}"),
                    run.1 + (bad - run.0) as u64,
                ))
            }
        };
        self.runs = runs;
        result
    }

    /// Skips one JSON value of any shape (sections heapsim does not use), without recursion.
    /// Strings and bracket nesting are checked; scalars are taken as runs of their bytes.
    pub fn skip_value(&mut self, what: &str) -> Result<(), ReadError> {
        self.walk_value(what, None, 0)
    }

    /// Copies one JSON value's bytes (for the small `snapshot` header handed to serde_json).
    pub fn capture_value(&mut self, what: &str) -> Result<Vec<u8>, ReadError> {
        self.capture_value_up_to(what, MAX_CAPTURE)
    }

    /// [`Self::capture_value`] for values allowed up to `max` bytes.
    pub fn capture_value_up_to(&mut self, what: &str, max: usize) -> Result<Vec<u8>, ReadError> {
        let mut v = Vec::new();
        self.walk_value(what, Some(&mut v), max)?;
        Ok(v)
    }

    fn walk_value(
        &mut self,
        what: &str,
        mut copy: Option<&mut Vec<u8>>,
        max: usize,
    ) -> Result<(), ReadError> {
        let mut stack: Vec<u8> = Vec::new();
        let mut scratch = Vec::new();
        loop {
            let Some(b) = self.peek_token()? else {
                return Err(self.unexpected(None, &format!("the rest of {what}")));
            };
            if let Some(v) = copy.as_deref_mut() {
                if v.len() > max {
                    return Err(ReadError::syntax(
                        format!("{what} is larger than {} MB", max >> 20),
                        self.offset(),
                    ));
                }
            }
            match b {
                b'{' | b'[' => {
                    stack.push(if b == b'{' { b'}' } else { b']' });
                    self.pos += 1;
                    if let Some(v) = copy.as_deref_mut() {
                        v.push(b);
                    }
                    continue;
                }
                b'}' | b']' => {
                    if stack.pop() != Some(b) {
                        return Err(self.unexpected(Some(b), &format!("a value in {what}")));
                    }
                    self.pos += 1;
                    if let Some(v) = copy.as_deref_mut() {
                        v.push(b);
                    }
                }
                b',' | b':' if !stack.is_empty() => {
                    self.pos += 1;
                    if let Some(v) = copy.as_deref_mut() {
                        v.push(b);
                    }
                    continue;
                }
                b'"' => {
                    self.pos += 1;
                    scratch.clear();
                    self.read_string(&mut scratch, &format!("a string in {what}"))?;
                    if let Some(v) = copy.as_deref_mut() {
                        // Re-escape through serde_json so the copy stays valid JSON.
                        let s = std::str::from_utf8(&scratch).unwrap_or_default();
                        v.extend_from_slice(
                            serde_json::to_string(s).unwrap_or_default().as_bytes(),
                        );
                    }
                }
                b if b.is_ascii_alphanumeric() || b == b'-' || b == b'+' || b == b'.' => {
                    while let Some(b) = self.peek()? {
                        if !(b.is_ascii_alphanumeric() || b == b'-' || b == b'+' || b == b'.') {
                            break;
                        }
                        self.pos += 1;
                        if let Some(v) = copy.as_deref_mut() {
                            v.push(b);
                        }
                    }
                }
                other => {
                    return Err(self.unexpected(Some(other), &format!("a value in {what}")));
                }
            }
            if stack.is_empty() {
                return Ok(());
            }
        }
    }
}
