//! Loading a snapshot for any subcommand: the reader with a progress bar when stderr is a
//! terminal, and the file name in front of any error (`FILE: edges[12]: ... (byte 345)`).

use std::io::IsTerminal;
use std::path::Path;

use analyzer::reader::{read_path, ReadOptions};
use analyzer::snapshot::HeapSnapshot;

/// Reads `path`; errors are one line naming the file, what and where (exit code 2 upstream).
pub fn load(path: &Path) -> anyhow::Result<HeapSnapshot> {
    let opts = ReadOptions {
        progress: std::io::stderr().is_terminal(),
    };
    read_path(path, &opts).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
