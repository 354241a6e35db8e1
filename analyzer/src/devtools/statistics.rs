//! The Statistics view: where the heap's bytes go, by DevTools' categories.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts`, `JSHeapSnapshot.calculateStatistics` and
//! `calculateArraySize` (version 1.0.1705227), run on the redistributed self sizes
//! ([`super::shallow`]). One pass over the nodes:
//! * `total` = the root's retained size (all nodes) + the file's `extra_native_bytes`;
//! * `hidden` nodes → `system` (and nothing else);
//! * `native` nodes → `native` (which starts at `extra_native_bytes`); those named
//!   `system / JSArrayBufferData` also → `typed_arrays`;
//! * `code` → `code`; `string`, `concatenated string`, `sliced string` → `strings`;
//! * any other node whose raw name is `Array` → `js_arrays`, with its self size plus the
//!   self size of the target of its first `internal` edge named `elements`, when that
//!   target has exactly one retainer (edges of any type count);
//! * `v8_heap` = total − native, and `other` = v8_heap − code − strings − js_arrays −
//!   system ("Other JS objects" in DevTools' pie chart, `HeapSnapshotView.ts`), and
//!   `other_native` = native − typed_arrays ("Other non-JS objects").

use crate::analysis::Analysis;
use crate::snapshot::NodeIx;
use format::{EdgeKind, NodeKind};
use serde::Serialize;

/// Byte totals as DevTools' Statistics view reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Statistics {
    pub total: u64,
    pub v8_heap: u64,
    pub code: u64,
    pub strings: u64,
    pub js_arrays: u64,
    pub typed_arrays: u64,
    pub system: u64,
    pub native: u64,
    pub other: u64,
    pub other_native: u64,
}

/// Computes [`Statistics`] for an analysed snapshot.
pub fn statistics(a: &Analysis) -> Statistics {
    let s = &a.snapshot;
    let n = s.node_count();
    let extra = s.meta.extra_native_bytes.unwrap_or(0);
    let mut st = Statistics {
        native: extra,
        ..Statistics::default()
    };
    // The `elements` store of each `Array`, found first so retainers are counted only
    // for those targets (saturating at 2: only "exactly one" matters).
    let mut elements: Vec<NodeIx> = Vec::new();
    for v in 0..n as NodeIx {
        let size = s.nodes.self_size[v as usize];
        match s.node_kind(v) {
            NodeKind::Hidden => st.system += size,
            NodeKind::Native => {
                st.native += size;
                if s.node_name_is(v, "system / JSArrayBufferData") {
                    st.typed_arrays += size;
                }
            }
            NodeKind::Code => st.code += size,
            NodeKind::String | NodeKind::ConsString | NodeKind::SlicedString => st.strings += size,
            _ => {
                if s.node_name_is(v, "Array") {
                    st.js_arrays += size;
                    let store = s.edge_range(v).find(|&e| {
                        s.edge_kind(e) == EdgeKind::Internal
                            && s.strings.bytes(s.edges.name_or_index[e as usize]) == b"elements"
                    });
                    elements.push(store.map_or(u32::MAX, |e| s.edge_to(e)));
                }
            }
        }
    }
    if !elements.is_empty() {
        let mut wanted = crate::bitset::BitSet::new(n);
        for &t in &elements {
            if t != u32::MAX {
                wanted.set(t as usize);
            }
        }
        let mut retainers = vec![0u8; n];
        for &t in &s.edges.to {
            if wanted.get(t as usize) {
                let r = &mut retainers[t as usize];
                *r = r.saturating_add(1).min(2);
            }
        }
        for &t in &elements {
            if t != u32::MAX && retainers[t as usize] == 1 {
                st.js_arrays += s.nodes.self_size[t as usize];
            }
        }
    }
    st.total = a.retained.first().copied().unwrap_or(0) + extra;
    st.v8_heap = st.total.saturating_sub(st.native);
    st.other = st
        .v8_heap
        .saturating_sub(st.code + st.strings + st.js_arrays + st.system);
    st.other_native = st.native - st.typed_arrays;
    st
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn categories_follow_devtools() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let arr = b.node(NodeKind::Object, "Array", 32);
        let el = b.node(NodeKind::Array, "(object elements)", 100);
        let arr2 = b.node(NodeKind::Object, "Array", 32);
        let shared = b.node(NodeKind::Array, "(object elements)", 50);
        let code = b.node(NodeKind::Code, "f", 7);
        let st = b.node(NodeKind::String, "abc", 20);
        let cs = b.node(NodeKind::ConsString, "(concatenated string)", 24);
        let nat = b.node(NodeKind::Native, "system / JSArrayBufferData", 1000);
        let nat2 = b.node(NodeKind::Native, "Other native", 3);
        let hid = b.node(NodeKind::Hidden, "system / Context", 40);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        for t in [arr, arr2, code, st, cs, nat, nat2, hid] {
            b.edge(g, EdgeKind::Property, "p", t);
        }
        b.edge(g, EdgeKind::Property, "s", shared);
        b.edge(arr, EdgeKind::Internal, "elements", el);
        b.edge(arr2, EdgeKind::Internal, "elements", shared);
        let a = Analysis::new(b.finish());
        let st = statistics(&a);
        // `el` moved into `arr` (132), `shared` has two owners and two retainers.
        assert_eq!(st.js_arrays, 132 + 32);
        assert_eq!(
            st.system, 0,
            "the context's size moved to its owner, global"
        );
        assert_eq!(st.code, 7);
        assert_eq!(st.strings, 44);
        assert_eq!(st.native, 1003);
        assert_eq!(st.typed_arrays, 1000);
        assert_eq!(
            st.total,
            10 + 32 + 100 + 32 + 50 + 7 + 20 + 24 + 1000 + 3 + 40
        );
        assert_eq!(st.v8_heap, st.total - 1003);
        assert_eq!(st.other, st.v8_heap - 7 - 44 - 164);
        assert_eq!(st.other_native, 3);
    }
}
