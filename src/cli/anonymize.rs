//! `heapsim anonymize`: a shareable copy of a snapshot, its string contents replaced
//! (see `analyzer::anonymize`).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use analyzer::anonymize::{write_anonymized, Options};
use analyzer::units::thousands;

use super::output::Output;

/// Write a copy of a snapshot with its string contents (and, with --names, its class and
/// property names) replaced; the graph, sizes and ids stay.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim anonymize prod.heapsnapshot -o shared.heapsnapshot
  heapsim anonymize prod.heapsnapshot.gz --names -o - | gzip > shared.heapsnapshot.gz

Every string value on the heap becomes lowercase letters of the same length, the same
text always the same letters (so duplicate strings stay duplicates). Class, function and
property names are kept, so retainer paths stay readable, unless --names. Dominators,
retained sizes and distances are those of the input, in DevTools as in heapsim. Not
written: allocation traces and samples. The layout is the input's (Node 20, 22 or 24).")]
pub struct Args {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// The anonymized snapshot (`-`: standard output); never the input itself.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// Also replace class, function and property names (and captured variable names).
    #[arg(long)]
    pub names: bool,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let mut output = Output::create(Some(&args.output), args.force, &[&args.file])?;
    let snapshot = super::load::load(&args.file)?;
    let mut w = BufWriter::with_capacity(1 << 20, output.writer());
    let counts = write_anonymized(&snapshot, &mut w, Options { names: args.names })
        .and_then(|c| w.flush().map(|()| c))
        .map_err(|e| anyhow::Error::from(e).context(format!("{}", args.output.display())))?;
    drop(w);
    output.commit()?;
    // On stderr: stdout may be the snapshot itself.
    eprintln!(
        "{}: {} string values and {} names replaced",
        args.output.display(),
        thousands(counts.values),
        thousands(counts.names)
    );
    Ok(0)
}
