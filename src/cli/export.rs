//! `heapsim export`: one row per node with DevTools' numbers, as CSV or JSON lines.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::devtools::names::display_name;
use clap::{Args, ValueEnum};

use super::common::analyse;
use super::output::Output;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim export app.heapsnapshot > nodes.csv
  heapsim export app.heapsnapshot --to jsonl -o nodes.jsonl
  heapsim export app.heapsnapshot -o nodes.csv --force
  zcat app.heapsnapshot.gz | heapsim export - --to jsonl -o -

Columns: id,type,name,self_size,retained_size,distance,dominator_id. Sizes in bytes as
DevTools computes them; distance -5 means unreachable, 100000000 and above system-only.
CSV follows RFC 4180 (CRLF line ends, fields with , \" CR or LF quoted).")]
pub struct ExportArgs {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Row format (`--format` is an old spelling, still accepted).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Csv, alias = "format")]
    pub to: Format,
    /// Write to this file instead of standard output (`-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

/// RFC 4180 field: quoted (with doubled quotes) when it holds `,` `"` CR or LF.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        std::borrow::Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn write_rows(a: &Analysis, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &a.snapshot;
    if format == Format::Csv {
        out.write_all(b"id,type,name,self_size,retained_size,distance,dominator_id\r\n")?;
    }
    for v in 0..s.node_count() as u32 {
        let name = display_name(s, v);
        let (id, ty, size) = (s.node_id(v), s.node_type_name(v), s.self_size(v));
        let (ret, dist) = (a.tree.retained[v as usize], a.distance[v as usize]);
        let dom = s.node_id(a.tree.idom[v as usize]);
        match format {
            Format::Csv => write!(
                out,
                "{id},{},{},{size},{ret},{dist},{dom}\r\n",
                csv_field(ty),
                csv_field(&name)
            )?,
            Format::Jsonl => {
                let name = serde_json::to_string(&*name).map_err(std::io::Error::other)?;
                let ty = serde_json::to_string(ty).map_err(std::io::Error::other)?;
                writeln!(
                    out,
                    "{{\"id\":{id},\"type\":{ty},\"name\":{name},\"self_size\":{size},\"retained_size\":{ret},\"distance\":{dist},\"dominator_id\":{dom}}}"
                )?
            }
        }
    }
    out.flush()
}

pub fn run(args: ExportArgs) -> anyhow::Result<i32> {
    // Claimed before the (long) analysis, so a wrong OUT fails fast.
    let mut output = Output::create(args.output.as_deref(), args.force, &[&args.file])?;
    let a = analyse(&args.file)?;
    write_rows(
        &a,
        args.to,
        &mut BufWriter::with_capacity(1 << 20, output.writer()),
    )
    .map_err(|e| anyhow::Error::from(e).context("writing the export"))?;
    output.commit().map(|()| 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4180_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
