//! Growth across N snapshots of one process: the collections whose size grew in every
//! step, and the classes whose instance count did.
//!
//! Source: memlab's `unbound-collection` analysis (`CollectionUnboundGrowthAnalysis` and
//! `getCollectionFanout` in `@memlab/heap-analysis`): objects are followed by their V8 id
//! from the first snapshot to the last, and an object that changes type or name is dropped.
//! The size of a collection is memlab's fan-out, extended to arrays and plain objects:
//! * `Map`, `Set`, `WeakMap`, `WeakSet`: the edge count of its backing `table` (V8's
//!   ordered hash table; keys and values that are heap objects each have an edge);
//! * `Array`: its `element` edges;
//! * any other JavaScript object (an object used as a map): its `property` edges.
//!
//! V8 writes no edge for a small integer, so a collection of only Smis shows no size.
//! Where memlab keeps a collection that never shrank, heapsim keeps one that grew in
//! *every* step: a cache that fills and then stays is no leak, one that grows on each
//! action is. Classes are the Summary's ([`crate::devtools::summary`]: rows of one name
//! summed), listed when their instance count grew in every step — memlab's unbound-object
//! idea applied to counts.
//!
//! Snapshots are added one at a time ([`Growth::add`]), so only one is in memory; the
//! collections still growing are kept in flat columns, `steps` sizes per collection.

use std::collections::HashMap;

use crate::analysis::Analysis;
use crate::devtools::summary::summary;
use crate::paths::{RetainerPath, ShortestPaths};
use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};

/// How a collection's size is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionKind {
    /// A `Map`, `Set`, `WeakMap` or `WeakSet`: edges of its hash table.
    Keyed,
    /// An `Array`: element edges.
    Array,
    /// Any other object: property edges.
    Object,
}

impl CollectionKind {
    /// How the size is counted, for reports.
    pub fn unit(self) -> &'static str {
        match self {
            CollectionKind::Keyed => "table edges",
            CollectionKind::Array => "elements",
            CollectionKind::Object => "properties",
        }
    }
}

/// The kind and size of node `v` if it is a collection.
pub fn collection_size(s: &HeapSnapshot, v: NodeIx) -> Option<(CollectionKind, u64)> {
    if s.node_kind(v) != NodeKind::Object {
        return None;
    }
    let count = |of: NodeIx, kind: EdgeKind| {
        s.edge_range(of).filter(|&e| s.edge_kind(e) == kind).count() as u64
    };
    match s.node_name(v) {
        "Map" | "Set" | "WeakMap" | "WeakSet" => {
            let table = s.edge_range(v).find(|&e| {
                s.edge_kind(e) == EdgeKind::Internal && s.edge_name_str(e) == Some("table")
            })?;
            let t = s.edge_to(table);
            Some((CollectionKind::Keyed, s.edge_range(t).len() as u64))
        }
        "Array" => Some((CollectionKind::Array, count(v, EdgeKind::Element))),
        _ => Some((CollectionKind::Object, count(v, EdgeKind::Property))),
    }
}

/// A collection that grew in every step.
#[derive(Clone, Debug)]
pub struct GrowingCollection {
    pub id: u32,
    pub kind: CollectionKind,
    /// Its size in each snapshot, first to last.
    pub sizes: Vec<u64>,
    /// Its ordinal in the last snapshot.
    pub node: NodeIx,
    /// Its Summary class in the last snapshot.
    pub class: String,
    pub retained_size: u64,
    /// A shortest retainer path in the last snapshot (none when only weakly held).
    pub path: Option<RetainerPath>,
}

/// A class whose instance count grew in every step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrowingClass {
    pub class: String,
    /// Its instance count in each snapshot, first to last.
    pub counts: Vec<u64>,
}

/// The growth found over all snapshots.
#[derive(Clone, Debug)]
pub struct GrowthReport {
    /// Largest total growth first, ties by id.
    pub collections: Vec<GrowingCollection>,
    /// Largest total growth first, ties by name.
    pub classes: Vec<GrowingClass>,
}

/// Growth tracking over snapshots added in the order they were taken.
#[derive(Debug, Default)]
pub struct Growth {
    steps: usize,
    /// Collections still growing: id, kind, and `steps` sizes each in `sizes`.
    ids: Vec<u32>,
    kinds: Vec<CollectionKind>,
    names: Vec<String>,
    sizes: Vec<u64>,
    /// Classes still growing, with their counts so far.
    classes: Vec<GrowingClass>,
}

impl Growth {
    pub fn new() -> Growth {
        Growth::default()
    }

    /// Takes the next snapshot into account.
    pub fn add(&mut self, a: &Analysis) {
        self.add_collections(&a.snapshot);
        self.add_classes(a);
        self.steps += 1;
    }

    fn add_collections(&mut self, s: &HeapSnapshot) {
        if self.steps == 0 {
            for v in 0..s.node_count() as NodeIx {
                if let Some((kind, size)) = collection_size(s, v) {
                    self.ids.push(s.node_id(v));
                    self.kinds.push(kind);
                    self.names.push(s.node_name(v).to_string());
                    self.sizes.push(size);
                }
            }
            return;
        }
        let slot = self.slots();
        let mut now: Vec<Option<u64>> = vec![None; self.ids.len()];
        for v in 0..s.node_count() as NodeIx {
            let Some(&i) = slot.get(&s.node_id(v)) else {
                continue;
            };
            if s.node_name(v) != self.names[i] {
                continue;
            }
            match collection_size(s, v) {
                Some((kind, size)) if kind == self.kinds[i] => now[i] = Some(size),
                _ => {}
            }
        }
        self.keep_grown(&now);
    }

    /// The position of each collection still growing, by id.
    fn slots(&self) -> HashMap<u32, usize> {
        self.ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i))
            .collect()
    }

    /// Keeps the collections whose size in this snapshot (`now`) exceeds the last one.
    fn keep_grown(&mut self, now: &[Option<u64>]) {
        let w = self.steps;
        let mut sizes = Vec::new();
        let mut kept = 0;
        for (i, size) in now.iter().enumerate() {
            let past = &self.sizes[i * w..(i + 1) * w];
            let Some(size) = size.filter(|&n| n > past[w - 1]) else {
                continue;
            };
            sizes.extend_from_slice(past);
            sizes.push(size);
            self.ids[kept] = self.ids[i];
            self.kinds[kept] = self.kinds[i];
            self.names.swap(kept, i);
            kept += 1;
        }
        self.ids.truncate(kept);
        self.kinds.truncate(kept);
        self.names.truncate(kept);
        self.sizes = sizes;
    }

    fn add_classes(&mut self, a: &Analysis) {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for row in summary(a) {
            *counts.entry(row.name).or_default() += row.count;
        }
        if self.steps == 0 {
            self.classes = counts
                .into_iter()
                .map(|(class, n)| GrowingClass {
                    class,
                    counts: vec![n],
                })
                .collect();
            return;
        }
        self.classes.retain_mut(|c| match counts.get(&c.class) {
            Some(&n) if n > *c.counts.last().expect("one count per step") => {
                c.counts.push(n);
                true
            }
            _ => false,
        });
    }

    /// The report, with paths and sizes from `last`, the last snapshot added. With fewer
    /// than two snapshots nothing can have grown.
    pub fn finish(self, last: &Analysis) -> GrowthReport {
        if self.steps < 2 {
            return GrowthReport {
                collections: Vec::new(),
                classes: Vec::new(),
            };
        }
        let s = &last.snapshot;
        let slot = self.slots();
        let w = self.steps;
        let found: Vec<(NodeIx, usize)> = (0..s.node_count() as NodeIx)
            .filter_map(|v| slot.get(&s.node_id(v)).map(|&i| (v, i)))
            .collect();
        let nodes: Vec<NodeIx> = found.iter().map(|&(v, _)| v).collect();
        let paths = ShortestPaths::to(s, &nodes);
        let mut collections: Vec<GrowingCollection> = found
            .into_iter()
            .map(|(v, i)| GrowingCollection {
                id: self.ids[i],
                kind: self.kinds[i],
                sizes: self.sizes[i * w..(i + 1) * w].to_vec(),
                node: v,
                class: last.classes.name(v).to_string(),
                retained_size: last.tree.retained[v as usize],
                path: paths.paths(s, v, 1).pop(),
            })
            .collect();
        let growth = |sizes: &[u64]| sizes[sizes.len() - 1] - sizes[0];
        collections.sort_by(|x, y| {
            growth(&y.sizes)
                .cmp(&growth(&x.sizes))
                .then_with(|| x.id.cmp(&y.id))
        });
        let mut classes = self.classes;
        classes.sort_by(|x, y| {
            growth(&y.counts)
                .cmp(&growth(&x.counts))
                .then_with(|| x.class.cmp(&y.class))
        });
        GrowthReport {
            collections,
            classes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    /// A heap with a `Map` of `entries` table edges, an `Array` of `elements`, an object
    /// used as a map with `props` properties, and `items` `Item` objects.
    fn heap(entries: usize, elements: usize, props: usize, items: usize) -> Analysis {
        let mut b = SnapshotBuilder::new();
        let root = b.node_with_id(NodeKind::Synthetic, "", 0, 1);
        let g = b.node_with_id(NodeKind::Object, "global", 10, 3);
        let map = b.node_with_id(NodeKind::Object, "Map", 10, 5);
        let table = b.node_with_id(NodeKind::Array, "", 10, 7);
        let arr = b.node_with_id(NodeKind::Object, "Array", 10, 9);
        let dict = b.node_with_id(NodeKind::Object, "Object", 10, 11);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "cache", map);
        b.edge(g, EdgeKind::Property, "log", arr);
        b.edge(g, EdgeKind::Property, "byKey", dict);
        b.edge(map, EdgeKind::Internal, "table", table);
        let mut next = 101;
        let mut item = |b: &mut SnapshotBuilder| {
            next += 2;
            b.node_with_id(NodeKind::Object, "Item", 20, next)
        };
        for k in 0..entries {
            let t = item(&mut b);
            b.edge(table, EdgeKind::Internal, &k.to_string(), t);
        }
        for k in 0..elements {
            let t = item(&mut b);
            b.edge(arr, EdgeKind::Element, &k.to_string(), t);
        }
        for k in 0..props {
            let t = item(&mut b);
            b.edge(dict, EdgeKind::Property, &format!("k{k}"), t);
        }
        for _ in entries + elements + props..items {
            let t = item(&mut b);
            b.edge(g, EdgeKind::Element, "1", t);
        }
        Analysis::new(b.finish())
    }

    fn run(heaps: Vec<Analysis>) -> GrowthReport {
        let mut g = Growth::new();
        for a in &heaps {
            g.add(a);
        }
        g.finish(heaps.last().unwrap())
    }

    #[test]
    fn collections_growing_in_every_step_with_their_paths() {
        let r = run(vec![heap(2, 1, 1, 4), heap(4, 2, 1, 8), heap(6, 2, 3, 12)]);
        let found: Vec<(u32, CollectionKind, Vec<u64>)> = r
            .collections
            .iter()
            .map(|c| (c.id, c.kind, c.sizes.clone()))
            .collect();
        // The array stalled in the last step and the dict in the first: only the Map is left.
        assert_eq!(found, [(5, CollectionKind::Keyed, vec![2, 4, 6])]);
        let c = &r.collections[0];
        assert_eq!(c.class, "Map");
        let path = c.path.as_ref().expect("reachable");
        assert_eq!(path.steps.len(), 2);
        assert_eq!(
            r.classes,
            [GrowingClass {
                class: "Item".into(),
                counts: vec![4, 8, 12]
            }]
        );
    }

    #[test]
    fn one_snapshot_grows_nothing_and_shrinking_drops() {
        let r = run(vec![heap(2, 1, 1, 4)]);
        assert!(r.collections.is_empty() && r.classes.is_empty());
        let r = run(vec![heap(2, 1, 1, 4), heap(3, 2, 2, 8), heap(1, 3, 3, 6)]);
        let kinds: Vec<CollectionKind> = r.collections.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [CollectionKind::Array, CollectionKind::Object]);
        assert!(r.classes.is_empty());
    }
}
