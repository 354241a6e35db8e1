//! Where commands write, and the two promises every command keeps about it:
//!
//! - **Nothing the user had is harmed.** An output file is written to a temporary file in
//!   the same folder and renamed over its path only when complete ([`OutputFile::commit`]),
//!   so a failed or interrupted run leaves no truncated file and an existing file stays
//!   until the new one is whole. A path that resolves to one of the command's inputs — the
//!   same file, through a symlink or a hard link (same device and inode) — is refused, with
//!   or without `--force`. Without `--force` an existing file is never replaced.
//! - **`-o -` is standard output** ([`Output`]), as for every Unix tool; without `-o` the
//!   same.
//! - **A closed standard output ends the command quietly.** `heapsim summary X | head -1`
//!   must not panic: [`outln!`]/[`out!`] return the write error instead of panicking as
//!   `println!` does, and [`super::run`] turns a broken pipe into a quiet exit 0 (as `cat`
//!   and ripgrep behave when their reader goes away).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `println!` that returns the error (`?`) instead of panicking on a closed stdout.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        ::std::writeln!(::std::io::stdout().lock(), $($arg)*)?
    }};
}

/// `print!` that returns the error (`?`) instead of panicking on a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        ::std::write!(::std::io::stdout().lock(), $($arg)*)?
    }};
}

pub(crate) use {out, outln};

/// True when `e` (anywhere in its chain) is a write to a reader that went away.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Where a command's `-o OUT` goes: a file claimed at once ([`OutputFile`]), or standard
/// output for `-` or no `-o`.
pub enum Output {
    File(OutputFile),
    Stdout,
}

impl Output {
    /// Claims `path` as [`OutputFile::create`] does; `None` and `-` mean standard output.
    pub fn create(path: Option<&Path>, force: bool, inputs: &[&Path]) -> anyhow::Result<Self> {
        match path {
            Some(p) if !super::load::is_stdio(p) => {
                Ok(Output::File(OutputFile::create(p, force, inputs)?))
            }
            _ => Ok(Output::Stdout),
        }
    }

    /// The raw sink (buffer it).
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Output::File(f) => Box::new(f.file()),
            Output::Stdout => Box::new(io::stdout().lock()),
        }
    }

    /// Makes a file output appear at its path ([`OutputFile::commit`]).
    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::File(f) => f.commit(),
            Output::Stdout => Ok(()),
        }
    }
}

/// An output file under construction: a temporary file beside `path` that becomes `path`
/// on [`commit`](Self::commit) and is deleted if dropped first.
pub struct OutputFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    force: bool,
}

impl OutputFile {
    /// Claims `path` for writing, after checking that it is none of `inputs` and, unless
    /// `force`, that it does not exist yet. Called before the command's real work, so a
    /// wrong path fails at once.
    pub fn create(path: &Path, force: bool, inputs: &[&Path]) -> anyhow::Result<Self> {
        refuse_inputs(path, inputs)?;
        if !force && path.symlink_metadata().is_ok() {
            return Err(already_exists(path));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let prefix = format!(
            ".{}.",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".partial")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", path.display()))?;
        Ok(OutputFile {
            tmp,
            path: path.to_path_buf(),
            force,
        })
    }

    /// The file to write into (buffer it: this is the raw file).
    pub fn file(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// Makes the finished file appear at its path, flushed to disk first so that a crash
    /// cannot leave a renamed but empty file.
    pub fn commit(self) -> anyhow::Result<()> {
        let path = self.path;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
        let result = if self.force {
            self.tmp.persist(&path)
        } else {
            // Another process may have created it meanwhile: still never replace it.
            self.tmp.persist_noclobber(&path)
        };
        result.map(drop).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                already_exists(&path)
            } else {
                anyhow::anyhow!("{}: cannot create: {}", path.display(), e.error)
            }
        })
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

fn already_exists(path: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: already exists (use --force to overwrite)",
        path.display()
    )
}

/// Refuses an output that is the same file as an input: compared by device and inode,
/// which sees through symlinks, hard links and `./a` vs `a`.
fn refuse_inputs(path: &Path, inputs: &[&Path]) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(out) = std::fs::metadata(path) else {
        return Ok(()); // not there yet: cannot be an input
    };
    for input in inputs {
        if let Ok(inp) = std::fs::metadata(input) {
            if (inp.dev(), inp.ino()) == (out.dev(), out.ino()) {
                anyhow::bail!(
                    "{}: is the input {} (refusing to write over it, even with --force)",
                    path.display(),
                    input.display()
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit_and_a_drop_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        let mut f = OutputFile::create(&p, false, &[]).unwrap();
        f.write_all(b"half").unwrap();
        assert!(!p.exists(), "visible before complete");
        drop(f);
        assert!(!p.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp left"
        );
        let mut f = OutputFile::create(&p, false, &[]).unwrap();
        f.write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
    }

    #[test]
    fn existing_files_need_force_and_inputs_are_refused_even_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.heapsnapshot");
        std::fs::write(&input, "data").unwrap();
        let err = OutputFile::create(&input, false, &[]).err().unwrap();
        assert!(err.to_string().contains("already exists"), "{err}");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard");
        std::fs::hard_link(&input, &hard).unwrap();
        for out in [&input, &link, &hard] {
            let err = OutputFile::create(out, true, &[&input]).err().unwrap();
            assert!(err.to_string().contains("is the input"), "{err}");
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"data");
        let other = dir.path().join("other");
        std::fs::write(&other, "old").unwrap();
        let mut f = OutputFile::create(&other, true, &[&input]).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"new");
    }

    #[test]
    fn broken_pipe_is_found_through_context() {
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe)).context("x");
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
