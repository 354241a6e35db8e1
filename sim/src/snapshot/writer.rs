//! Streaming `.heapsnapshot` writer: any [`SnapshotSource`] → V8's JSON, byte for byte in
//! the layout of the chosen [`Format`].
//!
//! The writer never holds the JSON: it fills its own 1 MiB buffer with hand-formatted
//! numbers (two digits per table lookup, as `itoa` does) and hands full buffers to the
//! underlying `Write`. Only the string table is kept, because V8 writes `strings` last and
//! numbers strings in order of first use (see [`super::strings`]).
//!
//! Section order and separators follow `HeapSnapshotJSONSerializer::SerializeImpl`:
//! `{"snapshot":{META,"node_count":N,"edge_count":E,"trace_function_count":0[,
//! "extra_native_bytes":0]},\n"nodes":[…],\n"edges":[…],\n"trace_function_infos":[],\n
//! "trace_tree":[],\n"samples":[],\n"locations":[…],\n"strings":["<dummy>",…]}`. Records
//! are separated by `,` written *before* every record but the first; Node ≤ 22 ends each
//! node/edge/location record with `\n` and puts `\n` before each string after the first.

use std::io::{self, Write};

use super::escape::push_escaped;
use super::format::{edge_type, Format};
use super::strings::StringInterner;

/// One node record. `name` is the final snapshot name (apply [`super::escape::v8_name`]
/// to names taken from heap strings); `edge_count` must equal the number of edges the
/// source yields for this node.
#[derive(Clone, Copy, Debug)]
pub struct NodeRecord<'a> {
    /// Index into `node_types[0]` (see [`super::format::node_type`]).
    pub kind: u8,
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
    /// Index into `edge_types[0]` (see [`super::format::edge_type`]).
    pub kind: u8,
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

struct JsonWriter<'p, W: Write> {
    out: W,
    buf: Vec<u8>,
    flushed: u64,
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

/// Appends the decimal form of `v` (the `itoa` technique: two digits per lookup, written
/// right to left into a stack buffer).
#[inline]
pub fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut pos = 20;
    while v >= 100 {
        let d = (v % 100) as usize * 2;
        v /= 100;
        pos -= 2;
        tmp[pos] = DIGITS2[d];
        tmp[pos + 1] = DIGITS2[d + 1];
    }
    if v >= 10 {
        let d = v as usize * 2;
        pos -= 2;
        tmp[pos] = DIGITS2[d];
        tmp[pos + 1] = DIGITS2[d + 1];
    } else {
        pos -= 1;
        tmp[pos] = b'0' + v as u8;
    }
    buf.extend_from_slice(&tmp[pos..]);
}

impl<'p, W: Write> JsonWriter<'p, W> {
    fn new(out: W, format: Format, progress: Option<&'p mut dyn FnMut(Progress)>) -> Self {
        JsonWriter {
            out,
            buf: Vec::with_capacity(BUF_CAP + 4096),
            flushed: 0,
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
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= BUF_CAP {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
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
            bytes: self.flushed + self.buf.len() as u64,
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

        self.buf.extend_from_slice(b"{\"snapshot\":{\"meta\":");
        self.buf
            .extend_from_slice(self.format.meta_json().as_bytes());
        self.buf.extend_from_slice(b",\"node_count\":");
        push_u64(&mut self.buf, node_count);
        self.buf.extend_from_slice(b",\"edge_count\":");
        push_u64(&mut self.buf, edge_count);
        self.buf.extend_from_slice(b",\"trace_function_count\":0");
        if self.format.has_extra_native_bytes() {
            self.buf.extend_from_slice(b",\"extra_native_bytes\":0");
        }
        self.buf.extend_from_slice(b"},\n\"nodes\":[");

        // Nodes.
        let mut nodes_seen = 0u64;
        let mut edges_promised = 0u64;
        {
            let trace = self.format.has_trace_node_id();
            let mut sink = |n: NodeRecord<'_>| -> io::Result<()> {
                if nodes_seen == node_count {
                    return Err(invalid(format!(
                        "snapshot source yielded more than its {node_count} nodes"
                    )));
                }
                let name = self.strings.intern(n.name);
                let b = &mut self.buf;
                if nodes_seen != 0 {
                    b.push(b',');
                }
                push_u64(b, n.kind as u64);
                b.push(b',');
                push_u64(b, name as u64);
                b.push(b',');
                push_u64(b, n.id as u64);
                b.push(b',');
                push_u64(b, n.self_size);
                b.push(b',');
                push_u64(b, n.edge_count as u64);
                b.push(b',');
                if trace {
                    push_u64(b, n.trace_node_id as u64);
                    b.push(b',');
                }
                push_u64(b, n.detachedness as u64);
                if self.newlines {
                    b.push(b'\n');
                }
                nodes_seen += 1;
                edges_promised += n.edge_count as u64;
                self.tick();
                self.maybe_flush()
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
        self.buf.extend_from_slice(b"],\n\"edges\":[");

        // Edges.
        let mut edges_seen = 0u64;
        {
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
                let name_or_index = match e.name {
                    EdgeName::Index(i) if edge_type::has_index_name(e.kind) => i as u64,
                    EdgeName::Name(s) if !edge_type::has_index_name(e.kind) => {
                        self.strings.intern(s) as u64
                    }
                    _ => {
                        return Err(invalid(format!(
                            "edge {edges_seen}: type {} needs a {} name",
                            e.kind,
                            if edge_type::has_index_name(e.kind) {
                                "numeric"
                            } else {
                                "string"
                            }
                        )))
                    }
                };
                let b = &mut self.buf;
                if edges_seen != 0 {
                    b.push(b',');
                }
                push_u64(b, e.kind as u64);
                b.push(b',');
                push_u64(b, name_or_index);
                b.push(b',');
                push_u64(b, e.to * node_width);
                if self.newlines {
                    b.push(b'\n');
                }
                edges_seen += 1;
                self.tick();
                self.maybe_flush()
            };
            source.visit_edges(&mut sink)?;
        }
        if edges_seen != edge_count {
            return Err(invalid(format!(
                "snapshot source yielded {edges_seen} edges but announced {edge_count}"
            )));
        }
        self.buf.extend_from_slice(
            b"],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[",
        );

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
                let b = &mut self.buf;
                if locations != 0 {
                    b.push(b',');
                }
                push_u64(b, l.node * node_width);
                b.push(b',');
                push_u64(b, l.script_id as u64);
                b.push(b',');
                push_u64(b, l.line as u64);
                b.push(b',');
                push_u64(b, l.column as u64);
                if self.newlines {
                    b.push(b'\n');
                }
                locations += 1;
                self.maybe_flush()
            };
            source.visit_locations(&mut sink)?;
        }
        self.buf.extend_from_slice(b"],\n\"strings\":[\"<dummy>\"");

        // Strings, in id order.
        let n_strings = self.strings.len() as u32;
        for id in 1..=n_strings {
            self.buf.push(b',');
            if self.newlines {
                self.buf.push(b'\n');
            }
            push_escaped(&mut self.buf, self.strings.get(id));
            self.maybe_flush()?;
        }
        self.buf.extend_from_slice(b"]}");
        self.flush_buf()?;
        self.out.flush()?;
        self.report();
        Ok(WriteStats {
            nodes: node_count,
            edges: edge_count,
            strings: n_strings as u64 + 1,
            locations,
            bytes: self.flushed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::node_type;
    use super::*;

    /// A tiny in-memory graph used to check the byte layout.
    pub(crate) struct VecSource {
        pub nodes: Vec<(u8, String, u32, u64)>,
        pub edges: Vec<Vec<(u8, EdgeName<'static>, u64)>>,
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
                (node_type::SYNTHETIC, String::new(), 1, 0),
                (node_type::SYNTHETIC, "(GC roots)".into(), 3, 0),
                (node_type::CLOSURE, "f\"é".into(), 61, 64),
            ],
            edges: vec![
                vec![
                    (edge_type::ELEMENT, EdgeName::Index(1), 1),
                    (edge_type::SHORTCUT, EdgeName::Name("2"), 2),
                ],
                vec![(edge_type::INTERNAL, EdgeName::Name("1"), 2)],
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
        let mut b = Vec::new();
        for v in [0u64, 9, 10, 99, 100, 12345, u32::MAX as u64, u64::MAX] {
            b.clear();
            push_u64(&mut b, v);
            assert_eq!(String::from_utf8(b.clone()).unwrap(), v.to_string());
        }
    }

    #[test]
    fn lying_sources_are_errors() {
        let mut src = tiny();
        src.edges[2].push((edge_type::WEAK, EdgeName::Name("w"), 9));
        let err = write_snapshot(Vec::new(), &mut src, Format::Node20, None).unwrap_err();
        assert!(err.to_string().contains("points to node 9"), "{err}");
        let mut src = tiny();
        src.edges[0][0].1 = EdgeName::Name("x");
        let err = write_snapshot(Vec::new(), &mut src, Format::Node20, None).unwrap_err();
        assert!(err.to_string().contains("needs a numeric name"), "{err}");
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
