//! Where a snapshot goes: streamed into `FILE.partial` and renamed to `FILE` only when the
//! last chunk is in, so a file named `FILE` is always a complete snapshot. An existing
//! `FILE` is never replaced without `force`. A capture that fails (or is dropped) removes
//! its `.partial` file unless asked to keep it for a look.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Buffer between the protocol's small chunks and the file.
const BUFFER: usize = 1 << 20;

/// `FILE.partial` for `FILE`.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".partial");
    PathBuf::from(name)
}

/// Fails when `path` exists and `force` is not given.
pub fn check_free(path: &Path, force: bool) -> Result<()> {
    if !force && path.exists() {
        return Err(Error::Output(format!(
            "{}: already exists (use --force to overwrite)",
            path.display()
        )));
    }
    Ok(())
}

/// A snapshot being written.
pub struct ChunkSink {
    path: PathBuf,
    partial: PathBuf,
    file: Option<BufWriter<File>>,
    force: bool,
    keep_partial: bool,
    /// Bytes written so far.
    pub bytes: u64,
}

impl ChunkSink {
    /// Opens `FILE.partial`, refusing an existing `FILE` (or a leftover `FILE.partial`)
    /// unless `force`.
    pub fn create(path: &Path, force: bool, keep_partial: bool) -> Result<ChunkSink> {
        check_free(path, force)?;
        let partial = partial_path(path);
        let mut opts = OpenOptions::new();
        opts.write(true);
        if force {
            opts.create(true).truncate(true);
        } else {
            opts.create_new(true);
        }
        let file = opts.open(&partial).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
                "already exists (left by an earlier capture? use --force to overwrite)".to_string()
            } else {
                format!("cannot create: {e}")
            };
            Error::Output(format!("{}: {why}", partial.display()))
        })?;
        Ok(ChunkSink {
            path: path.to_path_buf(),
            partial,
            file: Some(BufWriter::with_capacity(BUFFER, file)),
            force,
            keep_partial,
            bytes: 0,
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let file = self.file.as_mut().expect("written after finish");
        file.write_all(bytes)
            .map_err(|e| Error::Output(format!("{}: write failed: {e}", self.partial.display())))?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Flushes and renames `FILE.partial` to `FILE`.
    pub fn finish(mut self) -> Result<PathBuf> {
        let file = self.file.take().expect("finished twice");
        let fail = |e: std::io::Error| Error::Output(format!("{}: {e}", self.partial.display()));
        file.into_inner()
            .map_err(|e| fail(e.into_error()))?
            .sync_all()
            .map_err(fail)?;
        // FILE may have appeared while the snapshot streamed in.
        check_free(&self.path, self.force)?;
        std::fs::rename(&self.partial, &self.path).map_err(fail)?;
        Ok(self.path.clone())
    }

    /// Where the partial file is.
    pub fn partial(&self) -> &Path {
        &self.partial
    }
}

impl Drop for ChunkSink {
    fn drop(&mut self) {
        // Still open: the capture did not complete.
        if self.file.take().is_some() && !self.keep_partial {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Moves a complete snapshot written by someone else (Node's `--heapsnapshot-signal`) to
/// `to`: a rename, or a copy through `to.partial` across file systems.
pub fn move_into(from: &Path, to: &Path, force: bool) -> Result<()> {
    check_free(to, force)?;
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    let partial = partial_path(to);
    let copied = std::fs::copy(from, &partial).and_then(|_| std::fs::rename(&partial, to));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(Error::Output(format!(
            "cannot move {} to {}: {e}",
            from.display(),
            to.display()
        )));
    }
    std::fs::remove_file(from).map_err(|e| {
        Error::Output(format!(
            "{}: copied, but cannot remove: {e}",
            from.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.heapsnapshot");
        let mut sink = ChunkSink::create(&path, false, false).unwrap();
        sink.write(b"{\"snapshot\":").unwrap();
        assert!(!path.exists() && partial_path(&path).exists());
        sink.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"snapshot\":");
        assert!(!partial_path(&path).exists());
    }

    #[test]
    fn a_failed_capture_leaves_no_partial_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.heapsnapshot");
        drop(ChunkSink::create(&path, false, false).unwrap());
        assert!(!partial_path(&path).exists());
        drop(ChunkSink::create(&path, false, true).unwrap());
        assert!(partial_path(&path).exists() && !path.exists());
    }

    #[test]
    fn existing_files_need_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.heapsnapshot");
        std::fs::write(&path, b"mine").unwrap();
        let e = ChunkSink::create(&path, false, false)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.ends_with("already exists (use --force to overwrite)"),
            "{e}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"mine");
        let mut sink = ChunkSink::create(&path, true, false).unwrap();
        sink.write(b"new").unwrap();
        sink.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
