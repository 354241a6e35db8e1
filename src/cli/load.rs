//! Loading a snapshot for any subcommand: the reader with a progress bar when stderr is a
//! terminal, `-` for standard input, gzip and zstd files decoded as they are read, and the
//! file name in front of any error (`FILE: edges[12]: ... (byte 345)`).

use std::io::IsTerminal;
use std::path::Path;

use analyzer::reader::{read_input, read_path, ReadOptions};
use analyzer::snapshot::HeapSnapshot;

/// The FILE argument that stands for standard input (and, for `-o`, standard output).
pub const STDIO: &str = "-";

/// True when `path` is [`STDIO`].
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == STDIO
}

/// Reads `path` (`-`: standard input); errors are one line naming the file, what and where
/// (exit code 2 upstream).
pub fn load(path: &Path) -> anyhow::Result<HeapSnapshot> {
    if is_stdio(path) {
        return read_input(std::io::stdin()).map_err(|e| anyhow::anyhow!("<stdin>: {e}"));
    }
    let opts = ReadOptions {
        progress: std::io::stderr().is_terminal(),
    };
    read_path(path, &opts).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
