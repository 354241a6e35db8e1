//! V8's picture of the simulated heap: the snapshot graph V8's `HeapSnapshotGenerator`
//! would build for it, served to the writer as a [`SnapshotSource`].
//!
//! Structure (`V8HeapExplorer`, `HeapSnapshot::AddSyntheticRootEntries` in
//! `src/profiler/heap-snapshot-generator.cc`; names and order checked against real Node
//! 20/22/24 snapshots, see `docs/snapshot-format.md`):
//!
//! * node 0, the synthetic root (`synthetic`, name `""`, id 1): `element` edge 1 to
//!   `(GC roots)` and a `shortcut` edge named `"2"` to the global object;
//! * node 1, `(GC roots)` (id 3): `element` edges 1..S to the sub-roots this Node version
//!   lists ([`Format::sub_roots`]), ids 5, 7, …;
//! * each sub-root: `internal` edges named `1`, `2`, … to the objects held by the
//!   simulator's root list of that kind ([`sub_root_for`]);
//! * then every object in the snapshot, in [`Heap::objects`] order, typed and named as V8
//!   does ([`describe`]), with the edges of [`Heap::fields`] (kinds and names as V8's
//!   extractors give them), plus V8's WeakMap edges: an ephemeron table's key and value
//!   slots are `weak` edges named by their V8 slot index (`3 + 2e`, `4 + 2e`), and for each
//!   entry both the table and the key get an `internal` edge
//!   `"N / part of key (K @k) -> value (V @v) pair in WeakMap (table @t)"` to the value
//!   (`ExtractEphemeronHashTableReferences`), which is what DevTools' ephemeron rule keys on.
//!
//! Ids: the simulator's stable odd ids, shifted so the first object id is the first one
//! this V8 version hands out (`kFirstAvailableObjectId`: 61 for Node 20, 59 for 22/24).
//!
//! Not modelled (the simulator has no such objects): Node's embedder roots (`C++ roots`,
//! `Node / Environment`), `__proto__` shortcut properties, V8's read-only space, and the
//! `IsEssentialObject` filter that hides edges to a few canonical objects.

use std::collections::HashMap;
use std::io;

use format::ephemeron::{self, Named};
use format::escape::v8_name_utf16;
use format::{
    EdgeKind, EdgeName, EdgeRecord, EdgeSink, Format, LocationRecord, LocationSink, NodeKind,
    NodeRecord, NodeSink, SnapshotSource,
};

use super::index::Bits;
use super::reach::GcGraph;
use crate::heap::roots::RootKind;
use crate::heap::tagged::Address;
use crate::heap::{Heap, RootIndex};
use crate::object::code::CodeKind;
use crate::object::{FieldName, InstanceType};

/// Which objects of a heap appear in its snapshot, and their node ordinals.
pub struct Included {
    /// `None` = every object (no GC before the snapshot).
    bits: Option<Bits>,
    /// Included objects before each 64-object block.
    prefix: Vec<u32>,
    count: u32,
    /// Node ordinal of the first object (after root, `(GC roots)` and the sub-roots).
    pub base: u32,
}

impl Included {
    pub fn new(bits: Option<Bits>, total: u32, base: u32) -> Included {
        let (prefix, count) = match &bits {
            None => (Vec::new(), total),
            Some(b) => {
                let mut acc = 0u32;
                let p = b
                    .words()
                    .iter()
                    .map(|w| {
                        let v = acc;
                        acc += w.count_ones();
                        v
                    })
                    .collect();
                (p, acc)
            }
        };
        Included {
            bits,
            prefix,
            count,
            base,
        }
    }

    /// Snapshot node ordinal of object `o`, if it is in the snapshot.
    #[inline]
    pub fn node(&self, o: u32) -> Option<u32> {
        match &self.bits {
            None => Some(self.base + o),
            Some(b) => {
                let w = b.words()[o as usize >> 6];
                let bit = 1u64 << (o & 63);
                (w & bit != 0).then(|| {
                    self.base + self.prefix[o as usize >> 6] + (w & (bit - 1)).count_ones()
                })
            }
        }
    }

    #[inline]
    pub fn contains(&self, o: u32) -> bool {
        self.bits.as_ref().is_none_or(|b| b.get(o))
    }

    /// Objects in the snapshot.
    pub fn count(&self) -> u32 {
        self.count
    }
}

/// The sub-root (index into [`Format::sub_roots`]) that shows a simulator root kind.
/// Kinds this V8 version no longer lists (`(Isolate)`, `(Weak collections)` after Node 20,
/// …) are shown under its generic `(Strong roots)`.
pub fn sub_root_for(format: Format, kind: RootKind) -> usize {
    let name = match kind {
        RootKind::StrongRootList => return format.strong_root_list_index(),
        RootKind::StrongRoots => return format.strong_roots_index(),
        RootKind::PartialSnapshotCache => "(Startup object cache)",
        k => k.snapshot_name(),
    };
    format
        .sub_root_index(name)
        .unwrap_or_else(|| format.strong_roots_index())
}

/// The snapshot id of an object with simulator id `sim_id` in `format`.
pub fn snapshot_id(format: Format, sim_id: u32) -> u32 {
    sim_id - crate::heap::ids::FIRST_OBJECT_ID + format.first_object_id()
}

/// How a node is named: a fixed text, a heap string (cached by address), or text built
/// into the scratch buffer.
#[derive(Clone, Copy)]
enum Name {
    Static(&'static str),
    Str(Address),
    Scratch,
}

/// Names of heap strings used as property, variable, class and function names, by address
/// (internalized strings: few, reused everywhere).
#[derive(Default)]
struct NameCache {
    map: HashMap<Address, Box<str>>,
}

impl NameCache {
    fn get<'c>(&'c mut self, heap: &Heap, s: Address) -> &'c str {
        self.map
            .entry(s)
            .or_insert_with(|| string_name(heap, s).into_boxed_str())
    }
}

/// The snapshot name of a string object's contents (V8's 1024-unit cap, NUL → space).
pub fn string_name(heap: &Heap, s: Address) -> String {
    match heap.instance_type(s) {
        t if t.is_string() => v8_name_utf16(&heap.string_units(s)),
        _ => String::new(),
    }
}

/// Node type and name of object `a` (ordinal `o` in `g`). Fills `scratch` when the name is
/// [`Name::Scratch`].
fn describe(
    heap: &Heap,
    g: &GcGraph,
    format: Format,
    o: u32,
    a: Address,
    scratch: &mut String,
) -> (NodeKind, Name) {
    use InstanceType::*;
    let ty = heap.instance_type(a);
    match ty {
        Map => (NodeKind::ObjectShape, Name::Static("system / Map")),
        DescriptorArray => (
            NodeKind::ObjectShape,
            Name::Static("system / DescriptorArray"),
        ),
        TransitionArray => (
            NodeKind::ObjectShape,
            Name::Static("system / TransitionArray"),
        ),
        Oddball => (
            NodeKind::Hidden,
            Name::Static(oddball_name(heap, format, a)),
        ),
        FixedArray | NameDictionary => {
            let name = if heap.empty_fixed_array().addr() == a {
                ""
            } else if g.properties_store.get(o) {
                "(object properties)"
            } else if g.elements_store.get(o) {
                "(object elements)"
            } else {
                ""
            };
            (NodeKind::Array, Name::Static(name))
        }
        OrderedHashMap | OrderedHashSet | EphemeronHashTable => (NodeKind::Array, Name::Static("")),
        ScopeInfo => (NodeKind::Code, Name::Static("system / ScopeInfo")),
        HeapNumber => (NodeKind::Number, Name::Static("heap number")),
        SeqOneByteString | SeqTwoByteString => {
            scratch.clear();
            scratch.push_str(&string_name(heap, a));
            (NodeKind::String, Name::Scratch)
        }
        ConsString => (NodeKind::ConsString, Name::Static("(concatenated string)")),
        SlicedString => (NodeKind::SlicedString, Name::Static("(sliced string)")),
        JSFunction => (NodeKind::Closure, Name::Str(heap.function_name(a).addr())),
        JSObject | JSGlobalObject | JSArray | JSMap | JSSet | JSWeakMap | JSWeakSet => {
            match heap.class_name(a) {
                Some(n) if n.is_heap_object() => (NodeKind::Object, Name::Str(n.addr())),
                _ => (NodeKind::Object, Name::Static("Object")),
            }
        }
        SharedFunctionInfo => (
            NodeKind::Code,
            Name::Str(heap.word(a, crate::object::closure::SFI_NAME).addr()),
        ),
        Context => (NodeKind::Object, Name::Static("system / Context")),
        NativeContext => (NodeKind::Hidden, Name::Static("system / NativeContext")),
        Code => {
            let name = heap.code_name(a);
            let builtin =
                heap.word(a, crate::object::code::KIND).as_smi() == Some(CodeKind::Builtin as i32);
            if !name.is_heap_object() {
                return (NodeKind::Code, Name::Static(""));
            }
            if builtin {
                // V8 11.3 names builtins "(X builtin handle)", 12.x and 13.x "(X builtin code)".
                scratch.clear();
                scratch.push('(');
                scratch.push_str(&string_name(heap, name.addr()));
                scratch.push_str(match format {
                    Format::Node20 => " builtin handle)",
                    _ => " builtin code)",
                });
                (NodeKind::Code, Name::Scratch)
            } else {
                (NodeKind::Code, Name::Str(name.addr()))
            }
        }
        FreeSpace | OnePointerFiller | TwoPointerFiller => {
            (NodeKind::Hidden, Name::Static("system / FreeSpace"))
        }
    }
}

/// Node type and owned name of object `o` at `a`, as the snapshot shows it.
pub fn describe_node(
    heap: &Heap,
    g: &GcGraph,
    format: Format,
    o: u32,
    a: Address,
    scratch: &mut String,
) -> (NodeKind, String) {
    let (t, name) = describe(heap, g, format, o, a, scratch);
    let text = match name {
        Name::Static(s) => s.to_string(),
        Name::Str(s) => string_name(heap, s),
        Name::Scratch => scratch.clone(),
    };
    (t, text)
}

/// The node type of every object by ordinal, `None` for objects not in the snapshot.
pub fn node_kinds(
    heap: &Heap,
    g: &GcGraph,
    inc: &Included,
    format: Format,
) -> Vec<Option<NodeKind>> {
    let mut scratch = String::new();
    heap.objects()
        .enumerate()
        .map(|(o, a)| {
            let o = o as u32;
            inc.contains(o)
                .then(|| describe(heap, g, format, o, a, &mut scratch).0)
        })
        .collect()
}

/// V8 11.3/12.4 call every oddball "system / Oddball" (12.4: the hole "system / Hole");
/// 13.6 names them by value.
fn oddball_name(heap: &Heap, format: Format, a: Address) -> &'static str {
    let is = |r: RootIndex| heap.root(r).addr() == a;
    if is(RootIndex::TheHole) {
        return match format {
            Format::Node20 => "system / Oddball",
            _ => "system / Hole",
        };
    }
    if format != Format::Node24 {
        return "system / Oddball";
    }
    if is(RootIndex::Undefined) {
        "undefined"
    } else if is(RootIndex::Null) {
        "null"
    } else if is(RootIndex::True) {
        "true"
    } else if is(RootIndex::False) {
        "false"
    } else {
        "system / Oddball"
    }
}

/// A simulated heap as a V8 heap snapshot graph.
pub struct HeapGraph<'h> {
    heap: &'h Heap,
    g: &'h GcGraph,
    inc: &'h Included,
    format: Format,
    /// Per sub-root: the snapshot node ordinals it holds, in root-list order.
    sub_root_edges: Vec<Vec<u32>>,
    global: Option<u32>,
    edge_count: u64,
    names: NameCache,
    scratch: String,
    scratch2: String,
}

impl<'h> HeapGraph<'h> {
    /// Builds the snapshot view. Every included object must have an id
    /// ([`Heap::object_id`]); [`super::prepare`] assigns them.
    pub fn new(heap: &'h Heap, g: &'h GcGraph, inc: &'h Included, format: Format) -> Self {
        let subs = format.sub_roots().len();
        let mut sub_root_edges = vec![Vec::new(); subs];
        for &(k, o) in &g.roots {
            if let Some(n) = inc.node(o) {
                sub_root_edges[sub_root_for(format, RootKind::ALL[k as usize])].push(n);
            }
        }
        let global = g
            .index
            .ordinal(heap.global().addr())
            .and_then(|o| inc.node(o));
        let mut edge_count = 1 + global.is_some() as u64 + subs as u64;
        edge_count += sub_root_edges.iter().map(|v| v.len() as u64).sum::<u64>();
        for o in 0..g.len() {
            if inc.contains(o) {
                edge_count += object_edge_count(g, inc, o) as u64;
            }
        }
        HeapGraph {
            heap,
            g,
            inc,
            format,
            sub_root_edges,
            global,
            edge_count,
            names: NameCache::default(),
            scratch: String::new(),
            scratch2: String::new(),
        }
    }

    fn id_of(&self, a: Address) -> u32 {
        let sim = self
            .heap
            .existing_object_id(a)
            .expect("prepare() gives every object in the snapshot an id");
        snapshot_id(self.format, sim)
    }
}

/// Edges of object `o` in the snapshot: references to included objects plus V8's WeakMap
/// edges (one per live entry on the table, one per entry on its key).
fn object_edge_count(g: &GcGraph, inc: &Included, o: u32) -> u32 {
    let mut n = g.targets(o).filter(|&(t, _)| inc.contains(t)).count() as u32;
    n += g
        .entries_of_table(o)
        .iter()
        .filter(|&&(_, k, v)| inc.contains(k) && inc.contains(v))
        .count() as u32;
    n += g
        .entries_of_key(o)
        .iter()
        .filter(|&&(_, v, t)| inc.contains(v) && inc.contains(t))
        .count() as u32;
    n
}

impl SnapshotSource for HeapGraph<'_> {
    fn node_count(&self) -> u64 {
        self.inc.base as u64 + self.inc.count() as u64
    }

    fn edge_count(&self) -> u64 {
        self.edge_count
    }

    fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()> {
        fn synthetic(name: &str, id: u32, edges: u32) -> NodeRecord<'_> {
            NodeRecord {
                kind: NodeKind::Synthetic,
                name,
                id,
                self_size: 0,
                edge_count: edges,
                trace_node_id: 0,
                detachedness: 0,
            }
        }
        sink(synthetic("", 1, 1 + self.global.is_some() as u32))?;
        let subs = self.format.sub_roots();
        sink(synthetic("(GC roots)", 3, subs.len() as u32))?;
        for (i, s) in subs.iter().enumerate() {
            sink(synthetic(
                s,
                5 + 2 * i as u32,
                self.sub_root_edges[i].len() as u32,
            ))?;
        }
        let HeapGraph {
            heap,
            g,
            inc,
            format,
            names,
            scratch,
            ..
        } = self;
        for (o, a) in heap.objects().enumerate() {
            let o = o as u32;
            if !inc.contains(o) {
                continue;
            }
            let (kind, name) = describe(heap, g, *format, o, a, scratch);
            let name: &str = match name {
                Name::Static(s) => s,
                Name::Str(s) => names.get(heap, s),
                Name::Scratch => scratch,
            };
            let sim = heap
                .existing_object_id(a)
                .expect("prepare() gives every object in the snapshot an id");
            sink(NodeRecord {
                kind,
                name,
                id: snapshot_id(*format, sim),
                self_size: g.size[o as usize] as u64,
                edge_count: object_edge_count(g, inc, o),
                trace_node_id: 0,
                detachedness: 0,
            })?;
        }
        Ok(())
    }

    fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()> {
        sink(EdgeRecord {
            kind: EdgeKind::Element,
            name: EdgeName::Index(1),
            to: 1,
        })?;
        if let Some(gl) = self.global {
            sink(EdgeRecord {
                kind: EdgeKind::Shortcut,
                name: EdgeName::Name("2"),
                to: gl as u64,
            })?;
        }
        for i in 0..self.format.sub_roots().len() {
            sink(EdgeRecord {
                kind: EdgeKind::Element,
                name: EdgeName::Index(i as u32 + 1),
                to: 2 + i as u64,
            })?;
        }
        let mut num = String::new();
        for targets in &self.sub_root_edges {
            for (k, &n) in targets.iter().enumerate() {
                num.clear();
                push_num(&mut num, k as u64 + 1);
                sink(EdgeRecord {
                    kind: EdgeKind::Internal,
                    name: EdgeName::Name(&num),
                    to: n as u64,
                })?;
            }
        }
        let heap = self.heap;
        for (o, a) in heap.objects().enumerate() {
            let o = o as u32;
            if !self.inc.contains(o) {
                continue;
            }
            let mut written = 0u32;
            for f in heap.fields(a) {
                let Some(t) = self.g.index.ordinal(f.value.addr()) else {
                    continue;
                };
                let Some(tn) = self.inc.node(t) else {
                    continue;
                };
                let kind = f.kind;
                let (kind, name) = match f.name {
                    FieldName::EphemeronKey { entry } => {
                        num.clear();
                        push_num(&mut num, 3 + 2 * entry as u64);
                        (EdgeKind::Weak, EdgeName::Name(&num))
                    }
                    FieldName::EphemeronValue { entry, .. } => {
                        num.clear();
                        push_num(&mut num, 4 + 2 * entry as u64);
                        (EdgeKind::Weak, EdgeName::Name(&num))
                    }
                    FieldName::Index(i) if kind.has_index_name() => (kind, EdgeName::Index(i)),
                    FieldName::Index(i) => {
                        num.clear();
                        push_num(&mut num, i as u64);
                        (kind, EdgeName::Name(&num))
                    }
                    FieldName::Static(s) if !kind.has_index_name() => (kind, EdgeName::Name(s)),
                    FieldName::Name(s) if !kind.has_index_name() => {
                        (kind, EdgeName::Name(self.names.get(heap, s.addr())))
                    }
                    // A named element/hidden slot does not occur in the simulator; show it
                    // as an internal link rather than invent an index.
                    FieldName::Static(s) => (EdgeKind::Internal, EdgeName::Name(s)),
                    FieldName::Name(s) => (
                        EdgeKind::Internal,
                        EdgeName::Name(self.names.get(heap, s.addr())),
                    ),
                };
                sink(EdgeRecord {
                    kind,
                    name,
                    to: tn as u64,
                })?;
                written += 1;
                if let FieldName::EphemeronValue { key, .. } = f.name {
                    let k = self.g.index.ordinal(key.addr());
                    if let Some(k) = k.filter(|&k| self.inc.contains(k)) {
                        self.weakmap_edge_name(
                            written + 1,
                            (k, key.addr()),
                            (t, f.value.addr()),
                            a,
                        );
                        sink(EdgeRecord {
                            kind: EdgeKind::Internal,
                            name: EdgeName::Name(&self.scratch2),
                            to: tn as u64,
                        })?;
                        written += 1;
                    }
                }
            }
            // The key side of each WeakMap entry whose key is this object.
            let entries: Vec<(u32, u32, u32)> = self
                .g
                .entries_of_key(o)
                .iter()
                .copied()
                .filter(|&(_, v, t)| self.inc.contains(v) && self.inc.contains(t))
                .collect();
            for (_, v, t) in entries {
                let (va, ta) = (self.address_of(v), self.address_of(t));
                self.weakmap_edge_name(written + 1, (o, a), (v, va), ta);
                sink(EdgeRecord {
                    kind: EdgeKind::Internal,
                    name: EdgeName::Name(&self.scratch2),
                    to: self.inc.node(v).expect("filtered") as u64,
                })?;
                written += 1;
            }
        }
        Ok(())
    }

    fn visit_locations(&mut self, sink: LocationSink<'_>) -> io::Result<()> {
        let heap = self.heap;
        let mut scripts: HashMap<Address, u32> = HashMap::new();
        for (o, a) in heap.objects().enumerate() {
            let Some(n) = self.inc.node(o as u32) else {
                continue;
            };
            if heap.instance_type(a) != InstanceType::JSFunction {
                continue;
            }
            let (script, pos) = heap.function_location(a);
            if !script.is_heap_object() {
                continue;
            }
            let next = scripts.len() as u32 + 1;
            let script_id = *scripts.entry(script.addr()).or_insert(next);
            sink(LocationRecord {
                node: n as u64,
                script_id,
                line: pos.line,
                column: pos.column,
            })?;
        }
        Ok(())
    }
}

impl HeapGraph<'_> {
    fn address_of(&self, o: u32) -> Address {
        self.g
            .ephemeron_address(o)
            .expect("WeakMap entry objects have recorded addresses")
    }

    /// The node name of object `o` at `a`, owned.
    fn node_name(&mut self, o: u32, a: Address) -> String {
        let (_, name) = describe(self.heap, self.g, self.format, o, a, &mut self.scratch);
        match name {
            Name::Static(s) => s.to_string(),
            Name::Str(s) => self.names.get(self.heap, s).to_string(),
            Name::Scratch => self.scratch.clone(),
        }
    }

    /// Writes V8's WeakMap edge name into `scratch2`: `n` is the edge's 1-based position
    /// on its source node.
    fn weakmap_edge_name(
        &mut self,
        n: u32,
        (k, ka): (u32, Address),
        (v, va): (u32, Address),
        ta: Address,
    ) {
        let (kid, vid, tid) = (self.id_of(ka), self.id_of(va), self.id_of(ta));
        let kname = self.node_name(k, ka);
        let vname = self.node_name(v, va);
        ephemeron::write_edge_name(
            &mut self.scratch2,
            n,
            Named {
                name: &kname,
                id: kid,
            },
            Named {
                name: &vname,
                id: vid,
            },
            tid,
        );
    }
}

fn push_num(s: &mut String, v: u64) {
    use std::fmt::Write;
    let _ = write!(s, "{v}");
}
