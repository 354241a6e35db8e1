//! Whether one snapshot can follow another in the same process — checked before `diff`
//! compares them, since comparing unrelated snapshots gives tables that look plausible.
//!
//! `diff` matches objects by V8's node id. That is only meaningful when both snapshots come
//! from one process, in that order. V8's `HeapObjectsMap` (`heap-snapshot-generator.cc`)
//! gives an object its id the first time a snapshot (or allocation tracking) sees it, from a
//! counter that only grows, and keeps it while the object lives; so, within one process:
//!
//! * **layout** — both files have the same `snapshot.meta` field and type lists (one V8
//!   build writes one layout; Node 20's and Node 24's differ);
//! * **order** — the objects new in the later snapshot have ids above every id of the
//!   earlier one (a swapped pair shows the opposite: the "new" objects are old ids). Only
//!   the counter's ids count: they are odd (`kObjectIdStep` 2 from 1), while embedder
//!   (`native`) nodes get even ids derived from addresses, in no order;
//! * **identity** — an id present in both names the same object: same type, name and self
//!   size. Two processes hand out the same ids to different objects;
//! * **not the same snapshot** — two files with exactly the same ids and objects are one
//!   snapshot twice: nothing can differ.
//!
//! A [`Fingerprint`] keeps what the checks need of a snapshot — its ids sorted, with a hash
//! of (type, name, self size) per id — so the graph can be dropped; [`check`] compares two
//! in one merge of the sorted ids. The thresholds leave room for what legitimately changes
//! in one process (an array shrunk in place, a few objects V8 re-describes: at most 0.06 %
//! of the common ids in `tests/leaks/`' runs on Node 20/22/24), and fire on what cannot
//! happen in one (two runs of one deterministic program on one Node version still differ
//! in 9 % of their common ids).

use crate::snapshot::{HeapSnapshot, NodeIx};
use crate::units::thousands;

/// Above this share of common ids with another type, name or size: not one process.
pub const MAX_CHANGED_SHARE: f64 = 0.01;

/// Above this share of "new" ids below the earlier snapshot's largest id: wrong order.
pub const MAX_OLD_NEW_SHARE: f64 = 0.5;

/// What the checks keep of one snapshot: take it before [`crate::analysis::Analysis`]
/// moves backing stores' sizes into their owners, which changes with the graph.
#[derive(Clone, Debug)]
pub struct Fingerprint {
    /// Node ids, ascending.
    pub ids: Vec<u32>,
    /// `sig[i]`: hash of (type, name, self size) of the node with id `ids[i]`, folded to
    /// 32 bits: it only tells changed objects from unchanged ones for the warnings, and at
    /// 4 bytes a node instead of 8 the fingerprint a two-snapshot `diff` holds while it
    /// reads TARGET is 46 MB smaller on a 12 M-node file.
    sig: Vec<u32>,
    /// The meta lists that fix the layout, joined: equal strings, equal layouts.
    layout: String,
}

/// Whether `id` comes from V8's growing id counter.
fn is_counted(id: u32) -> bool {
    id % 2 == 1
}

fn fnv(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The snapshot's nodes by id (ties, which V8 never writes, in one fixed order).
fn by_id(s: &HeapSnapshot) -> Vec<NodeIx> {
    let mut order: Vec<NodeIx> = (0..s.node_count() as NodeIx).collect();
    order.sort_unstable_by_key(|&n| s.node_id(n));
    order
}

/// Hash of node `n`'s (type, name, self size): 64-bit FNV-1a, its halves xor-folded.
fn signature(s: &HeapSnapshot, n: NodeIx) -> u32 {
    let h = fnv(s.node_type_name(n).as_bytes(), 0xcbf2_9ce4_8422_2325);
    let h = fnv(s.node_name(n).as_bytes(), fnv(b"/", h));
    let h = fnv(&s.self_size(n).to_le_bytes(), h);
    (h ^ (h >> 32)) as u32
}

/// The meta lists that fix the layout, joined.
fn layout(s: &HeapSnapshot) -> String {
    let m = &s.meta;
    [
        &m.node_fields,
        &m.node_type_names,
        &m.edge_fields,
        &m.edge_type_names,
    ]
    .map(|l| l.join(","))
    .join(";")
}

impl Fingerprint {
    pub fn of(s: &HeapSnapshot) -> Fingerprint {
        let order = by_id(s);
        Fingerprint {
            ids: order.iter().map(|&n| s.node_id(n)).collect(),
            sig: order.iter().map(|&n| signature(s, n)).collect(),
            layout: layout(s),
        }
    }

    /// The largest id V8's counter gave out (odd ids: see the module docs).
    fn max_counted_id(&self) -> u32 {
        self.ids
            .iter()
            .rev()
            .copied()
            .find(|&id| is_counted(id))
            .unwrap_or(0)
    }
}

/// How the later snapshot relates to the earlier one.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Relation {
    /// Ids in both.
    pub common: u64,
    /// Of those, objects whose type, name or self size differ.
    pub changed: u64,
    /// Ids only in the later snapshot; of them, ids from V8's counter, and of those, ids
    /// below the earlier snapshot's largest.
    pub new: u64,
    pub new_counted: u64,
    pub new_below: u64,
    /// Ids only in the earlier snapshot.
    pub gone: u64,
    pub same_layout: bool,
}

/// Compares `earlier` with `later`: one merge of their sorted ids.
pub fn relate(earlier: &Fingerprint, later: &Fingerprint) -> Relation {
    let later_nodes = later.ids.iter().copied().zip(later.sig.iter().copied());
    merge(earlier, &later.layout, later_nodes)
}

/// [`relate`] with the later snapshot itself, whose fingerprint is taken as it is read
/// (so it is never held: `diff` of two 12 M-node snapshots saves 138 MB at its peak). Take
/// it before the analysis changes the sizes, as [`Fingerprint::of`].
pub fn relate_to_snapshot(earlier: &Fingerprint, later: &HeapSnapshot) -> Relation {
    let order = by_id(later);
    let later_nodes = order
        .iter()
        .map(|&n| (later.node_id(n), signature(later, n)));
    merge(earlier, &layout(later), later_nodes)
}

/// The merge of `earlier`'s ids with the later snapshot's (id, signature) pairs, ascending.
fn merge(
    earlier: &Fingerprint,
    later_layout: &str,
    later: impl Iterator<Item = (u32, u32)>,
) -> Relation {
    let mut r = Relation {
        same_layout: earlier.layout == later_layout,
        ..Relation::default()
    };
    let max = earlier.max_counted_id();
    let a = &earlier.ids;
    let mut b = later.peekable();
    let mut i = 0;
    while i < a.len() || b.peek().is_some() {
        match (a.get(i), b.peek()) {
            (Some(x), Some(&(y, sig))) if *x == y => {
                r.common += 1;
                r.changed += u64::from(earlier.sig[i] != sig);
                i += 1;
                b.next();
            }
            (Some(x), Some(&(y, _))) if *x < y => {
                r.gone += 1;
                i += 1;
            }
            (Some(_), None) => {
                r.gone += 1;
                i += 1;
            }
            (_, Some(&(y, _))) => {
                r.new += 1;
                r.new_counted += u64::from(is_counted(y));
                r.new_below += u64::from(is_counted(y) && y < max);
                b.next();
            }
            (None, None) => break,
        }
    }
    r
}

/// The warnings for comparing `later` (named `later_name`, e.g. `TARGET`) against
/// `earlier`, one sentence each; empty when they can be one process in that order.
pub fn check(
    earlier: &Fingerprint,
    earlier_name: &str,
    later: &Fingerprint,
    later_name: &str,
) -> Vec<String> {
    warnings(&relate(earlier, later), earlier_name, later_name)
}

/// [`check`]'s warnings from the snapshots' [`Relation`].
pub fn warnings(r: &Relation, earlier_name: &str, later_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (e, l) = (earlier_name, later_name);
    if !r.same_layout {
        out.push(format!(
            "{e} and {l} have different snapshot layouts (meta fields and types): written by \
             different V8 versions, so not by one process; ids are compared, but they name \
             unrelated objects"
        ));
    }
    if r.new == 0 && r.gone == 0 && r.changed == 0 {
        out.push(format!(
            "{e} and {l} are the same snapshot ({} objects, the same ids): nothing can differ",
            thousands(r.common)
        ));
        return out;
    }
    if r.common > 0 && r.changed as f64 > MAX_CHANGED_SHARE * r.common as f64 {
        out.push(format!(
            "{} of the {} ids in both {e} and {l} name objects of another type, name or size: \
             the snapshots are not from one process",
            thousands(r.changed),
            thousands(r.common)
        ));
    } else if r.new_counted > 0 && r.new_below as f64 > MAX_OLD_NEW_SHARE * r.new_counted as f64 {
        out.push(format!(
            "{} of the {} objects new in {l} have ids below {e}'s largest, but V8's ids only \
             grow: {l} was taken before {e} (swap them?)",
            thousands(r.new_below),
            thousands(r.new_counted)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    /// A root and objects with the given (id, name); plus one native with an even id.
    fn snap(objects: &[(u32, &str)]) -> HeapSnapshot {
        let mut b = SnapshotBuilder::new();
        let root = b.node_with_id(NodeKind::Synthetic, "", 0, 1);
        let native = b.node_with_id(NodeKind::Native, "Node / buffer", 8, 2_000_000_000);
        b.edge(root, EdgeKind::Element, "1", native);
        for (i, &(id, name)) in objects.iter().enumerate() {
            let o = b.node_with_id(NodeKind::Object, name, 16, id);
            b.edge(root, EdgeKind::Element, &(i + 2).to_string(), o);
        }
        b.finish()
    }

    #[test]
    fn one_process_in_order_passes_and_each_impossibility_is_named() {
        let base = Fingerprint::of(&snap(&[(3, "A"), (5, "B"), (7, "C")]));
        let later = Fingerprint::of(&snap(&[(3, "A"), (7, "C"), (9, "D"), (11, "E")]));
        assert_eq!(check(&base, "BASE", &later, "TARGET"), Vec::<String>::new());
        let swapped = check(&later, "BASE", &base, "TARGET");
        assert_eq!(swapped.len(), 1, "{swapped:?}");
        assert!(
            swapped[0].contains("TARGET was taken before BASE"),
            "{swapped:?}"
        );
        let same = check(&base, "BASE", &base, "TARGET");
        assert!(
            same[0].contains("are the same snapshot (5 objects"),
            "{same:?}"
        );
        let other = Fingerprint::of(&snap(&[(3, "X"), (5, "B"), (7, "C"), (9, "D")]));
        let w = check(&base, "BASE", &other, "TARGET");
        assert!(w[0].starts_with("1 of the 5 ids in both"), "{w:?}");
        let mut s = snap(&[(3, "A"), (5, "B"), (7, "C"), (9, "D")]);
        s.meta.node_fields.push("detachedness".into());
        let w = check(&base, "BASE", &Fingerprint::of(&s), "TARGET");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("different snapshot layouts"), "{w:?}");
    }
}
