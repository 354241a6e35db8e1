//! The reader's error: one line saying what went wrong and where.
//!
//! "Where" is a byte offset into the file whenever the reader still has the bytes at hand,
//! and otherwise the array and position (`edges[123456]`), for checks that can only run once
//! the whole file has been read (a string index is checked after `strings`, which V8 writes
//! last).

use std::fmt;

/// What kind of problem the reader met; the message says the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The file could not be opened or read (missing, a directory, no permission, I/O error).
    Io,
    /// The bytes are not the JSON a snapshot is written in (syntax, truncation, bad UTF-8).
    Syntax,
    /// Well-formed JSON whose content contradicts `snapshot.meta` or itself.
    Invalid,
    /// Larger than the in-memory form can index (more than 2^32 − 1 nodes or edges).
    TooLarge,
}

/// A failed read. `Display` is a single line, e.g.
/// `edges[123458]: to_node 700 of edge 41152 is not a multiple of the node width 7 (byte 9812345)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    kind: ReadErrorKind,
    message: String,
    offset: Option<u64>,
}

impl ReadError {
    pub(crate) fn new(kind: ReadErrorKind, message: impl Into<String>) -> ReadError {
        ReadError {
            kind,
            message: message.into(),
            offset: None,
        }
    }

    pub(crate) fn at(kind: ReadErrorKind, message: impl Into<String>, offset: u64) -> ReadError {
        ReadError {
            kind,
            message: message.into(),
            offset: Some(offset),
        }
    }

    pub(crate) fn syntax(message: impl Into<String>, offset: u64) -> ReadError {
        ReadError::at(ReadErrorKind::Syntax, message, offset)
    }

    pub(crate) fn invalid(message: impl Into<String>) -> ReadError {
        ReadError::new(ReadErrorKind::Invalid, message)
    }

    pub(crate) fn io(message: impl Into<String>) -> ReadError {
        ReadError::new(ReadErrorKind::Io, message)
    }

    /// Puts `prefix: ` in front of the message (the array position, typically).
    pub(crate) fn prefixed(mut self, prefix: &str) -> ReadError {
        self.message = format!("{prefix}: {}", self.message);
        self
    }

    pub fn kind(&self) -> ReadErrorKind {
        self.kind
    }

    /// The byte offset in the file the error points at, when known.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// The message without the byte offset.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages are built from file content: never let a newline split the line.
        let msg = self.message.replace(['\n', '\r'], " ");
        match self.offset {
            Some(o) => write!(f, "{msg} (byte {o})"),
            None => f.write_str(&msg),
        }
    }
}

impl std::error::Error for ReadError {}
