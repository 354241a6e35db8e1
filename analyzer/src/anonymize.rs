//! Anonymization: a snapshot written back with the data it holds replaced, so that a
//! production capture can be shared and still answers what snapshots are taken for.
//!
//! The rule is memlab's (`HeapAnonymizer.ts`): the `strings` table is reached two ways. As
//! the `name` of a `string`, `concatenated string` or `sliced string` node it is the content
//! of a JavaScript string on the heap — data; as an edge name or the name of any other node
//! it is a label — a class, function or property name. Retainer paths, the Summary,
//! dominators and retained sizes are built from labels and from the graph alone, so
//! replacing every string content keeps them exact. Replacing is per use, not per table
//! entry: V8 deduplicates the table, so a text that is both a value and a property name
//! keeps its label use (the writer interns the two texts separately).
//!
//! With [`Options::names`] the labels users write go too: the names of `object`, `closure`,
//! `code` and `regexp` nodes (classes, functions and their SharedFunctionInfos, patterns)
//! and of `property` and `context` edges (keys, captured variables). V8's own vocabulary
//! stays — synthetic roots, `hidden`, `native` and `array` node names, `internal`,
//! `shortcut` and `weak` edge names —
//! because DevTools' rules read some of it (`system / NativeContext`, `(map descriptors)`)
//! and it names no user data.
//!
//! A replacement keeps the length in UTF-16 code units (DevTools shows it, and V8 sized the
//! string from it) and is derived from the text alone: equal texts stay equal and distinct
//! ones almost surely distinct, so duplicate-string analyses keep telling the truth. It is
//! lowercase ASCII letters from a 64-bit FNV-1a hash stretched by SplitMix64, deterministic
//! across files so that a series of snapshots stays diffable; it is not a cryptographic
//! hash, so someone holding a candidate text can confirm it. Allocation traces, samples and
//! `extra_native_bytes` are not written (the format crate's writer emits them empty).

use std::io::{self, Write};

use format::writer::{EdgeName, EdgeRecord, LocationRecord, NodeRecord};
use format::{EdgeKind, EdgeSink, Format, LocationSink, NodeKind, NodeSink, SnapshotSource};

use crate::snapshot::HeapSnapshot;

/// What to replace besides string contents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Also replace class, function and property names.
    pub names: bool,
}

/// What a [`Rewrite`] replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Nothing: the snapshot as it was read (a re-serialization).
    Nothing,
    /// What [`write_anonymized`] replaces under these options.
    Anonymize(Options),
}

/// What an anonymized write replaced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// String nodes whose content was replaced.
    pub values: u64,
    /// Node and edge names replaced (with [`Options::names`]).
    pub names: u64,
}

/// Writes `snapshot` anonymized to `out`, in its own layout. Fails when the layout is not
/// one the writer knows (Node 20, 22, 24), or on a write error.
pub fn write_anonymized<W: Write>(
    snapshot: &HeapSnapshot,
    out: W,
    options: Options,
) -> io::Result<Counts> {
    let format = Format::ALL
        .into_iter()
        .find(|&f| snapshot.meta.is_layout_of(f))
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "the snapshot's layout is none of Node 20, 22 and 24, the layouts heapsim writes",
            )
        })?;
    let mut source = Rewrite::new(snapshot, Replace::Anonymize(options));
    format::write_snapshot(out, &mut source, format, None)?;
    Ok(source.counts)
}

/// Whether a node's name is data (always replaced) or a user-written label (replaced with
/// `--names`).
fn node_name_is_replaced(kind: NodeKind, replace: Replace) -> bool {
    let Replace::Anonymize(options) = replace else {
        return false;
    };
    kind.is_string()
        || (options.names
            && matches!(
                kind,
                NodeKind::Object | NodeKind::Closure | NodeKind::Code | NodeKind::Regexp
            ))
}

fn edge_name_is_replaced(kind: EdgeKind, replace: Replace) -> bool {
    let Replace::Anonymize(options) = replace else {
        return false;
    };
    options.names && matches!(kind, EdgeKind::Property | EdgeKind::Context)
}

/// A read snapshot as a source for the format crate's writer, names replaced on the way
/// as [`Replace`] says.
pub struct Rewrite<'a> {
    s: &'a HeapSnapshot,
    replace: Replace,
    /// Replacement of each string table entry, made on first use.
    replaced: Vec<Option<Box<str>>>,
    counts: Counts,
}

impl<'a> Rewrite<'a> {
    pub fn new(s: &'a HeapSnapshot, replace: Replace) -> Self {
        let replaced = match replace {
            Replace::Nothing => Vec::new(),
            Replace::Anonymize(_) => vec![None; s.strings.len()],
        };
        Rewrite {
            s,
            replace,
            replaced,
            counts: Counts::default(),
        }
    }

    fn replacement(&mut self, index: u32) -> &str {
        let s = self.s;
        self.replaced[index as usize].get_or_insert_with(|| stand_in(s.strings.get(index)).into())
    }
}

impl SnapshotSource for Rewrite<'_> {
    fn node_count(&self) -> u64 {
        self.s.node_count() as u64
    }
    fn edge_count(&self) -> u64 {
        self.s.edge_count() as u64
    }
    fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()> {
        let s = self.s;
        for v in 0..s.node_count() as u32 {
            let kind = s.node_kind(v);
            let name_ix = s.nodes.name[v as usize];
            let replace = node_name_is_replaced(kind, self.replace);
            if replace && kind.is_string() {
                self.counts.values += 1;
            } else if replace {
                self.counts.names += 1;
            }
            let name = if replace {
                self.replacement(name_ix)
            } else {
                s.strings.get(name_ix)
            };
            let r = s.edge_range(v);
            sink(NodeRecord {
                kind,
                name,
                id: s.node_id(v),
                self_size: s.self_size(v),
                edge_count: r.end - r.start,
                trace_node_id: s.nodes.trace_node_id.get(v as usize).copied().unwrap_or(0),
                detachedness: s.nodes.detachedness.get(v as usize).copied().unwrap_or(0),
            })?;
        }
        Ok(())
    }
    fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()> {
        let s = self.s;
        for e in 0..s.edge_count() as u32 {
            let kind = s.edge_kind(e);
            let n = s.edges.name_or_index[e as usize];
            let name = if kind.has_index_name() {
                EdgeName::Index(n)
            } else if edge_name_is_replaced(kind, self.replace) {
                self.counts.names += 1;
                EdgeName::Name(self.replacement(n))
            } else {
                EdgeName::Name(s.strings.get(n))
            };
            sink(EdgeRecord {
                kind,
                name,
                to: s.edges.to[e as usize] as u64,
            })?;
        }
        Ok(())
    }
    fn visit_locations(&mut self, sink: LocationSink<'_>) -> io::Result<()> {
        for l in &self.s.locations {
            sink(LocationRecord {
                node: l.node as u64,
                script_id: l.script_id,
                line: l.line,
                column: l.column,
            })?;
        }
        Ok(())
    }
}

/// The stand-in for `text`: as many lowercase letters as `text` has UTF-16 code units,
/// drawn from a hash of `text`.
pub fn stand_in(text: &str) -> String {
    let mut state = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    text.encode_utf16()
        .map(|_| {
            state = splitmix64(state);
            (b'a' + (state % 26) as u8) as char
        })
        .collect()
}

/// One step of SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number
/// generators", OOPSLA 2014).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn stand_ins_keep_utf16_length_and_equality() {
        assert_eq!(stand_in(""), "");
        assert_eq!(stand_in("secret").len(), 6);
        assert_eq!(stand_in("€😀").len(), 3, "one BMP unit + a surrogate pair");
        assert_eq!(stand_in("secret"), stand_in("secret"));
        assert_ne!(stand_in("secret"), stand_in("secres"));
        assert!(stand_in("password1234")
            .bytes()
            .all(|b| b.is_ascii_lowercase()));
    }

    /// root → Holder {secret: "hunter2", name: "name"}: "name" is a value and a label.
    fn holder() -> HeapSnapshot {
        let mut g = SnapshotBuilder::new();
        let root = g.node(NodeKind::Synthetic, "", 0);
        let holder = g.node(NodeKind::Object, "Holder", 24);
        let secret = g.node(NodeKind::String, "hunter2", 20);
        let name = g.node(NodeKind::String, "name", 16);
        g.edge(root, EdgeKind::Element, "0", holder);
        g.edge(holder, EdgeKind::Property, "secret", secret);
        g.edge(holder, EdgeKind::Property, "name", name);
        g.finish()
    }

    fn names_of(s: &HeapSnapshot) -> (Vec<String>, Vec<String>) {
        let nodes = (0..s.node_count() as u32)
            .map(|v| s.strings.get(s.nodes.name[v as usize]).to_string())
            .collect();
        let edges = (0..s.edge_count() as u32)
            .filter(|&e| !s.edge_kind(e).has_index_name())
            .map(|e| s.strings.get(s.edges.name_or_index[e as usize]).to_string())
            .collect();
        (nodes, edges)
    }

    #[test]
    fn string_contents_go_labels_stay_and_the_graph_is_kept() {
        let original = holder();
        let mut out = Vec::new();
        let counts = write_anonymized(&original, &mut out, Options::default()).unwrap();
        assert_eq!(
            counts,
            Counts {
                values: 2,
                names: 0
            }
        );
        let back = crate::reader::read_bytes(&out).unwrap();
        let (nodes, edges) = names_of(&back);
        assert_eq!(
            nodes,
            ["", "Holder", &stand_in("hunter2"), &stand_in("name")]
        );
        assert_eq!(
            edges,
            ["secret", "name"],
            "the label use of \"name\" is kept"
        );
        assert_eq!(back.edges.to, original.edges.to);
        assert_eq!(back.nodes.self_size, original.nodes.self_size);
        assert!(!String::from_utf8(out).unwrap().contains("hunter2"));
    }

    #[test]
    fn names_replaces_classes_and_property_keys_too() {
        let mut out = Vec::new();
        let counts = write_anonymized(&holder(), &mut out, Options { names: true }).unwrap();
        assert_eq!(
            counts,
            Counts {
                values: 2,
                names: 3
            }
        );
        let (nodes, edges) = names_of(&crate::reader::read_bytes(&out).unwrap());
        assert_eq!(nodes[1], stand_in("Holder"));
        assert_eq!(edges, [stand_in("secret"), stand_in("name")]);
    }
}
