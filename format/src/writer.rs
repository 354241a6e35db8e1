//! Streaming `.heapsnapshot` writer: any [`SnapshotSource`] → V8's JSON, byte for byte in
//! the layout of the chosen [`Format`].
//!
//! The writer never holds the JSON: it fills its own 1 MiB buffer with hand-formatted
//! numbers (two digits per table lookup, as `itoa` does) and hands full buffers to the
//! underlying `Write`. Only the string table is kept, because V8 writes `strings` last and
//! numbers strings in order of first use (see [`crate::strings`]).
//!
//! Section order and separators follow `HeapSnapshotJSONSerializer::SerializeImpl`:
//! `{"snapshot":{META,"node_count":N,"edge_count":E,"trace_function_count":0[,
//! "extra_native_bytes":0]},\n"nodes":[…],\n"edges":[…],\n"trace_function_infos":[],\n
//! "trace_tree":[],\n"samples":[],\n"locations":[…],\n"strings":["<dummy>",…]}`. Records
//! are separated by `,` written *before* every record but the first; Node ≤ 22 ends each
//! node/edge/location record with `\n` and puts `\n` before each string after the first.

use std::io::{self, Write};

use crate::escape::push_escaped;
use crate::kinds::{EdgeKind, NodeKind};
use crate::layout::Format;
use crate::strings::StringInterner;

/// One node record. `name` is the final snapshot name (apply [`crate::escape::v8_name`]
/// to names taken from heap strings); `edge_count` must equal the number of edges the
/// source yields for this node.
#[derive(Clone, Copy, Debug)]
pub struct NodeRecord<'a> {
    /// Written as its type number; must be one the format lists ([`Format::node_kinds`]).
    pub kind: NodeKind,
    pub name: &'a str,
    pub id: u32,
    pub self_size: u64,
    pub edge_count: u32,
    /// Written by Node 20/22 only; 0 without allocation tracking.
    pub trace_node_id: u32,
    /// 0 unknown, 1 attached, 2 detached.
    pub detachedness: u8,
}

/// An edge's `name_or_index`: a number for `element`/`hidden` edges, a name otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeName<'a> {
    Index(u32),
    Name(&'a str),
}

/// One edge record; `to` is the target's node ordinal (the writer multiplies it by the
/// node width, as V8's `to_node_index` does).
#[derive(Clone, Copy, Debug)]
pub struct EdgeRecord<'a> {
    /// Written as its type number; must be one the format lists ([`Format::edge_kinds`]).
    pub kind: EdgeKind,
    pub name: EdgeName<'a>,
    pub to: u64,
}

/// A source location (`locations` array); `node` is a node ordinal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocationRecord {
    pub node: u64,
    pub script_id: u32,
    pub line: u32,
    pub column: u32,
}

/// Callbacks through which sources hand records to the writer (the record may borrow from
/// the source only for the duration of the call).
pub type NodeSink<'s> = &'s mut dyn for<'r> FnMut(NodeRecord<'r>) -> io::Result<()>;
pub type EdgeSink<'s> = &'s mut dyn for<'r> FnMut(EdgeRecord<'r>) -> io::Result<()>;
pub type LocationSink<'s> = &'s mut dyn FnMut(LocationRecord) -> io::Result<()>;

/// Something that can be written as a heap snapshot: a graph whose nodes are visited in
/// ordinal order (node 0 is the synthetic root), with each node's edges visited in the
/// same node order. The writer calls [`visit_nodes`](Self::visit_nodes) once, then
/// [`visit_edges`](Self::visit_edges) once, then
/// [`visit_locations`](Self::visit_locations) once.
pub trait SnapshotSource {
    fn node_count(&self) -> u64;
    fn edge_count(&self) -> u64;
    fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()>;
    fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()>;
    fn visit_locations(&mut self, sink: LocationSink<'_>) -> io::Result<()>;
}

/// Progress of a write, reported every ~1 M records and once at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Node and edge records written so far.
    pub records: u64,
    /// Node and edge records in the snapshot.
    pub total: u64,
    /// Bytes handed to the underlying writer so far.
    pub bytes: u64,
}

/// What a write produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteStats {
    pub nodes: u64,
    pub edges: u64,
    pub strings: u64,
    pub locations: u64,
    pub bytes: u64,
}

const BUF_CAP: usize = 1 << 20;
const PROGRESS_EVERY: u64 = 1 << 20;

/// Writes `source` as a snapshot in `format` to `out`. `progress`, if given, is called
/// every ~1 M records. Errors: I/O errors of `out`, and `InvalidData` when the source's
/// records disagree with its counts or point outside the node range.
pub fn write_snapshot<W: Write, S: SnapshotSource + ?Sized>(
    out: W,
    source: &mut S,
    format: Format,
    progress: Option<&mut dyn FnMut(Progress)>,
) -> io::Result<WriteStats> {
    let mut w = JsonWriter::new(out, format, progress);
    w.write(source)
}

/// The output buffer: a fixed block filled through a cursor (plain indexed stores, no
/// per-byte capacity checks), handed to `out` whenever a record might not fit.
struct OutBuf<W: Write> {
    out: W,
    buf: Box<[u8]>,
    len: usize,
    flushed: u64,
}

/// Room one node/edge/location record may touch: 7 numbers of ≤ 20 digits, separators,
/// and the 20-byte overshoot of the last number's copy.
const RECORD_MAX: usize = 7 * 21 + 2 + 20;

impl<W: Write> OutBuf<W> {
    fn new(out: W) -> Self {
        OutBuf {
            out,
            buf: vec![0u8; BUF_CAP].into_boxed_slice(),
            len: 0,
            flushed: 0,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf[..self.len])?;
        self.flushed += self.len as u64;
        self.len = 0;
        Ok(())
    }

    /// Makes room for `n` bytes (`n` ≤ `BUF_CAP`).
    #[inline]
    fn reserve(&mut self, n: usize) -> io::Result<()> {
        if self.len + n > self.buf.len() {
            self.flush()?;
        }
        Ok(())
    }

    #[inline]
    fn byte(&mut self, c: u8) {
        self.buf[self.len] = c;
        self.len += 1;
    }

    /// Decimal `v` (room must be reserved): two digits per table lookup written right to
    /// left into a scratch block, as `itoa` does, then one fixed-size 20-byte copy (cheaper
    /// than a variable-length copy; the bytes past the number are overwritten later).
    #[inline(always)]
    fn num(&mut self, mut v: u64) {
        // Most numbers in a snapshot (types, small counts, zeros) are one digit.
        if v < 10 {
            self.buf[self.len] = b'0' + v as u8;
            self.len += 1;
            return;
        }
        let mut tmp = [0u8; 40];
        let mut p = 20;
        while v >= 100 {
            let d = (v % 100) as usize * 2;
            v /= 100;
            p -= 2;
            tmp[p] = DIGITS2[d];
            tmp[p + 1] = DIGITS2[d + 1];
        }
        if v >= 10 {
            let d = v as usize * 2;
            p -= 2;
            tmp[p] = DIGITS2[d];
            tmp[p + 1] = DIGITS2[d + 1];
        } else {
            p -= 1;
            tmp[p] = b'0' + v as u8;
        }
        let src: &[u8; 20] = tmp[p..p + 20].try_into().unwrap();
        let dst: &mut [u8; 20] = (&mut self.buf[self.len..self.len + 20]).try_into().unwrap();
        *dst = *src;
        self.len += 20 - p;
    }

    /// Any amount of bytes.
    fn bytes(&mut self, mut b: &[u8]) -> io::Result<()> {
        while !b.is_empty() {
            if self.len == self.buf.len() {
                self.flush()?;
            }
            let k = b.len().min(self.buf.len() - self.len);
            self.buf[self.len..self.len + k].copy_from_slice(&b[..k]);
            self.len += k;
            b = &b[k..];
        }
        Ok(())
    }

    fn written(&self) -> u64 {
        self.flushed + self.len as u64
    }
}

struct JsonWriter<'p, W: Write> {
    o: OutBuf<W>,
    scratch: Vec<u8>,
    format: Format,
    newlines: bool,
    strings: StringInterner,
    progress: Option<&'p mut dyn FnMut(Progress)>,
    records: u64,
    total: u64,
    next_report: u64,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

static DIGITS2: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

impl<'p, W: Write> JsonWriter<'p, W> {
    fn new(out: W, format: Format, progress: Option<&'p mut dyn FnMut(Progress)>) -> Self {
        JsonWriter {
            o: OutBuf::new(out),
            scratch: Vec::new(),
            format,
            newlines: format.record_newlines(),
            strings: StringInterner::new(),
            progress,
            records: 0,
            total: 0,
            next_report: PROGRESS_EVERY,
        }
    }

    #[inline]
    fn tick(&mut self) {
        self.records += 1;
        if self.records >= self.next_report {
            self.next_report += PROGRESS_EVERY;
            self.report();
        }
    }

    fn report(&mut self) {
        let p = Progress {
            records: self.records,
            total: self.total,
            bytes: self.o.written(),
        };
        if let Some(cb) = self.progress.as_mut() {
            cb(p);
        }
    }

    fn write<S: SnapshotSource + ?Sized>(&mut self, source: &mut S) -> io::Result<WriteStats> {
        let node_count = source.node_count();
        let edge_count = source.edge_count();
        self.total = node_count + edge_count;
        let node_width = self.format.node_width();

        self.o.bytes(b"{\"snapshot\":{\"meta\":")?;
        self.o.bytes(self.format.meta_json().as_bytes())?;
        self.o.bytes(b",\"node_count\":")?;
        self.o.reserve(RECORD_MAX)?;
        self.o.num(node_count);
        self.o.bytes(b",\"edge_count\":")?;
        self.o.reserve(RECORD_MAX)?;
        self.o.num(edge_count);
        self.o.bytes(b",\"trace_function_count\":0")?;
        if self.format.has_extra_native_bytes() {
            self.o.bytes(b",\"extra_native_bytes\":0")?;
        }
        self.o.bytes(b"},\n\"nodes\":[")?;

        // Nodes.
        let mut nodes_seen = 0u64;
        let mut edges_promised = 0u64;
        {
            let trace = self.format.has_trace_node_id();
            let node_kinds = self.format.node_kinds().len();
            let mut sink = |n: NodeRecord<'_>| -> io::Result<()> {
                if nodes_seen == node_count {
                    return Err(invalid(format!(
                        "snapshot source yielded more than its {node_count} nodes"
                    )));
                }
                if n.kind as usize >= node_kinds {
                    return Err(invalid(format!(
                        "node {nodes_seen}: {} has no type number in {}",
                        n.kind.v8_name(),
                        self.format
                    )));
                }
                let name = self.strings.intern(n.name);
                self.o.reserve(RECORD_MAX)?;
                let b = &mut self.o;
                if nodes_seen != 0 {
                    b.byte(b',');
                }
                b.num(n.kind as u64);
                b.byte(b',');
                b.num(name as u64);
                b.byte(b',');
                b.num(n.id as u64);
                b.byte(b',');
                b.num(n.self_size);
                b.byte(b',');
                b.num(n.edge_count as u64);
                b.byte(b',');
                if trace {
                    b.num(n.trace_node_id as u64);
                    b.byte(b',');
                }
                b.num(n.detachedness as u64);
                if self.newlines {
                    b.byte(b'\n');
                }
                nodes_seen += 1;
                edges_promised += n.edge_count as u64;
                self.tick();
                Ok(())
            };
            source.visit_nodes(&mut sink)?;
        }
        if nodes_seen != node_count {
            return Err(invalid(format!(
                "snapshot source yielded {nodes_seen} nodes but announced {node_count}"
            )));
        }
        if edges_promised != edge_count {
            return Err(invalid(format!(
                "node edge counts sum to {edges_promised} but the source announced {edge_count} edges"
            )));
        }
        self.o.bytes(b"],\n\"edges\":[")?;

        // Edges.
        let mut edges_seen = 0u64;
        {
            let edge_kinds = self.format.edge_kinds().len();
            let mut sink = |e: EdgeRecord<'_>| -> io::Result<()> {
                if edges_seen == edge_count {
                    return Err(invalid(format!(
                        "snapshot source yielded more than its {edge_count} edges"
                    )));
                }
                if e.to >= node_count {
                    return Err(invalid(format!(
                        "edge {edges_seen} points to node {} of {node_count}",
                        e.to
                    )));
                }
                if e.kind as usize >= edge_kinds {
                    return Err(invalid(format!(
                        "edge {edges_seen}: {} has no type number in {}",
                        e.kind.v8_name(),
                        self.format
                    )));
                }
                let name_or_index = match e.name {
                    EdgeName::Index(i) if e.kind.has_index_name() => i as u64,
                    EdgeName::Name(s) if !e.kind.has_index_name() => self.strings.intern(s) as u64,
                    _ => {
                        return Err(invalid(format!(
                            "edge {edges_seen}: type {} needs a {} name",
                            e.kind as u8,
                            if e.kind.has_index_name() {
                                "numeric"
                            } else {
                                "string"
                            }
                        )))
                    }
                };
                self.o.reserve(RECORD_MAX)?;
                let b = &mut self.o;
                if edges_seen != 0 {
                    b.byte(b',');
                }
                b.num(e.kind as u64);
                b.byte(b',');
                b.num(name_or_index);
                b.byte(b',');
                b.num(e.to * node_width);
                if self.newlines {
                    b.byte(b'\n');
                }
                edges_seen += 1;
                self.tick();
                Ok(())
            };
            source.visit_edges(&mut sink)?;
        }
        if edges_seen != edge_count {
            return Err(invalid(format!(
                "snapshot source yielded {edges_seen} edges but announced {edge_count}"
            )));
        }
        self.o.bytes(
            b"],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[",
        )?;

        // Locations.
        let mut locations = 0u64;
        {
            let mut sink = |l: LocationRecord| -> io::Result<()> {
                if l.node >= node_count {
                    return Err(invalid(format!(
                        "location {locations} names node {} of {node_count}",
                        l.node
                    )));
                }
                self.o.reserve(RECORD_MAX)?;
                let b = &mut self.o;
                if locations != 0 {
                    b.byte(b',');
                }
                b.num(l.node * node_width);
                b.byte(b',');
                b.num(l.script_id as u64);
                b.byte(b',');
                b.num(l.line as u64);
                b.byte(b',');
                b.num(l.column as u64);
                if self.newlines {
                    b.byte(b'\n');
                }
                locations += 1;
                Ok(())
            };
            source.visit_locations(&mut sink)?;
        }
        self.o.bytes(b"],\n\"strings\":[\"<dummy>\"")?;

        // Strings, in id order.
        let n_strings = self.strings.len() as u32;
        for id in 1..=n_strings {
            self.scratch.clear();
            self.scratch.push(b',');
            if self.newlines {
                self.scratch.push(b'\n');
            }
            push_escaped(&mut self.scratch, self.strings.get(id));
            self.o.bytes(&self.scratch)?;
        }
        self.o.bytes(b"]}")?;
        self.o.flush()?;
        self.o.out.flush()?;
        self.report();
        Ok(WriteStats {
            nodes: node_count,
            edges: edge_count,
            strings: n_strings as u64 + 1,
            locations,
            bytes: self.o.flushed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny in-memory graph used to check the byte layout.
    pub(crate) struct VecSource {
        pub nodes: Vec<(NodeKind, String, u32, u64)>,
        pub edges: Vec<Vec<(EdgeKind, EdgeName<'static>, u64)>>,
        pub locations: Vec<LocationRecord>,
    }

    impl SnapshotSource for VecSource {
        fn node_count(&self) -> u64 {
            self.nodes.len() as u64
        }
        fn edge_count(&self) -> u64 {
            self.edges.iter().map(|e| e.len() as u64).sum()
        }
        fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()> {
            for (i, (kind, name, id, size)) in self.nodes.iter().enumerate() {
                sink(NodeRecord {
                    kind: *kind,
                    name,
                    id: *id,
                    self_size: *size,
                    edge_count: self.edges[i].len() as u32,
                    trace_node_id: 0,
                    detachedness: 0,
                })?;
            }
            Ok(())
        }
        fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()> {
            for es in &self.edges {
                for &(kind, name, to) in es {
                    sink(EdgeRecord { kind, name, to })?;
                }
            }
            Ok(())
        }
        fn visit_locations(&mut self, sink: LocationSink<'_>) -> io::Result<()> {
            for l in &self.locations {
                sink(*l)?;
            }
            Ok(())
        }
    }

    fn tiny() -> VecSource {
        VecSource {
            nodes: vec![
                (NodeKind::Synthetic, String::new(), 1, 0),
                (NodeKind::Synthetic, "(GC roots)".into(), 3, 0),
                (NodeKind::Closure, "f\"é".into(), 61, 64),
            ],
            edges: vec![
                vec![
                    (EdgeKind::Element, EdgeName::Index(1), 1),
                    (EdgeKind::Shortcut, EdgeName::Name("2"), 2),
                ],
                vec![(EdgeKind::Internal, EdgeName::Name("1"), 2)],
                vec![],
            ],
            locations: vec![LocationRecord {
                node: 2,
                script_id: 7,
                line: 3,
                column: 9,
            }],
        }
    }

    fn write_to_string(src: &mut VecSource, f: Format) -> String {
        let mut out = Vec::new();
        write_snapshot(&mut out, src, f, None).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn node20_layout() {
        let s = write_to_string(&mut tiny(), Format::Node20);
        let expected = format!(
            "{{\"snapshot\":{{\"meta\":{},\"node_count\":3,\"edge_count\":3,\"trace_function_count\":0}},\n\
             \"nodes\":[9,1,1,0,2,0,0\n,9,2,3,0,1,0,0\n,5,3,61,64,0,0,0\n],\n\
             \"edges\":[1,1,7\n,5,4,14\n,3,5,14\n],\n\
             \"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\
             \"locations\":[14,7,3,9\n],\n\
             \"strings\":[\"<dummy>\",\n\"\",\n\"(GC roots)\",\n\"f\\\"\\u00E9\",\n\"2\",\n\"1\"]}}",
            Format::Node20.meta_json()
        );
        assert_eq!(s, expected);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["strings"][3], "f\"é");
    }

    #[test]
    fn node24_layout() {
        let s = write_to_string(&mut tiny(), Format::Node24);
        let expected = format!(
            "{{\"snapshot\":{{\"meta\":{},\"node_count\":3,\"edge_count\":3,\"trace_function_count\":0,\"extra_native_bytes\":0}},\n\
             \"nodes\":[9,1,1,0,2,0,9,2,3,0,1,0,5,3,61,64,0,0],\n\
             \"edges\":[1,1,6,5,4,12,3,5,12],\n\
             \"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\
             \"locations\":[12,7,3,9],\n\
             \"strings\":[\"<dummy>\",\"\",\"(GC roots)\",\"f\\\"\\u00E9\",\"2\",\"1\"]}}",
            Format::Node24.meta_json()
        );
        assert_eq!(s, expected);
    }

    #[test]
    fn empty_locations_and_numbers() {
        let mut src = tiny();
        src.locations.clear();
        let s = write_to_string(&mut src, Format::Node22);
        assert!(s.contains("\"locations\":[],\n\"strings\""));
        for v in [0u64, 9, 10, 99, 100, 12345, u32::MAX as u64, u64::MAX] {
            let mut o = OutBuf::new(Vec::new());
            o.num(v);
            o.flush().unwrap();
            assert_eq!(String::from_utf8(o.out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn lying_sources_are_errors() {
        let mut src = tiny();
        src.edges[2].push((EdgeKind::Weak, EdgeName::Name("w"), 9));
        let err = write_snapshot(Vec::new(), &mut src, Format::Node20, None).unwrap_err();
        assert!(err.to_string().contains("points to node 9"), "{err}");
        let mut src = tiny();
        src.edges[0][0].1 = EdgeName::Name("x");
        let err = write_snapshot(Vec::new(), &mut src, Format::Node20, None).unwrap_err();
        assert!(err.to_string().contains("needs a numeric name"), "{err}");
        let mut src = tiny();
        src.nodes[2].0 = NodeKind::WasmObject;
        let err = write_snapshot(Vec::new(), &mut src, Format::Node22, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("wasm object has no type number in node22"),
            "{err}"
        );
        write_snapshot(Vec::new(), &mut src, Format::Node20, None).unwrap();
        let mut src = tiny();
        src.edges[1][0].0 = EdgeKind::Other;
        let err = write_snapshot(Vec::new(), &mut src, Format::Node20, None).unwrap_err();
        assert!(
            err.to_string().contains("other has no type number"),
            "{err}"
        );
    }

    #[test]
    fn progress_reports_at_end() {
        let mut calls = Vec::new();
        let mut cb = |p: Progress| calls.push(p);
        write_snapshot(Vec::new(), &mut tiny(), Format::Node20, Some(&mut cb)).unwrap();
        assert_eq!(calls.last().unwrap().records, 6);
        assert_eq!(calls.last().unwrap().total, 6);
    }
}
