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

/// Rows formatted per chunk, each chunk by one of the two formatting threads.
const CHUNK_ROWS: u32 = 1 << 14;

/// Appends `s` as an RFC 4180 field: quoted (with doubled quotes) when it holds `,` `"` CR
/// or LF.
fn push_csv_field(buf: &mut Vec<u8>, s: &str) {
    if !s.contains([',', '"', '\r', '\n']) {
        buf.extend_from_slice(s.as_bytes());
        return;
    }
    buf.push(b'"');
    for part in s.split_inclusive('"') {
        buf.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            buf.push(b'"');
        }
    }
    buf.push(b'"');
}

/// Appends `s` as a JSON string (serde_json's escaping).
fn push_json_string(buf: &mut Vec<u8>, s: &str) -> std::io::Result<()> {
    serde_json::to_writer(&mut *buf, s).map_err(std::io::Error::other)
}

/// Appends the decimal digits of `n`.
fn push_int(buf: &mut Vec<u8>, n: impl itoa::Integer) {
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Appends node `v`'s row.
fn push_row(a: &Analysis, format: Format, v: u32, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let s = &a.snapshot;
    let name = display_name(s, v);
    let (id, ty, size) = (s.node_id(v), s.node_type_name(v), s.self_size(v));
    let (ret, dist) = (a.tree.retained[v as usize], a.distance[v as usize]);
    let dom = s.node_id(a.tree.idom[v as usize]);
    match format {
        Format::Csv => {
            push_int(buf, id);
            buf.push(b',');
            push_csv_field(buf, ty);
            buf.push(b',');
            push_csv_field(buf, &name);
            for n in [size, ret] {
                buf.push(b',');
                push_int(buf, n);
            }
            buf.push(b',');
            push_int(buf, dist);
            buf.push(b',');
            push_int(buf, dom);
            buf.extend_from_slice(b"\r\n");
        }
        Format::Jsonl => {
            buf.extend_from_slice(b"{\"id\":");
            push_int(buf, id);
            buf.extend_from_slice(b",\"type\":");
            push_json_string(buf, ty)?;
            buf.extend_from_slice(b",\"name\":");
            push_json_string(buf, &name)?;
            buf.extend_from_slice(b",\"self_size\":");
            push_int(buf, size);
            buf.extend_from_slice(b",\"retained_size\":");
            push_int(buf, ret);
            buf.extend_from_slice(b",\"distance\":");
            push_int(buf, dist);
            buf.extend_from_slice(b",\"dominator_id\":");
            push_int(buf, dom);
            buf.extend_from_slice(b"}\n");
        }
    }
    Ok(())
}

/// Writes every node's row, in node order. Two threads format alternate chunks of rows
/// into byte buffers (integers by `itoa`, no per-row allocation but DevTools' computed
/// names), and this thread writes the chunks in order as they come, handing each buffer
/// back to be refilled.
fn write_rows(a: &Analysis, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    use std::sync::mpsc::sync_channel;
    if format == Format::Csv {
        out.write_all(b"id,type,name,self_size,retained_size,distance,dominator_id\r\n")?;
    }
    let n = a.snapshot.node_count() as u32;
    const WORKERS: u32 = 2;
    std::thread::scope(|sc| {
        let mut lanes = Vec::new();
        for w in 0..WORKERS {
            let (full_tx, full_rx) = sync_channel::<std::io::Result<Vec<u8>>>(1);
            let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(1);
            sc.spawn(move || {
                let mut start = w * CHUNK_ROWS;
                while start < n {
                    let mut buf = empty_rx.try_recv().unwrap_or_default();
                    buf.clear();
                    let end = start.saturating_add(CHUNK_ROWS).min(n);
                    let chunk = (start..end).try_for_each(|v| push_row(a, format, v, &mut buf));
                    if full_tx.send(chunk.map(|()| buf)).is_err() {
                        return;
                    }
                    start = start.saturating_add(WORKERS * CHUNK_ROWS);
                }
            });
            lanes.push((full_rx, empty_tx));
        }
        // Chunk k comes from lane k % WORKERS; a lane that has finished closes its channel.
        for k in 0.. {
            let (full, empty) = &lanes[k % lanes.len()];
            let Ok(chunk) = full.recv() else { break };
            let buf = chunk?;
            out.write_all(&buf)?;
            let _ = empty.try_send(buf);
        }
        Ok::<(), std::io::Error>(())
    })?;
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
    use analyzer::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    /// The rows as `write!` and `serde_json::to_string` wrote them before chunks and
    /// `itoa`: the byte-for-byte reference.
    fn reference(a: &Analysis, format: Format) -> Vec<u8> {
        fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
            if s.contains([',', '"', '\r', '\n']) {
                std::borrow::Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
            } else {
                std::borrow::Cow::Borrowed(s)
            }
        }
        let mut out = Vec::new();
        let s = &a.snapshot;
        if format == Format::Csv {
            out.extend_from_slice(
                b"id,type,name,self_size,retained_size,distance,dominator_id\r\n",
            );
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
                )
                .unwrap(),
                Format::Jsonl => {
                    let name = serde_json::to_string(&*name).unwrap();
                    let ty = serde_json::to_string(ty).unwrap();
                    writeln!(
                        out,
                        "{{\"id\":{id},\"type\":{ty},\"name\":{name},\"self_size\":{size},\"retained_size\":{ret},\"distance\":{dist},\"dominator_id\":{dom}}}"
                    )
                    .unwrap()
                }
            }
        }
        out
    }

    fn exported(a: &Analysis, format: Format) -> Vec<u8> {
        let mut out = Vec::new();
        write_rows(a, format, &mut out).unwrap();
        out
    }

    /// Names CSV and JSON must escape, a cons string and a plain object (DevTools' computed
    /// names), and more nodes than two chunks, so both threads' chunks interleave.
    fn awkward() -> Analysis {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let names = [
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\rx",
            "tab\tctl\u{1}",
            "é ✓ 😀",
            "",
        ];
        for (i, name) in names.iter().enumerate() {
            let o = b.node(NodeKind::String, name, 8 + i as u64);
            b.edge(root, EdgeKind::Element, &i.to_string(), o);
        }
        let cons = b.node(NodeKind::ConsString, "", 32);
        let (l, r) = (
            b.node(NodeKind::String, "left,", 8),
            b.node(NodeKind::String, "\"right", 8),
        );
        b.edge(cons, EdgeKind::Internal, "first", l);
        b.edge(cons, EdgeKind::Internal, "second", r);
        b.edge(root, EdgeKind::Element, "100", cons);
        let plain = b.node(NodeKind::Object, "Object", 24);
        for p in ["x", "y,z"] {
            b.edge(plain, EdgeKind::Property, p, l);
        }
        b.edge(root, EdgeKind::Element, "101", plain);
        let mut prev = plain;
        for i in 0..2 * CHUNK_ROWS + 5 {
            let o = b.node(NodeKind::Object, "Link", u64::from(i % 7) * 1_000_000_007);
            b.edge(prev, EdgeKind::Property, "next", o);
            prev = o;
        }
        b.node(NodeKind::Object, "unreachable", 4);
        Analysis::new(b.finish())
    }

    #[test]
    fn rows_are_the_reference_bytes_on_awkward_names_and_a_real_heap() {
        let real = super::super::run::scenario_snapshot("listeners").unwrap();
        let real = Analysis::new(analyzer::reader::read_bytes(&real).unwrap());
        for a in [awkward(), real] {
            for format in [Format::Csv, Format::Jsonl] {
                let (got, want) = (exported(&a, format), reference(&a, format));
                assert!(got == want, "{format:?} differs from the reference");
            }
        }
    }
}
