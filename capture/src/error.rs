//! The one error type of live capture: a single line saying what failed and where, for
//! `heapsim: error: …` and exit status 2.

/// A failed capture step.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// TARGET could not be understood, or is not allowed (a remote host).
    #[error("{0}")]
    Target(String),
    /// The process is missing, is not Node, or cannot take the signal.
    #[error("{0}")]
    Process(String),
    /// No inspector where one was expected (refused, busy or foreign port).
    #[error("{0}")]
    Inspector(String),
    /// The inspector connection failed or dropped.
    #[error("{0}")]
    Connection(String),
    /// Writing or moving the snapshot file failed.
    #[error("{0}")]
    Output(String),
    /// The analyzer's reader rejected the streamed snapshot.
    #[error("{0}")]
    Read(String),
}

pub type Result<T> = std::result::Result<T, Error>;
