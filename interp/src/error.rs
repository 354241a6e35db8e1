//! What ends a run early, and how it is reported.
//!
//! Script errors are reported as Node reports them, with the position first:
//!
//! ```text
//! home.js:12:5
//!     client.onn('error', onError);
//!            ^
//! TypeError: client.onn is not a function
//! ```
//!
//! Syntax errors, unsupported features, uncaught exceptions and an exhausted
//! `--max-steps` budget exit with status 2; running out of simulated heap prints V8's
//! fatal line (`FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of
//! memory`, from `V8::FatalProcessOutOfMemory`) and exits with 134, the status of Node's
//! abort.

use crate::ir::Pos;
use crate::source::Sources;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    Unsupported,
    Uncaught,
    StepLimit,
    OutOfMemory,
    Harness,
}

/// A run's fatal error, already rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub kind: ErrorKind,
    pub text: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for ScriptError {}

impl ScriptError {
    /// An error at a position: location line, source line with caret, then the message.
    pub fn at(kind: ErrorKind, sources: &Sources, pos: Pos, message: &str) -> ScriptError {
        ScriptError {
            kind,
            text: format!(
                "{}\n{}\n{}",
                sources.location(pos),
                sources.caret(pos),
                message
            ),
        }
    }

    pub fn out_of_memory(detail: &str) -> ScriptError {
        ScriptError {
            kind: ErrorKind::OutOfMemory,
            text: format!(
                "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory ({detail})"
            ),
        }
    }

    pub fn harness(message: String) -> ScriptError {
        ScriptError {
            kind: ErrorKind::Harness,
            text: message,
        }
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::OutOfMemory => 134,
            _ => 2,
        }
    }
}
