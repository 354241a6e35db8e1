//! Comparing snapshots.
//!
//! **Two snapshots** — Chrome DevTools' Comparison view (`HeapSnapshot.ts`,
//! `calculateSnapshotDiff`): objects are matched by V8's stable node id; per class, `new` =
//! ids only in the target, `deleted` = ids only in the base, with the self sizes allocated
//! and freed, sorted by size delta. Each snapshot is reduced to a [`Census`] first — its
//! ids, class names and sizes in id order, a few bytes a node — so the two graphs are never
//! held together; matching is a merge of the two censuses — O(n log n), no hash map of
//! 12 M entries.
//!
//! **Three snapshots** — memlab's method (facebook/memlab, `find-leaks` with baseline,
//! target, final): *leaked* = objects allocated between baseline and target (ids in TARGET,
//! not in BASE) that are still alive in FINAL, after the action that should have freed them.
//! Leak candidates are objects a program allocates (`object`, `closure`, `regexp`, `native`
//! nodes not named `system / …`); V8's backing stores and strings are counted inside them.
//! Candidates are grouped by the *shape* of their shortest retainer path in FINAL — the
//! sequence of (edge name, class) steps from the root, element indices written `[]`, and a
//! step repeated along a chain (linked lists) counted once — so 20 000 closures stored in
//! one array form one group. As in memlab's trace clustering (`ClusterUtilsHelper.ts`,
//! `isSameEdge`: edges whose names represent numbers match), every edge that names a
//! position counts as one step: element indices, and the numbered slots of a `Map`'s or
//! `Set`'s hash table, so 5 000 objects in one `Map` are one group, not 5 000. A group
//! ranks by the retained size of its members that no other member of the group dominates
//! (a linked list is counted once, by its head; objects held by another leaked object still
//! count, so a group's size is what freeing its members would free).
//!
//! In a FINAL taken with allocation tracking, each group also lists its members by
//! allocation stack ([`super::allocation_stacks`]).
//!
//! Path shapes are hashed incrementally along one breadth-first tree (`shape(v) =
//! mix(shape(parent), step(v))`), so grouping is linear even with million-deep chains.

use std::collections::HashMap;

use super::allocation_stacks::{self, Stack};
use super::labels::{self, Labeler};
use super::DomView;
use crate::packed::PackedColumn;
use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};

/// One snapshot as the Comparison reads it, and nothing else: every node's id, DevTools
/// class name and redistributed self size, in id order, packed ([`PackedColumn`]: ids
/// ascend in small steps, V8 writes instances of one class together, most sizes are
/// small), and the class names. About 3 bytes a node where the analysis holds about 80, so
/// `diff` drops each snapshot before it reads the next (`docs/performance.md`, issue 16).
pub struct Census {
    ids: PackedColumn,
    /// Index into `names`.
    class: PackedColumn,
    sizes: Sizes,
    names: Vec<String>,
}

/// The self sizes of a [`Census`]: packed while every one fits in 32 bits.
enum Sizes {
    Narrow(PackedColumn),
    Wide(Vec<u64>),
}

impl Census {
    /// The census of `s`, whose self sizes are DevTools' redistributed ones; `class_name`
    /// names a node's class ([`crate::devtools::classes::Classes::name`]).
    pub fn new<'a>(s: &HeapSnapshot, class_name: impl Fn(NodeIx) -> &'a str) -> Census {
        let mut order: Vec<NodeIx> = (0..s.node_count() as NodeIx).collect();
        order.sort_unstable_by_key(|&n| (s.node_id(n), n));
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<&str, u32> = HashMap::new();
        let class: Vec<u32> = order
            .iter()
            .map(|&n| {
                let name = class_name(n);
                *index.entry(name).or_insert_with(|| {
                    names.push(name.to_string());
                    names.len() as u32 - 1
                })
            })
            .collect();
        let class = PackedColumn::pack(class);
        let size = |n: &NodeIx| s.self_size(*n);
        let sizes = if order.iter().map(size).all(|b| b <= u32::MAX as u64) {
            Sizes::Narrow(PackedColumn::pack_iter(
                order.iter().map(|n| size(n) as u32),
            ))
        } else {
            Sizes::Wide(order.iter().map(size).collect())
        };
        Census {
            ids: PackedColumn::pack_iter(order.iter().map(|&n| s.node_id(n))),
            class,
            sizes,
            names,
        }
    }

    /// (id, class name, self size) of every node, by id.
    fn nodes(&self) -> impl Iterator<Item = (u32, &str, u64)> + '_ {
        let sizes: Box<dyn Iterator<Item = u64>> = match &self.sizes {
            Sizes::Narrow(p) => Box::new(p.iter().map(u64::from)),
            Sizes::Wide(v) => Box::new(v.iter().copied()),
        };
        self.ids
            .iter()
            .zip(self.class.iter())
            .zip(sizes)
            .map(|((id, c), size)| (id, self.names[c as usize].as_str(), size))
    }
}

/// One class of the Comparison view.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ClassDelta {
    pub class: String,
    pub new_count: u64,
    pub deleted_count: u64,
    pub delta_count: i64,
    pub alloc_size: u64,
    pub freed_size: u64,
    pub delta_size: i64,
}

/// DevTools' Comparison view of `target` against `base`, largest size delta first;
/// classes without change are left out.
pub fn compare(base: &Census, target: &Census) -> Vec<ClassDelta> {
    let mut rows: Vec<ClassDelta> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |class: &str, is_new: bool, size: u64| {
        let r = match index.get(class) {
            Some(&r) => r,
            None => {
                rows.push(ClassDelta {
                    class: class.to_string(),
                    ..ClassDelta::default()
                });
                index.insert(class.to_string(), rows.len() - 1);
                rows.len() - 1
            }
        };
        let row = &mut rows[r];
        if is_new {
            row.new_count += 1;
            row.alloc_size += size;
        } else {
            row.deleted_count += 1;
            row.freed_size += size;
        }
    };
    let (mut a, mut b) = (base.nodes().peekable(), target.nodes().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                a.next();
                b.next();
            }
            (Some(&(x, class, size)), Some(&(y, _, _))) if x < y => {
                add(class, false, size);
                a.next();
            }
            (Some(&(_, class, size)), None) => {
                add(class, false, size);
                a.next();
            }
            (_, Some(&(_, class, size))) => {
                add(class, true, size);
                b.next();
            }
            (None, None) => break,
        }
    }
    for r in &mut rows {
        r.delta_count = r.new_count as i64 - r.deleted_count as i64;
        r.delta_size = r.alloc_size as i64 - r.freed_size as i64;
    }
    rows.sort_by(|x, y| {
        y.delta_size
            .abs()
            .cmp(&x.delta_size.abs())
            .then(y.delta_size.cmp(&x.delta_size))
            .then_with(|| x.class.cmp(&y.class))
    });
    rows
}

/// One step of a representative retainer path: the edge taken and the node reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The edge into the node; `None` for the root.
    pub edge: Option<EdgeIx>,
    pub node: NodeIx,
}

/// Leaked objects sharing one retainer path shape.
#[derive(Clone, Debug, PartialEq)]
pub struct LeakGroup {
    /// Class of the group's members.
    pub class: String,
    pub count: u64,
    /// Retained size of members not dominated by another leaked object.
    pub retained_size: u64,
    /// The member with the largest retained size.
    pub representative: NodeIx,
    /// Its shortest retainer path in FINAL, root first (empty if only weakly retained).
    pub path: Vec<Step>,
    /// The members grouped by allocation stack; `None` when FINAL has no allocation traces.
    pub stacks: Option<Vec<Stack>>,
}

/// Whether memlab would consider `n` something the program allocated.
pub fn is_leak_candidate(s: &HeapSnapshot, n: NodeIx) -> bool {
    matches!(
        s.node_kind(n),
        NodeKind::Object | NodeKind::Closure | NodeKind::Regexp | NodeKind::Native
    ) && !labels::is_internal(s, n)
}

/// The breadth-first tree of `s` from the root over non-weak edges: `parent_edge[v]`, or
/// `u32::MAX` for the root and nodes the root cannot reach — plus the visiting order.
pub fn bfs_tree(s: &HeapSnapshot) -> (Vec<EdgeIx>, Vec<NodeIx>) {
    let n = s.node_count();
    let mut parent = vec![u32::MAX; n];
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    if n == 0 {
        return (parent, order);
    }
    seen[0] = true;
    order.push(0);
    let mut head = 0;
    while head < order.len() {
        let v = order[head];
        head += 1;
        for e in s.edge_range(v) {
            if s.edge_kind(e) == EdgeKind::Weak {
                continue;
            }
            let t = s.edge_to(e) as usize;
            if !seen[t] {
                seen[t] = true;
                parent[t] = e;
                order.push(t as NodeIx);
            }
        }
    }
    (parent, order)
}

/// The path from the root to `v` along the BFS tree, root first.
pub fn tree_path(s: &HeapSnapshot, parent: &[EdgeIx], v: NodeIx) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut cur = v;
    while parent[cur as usize] != u32::MAX {
        let e = parent[cur as usize];
        steps.push(Step {
            edge: Some(e),
            node: cur,
        });
        cur = s.edge_source(e);
    }
    if cur != 0 {
        return Vec::new();
    }
    steps.push(Step {
        edge: None,
        node: 0,
    });
    steps.reverse();
    steps
}

fn mix(h: u64, x: u64) -> u64 {
    // splitmix64 finaliser over the combination: cheap, well spread, deterministic.
    let mut z = h.rotate_left(29) ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whether edge `e`'s name stands for a position rather than a property: element and hidden
/// edges, and V8's numbered slots (a `Map`'s hash table links its entries by slot number:
/// `table → [16058]`). memlab's trace clustering counts any two such edges of one type as
/// the same step; so does the path shape here.
fn is_slot(s: &HeapSnapshot, e: EdgeIx) -> bool {
    s.edge_kind(e).has_index_name()
        || s.edge_name_str(e)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The path shape of every node along the BFS tree (`order`, `parent`): `shape(v) =
/// mix(shape(parent), step(v))`, where a step is (edge name — all slots alike —, edge type,
/// class of `v`), and a step equal to its parent's is not mixed in again (linked lists).
fn path_shapes(
    s: &HeapSnapshot,
    parent: &[EdgeIx],
    order: &[NodeIx],
    labeler: &mut Labeler,
) -> Vec<u64> {
    let n = s.node_count();
    let mut shape = vec![0u64; n];
    let mut last_step = vec![0u64; n];
    for &v in order.iter().skip(1) {
        let e = parent[v as usize];
        let edge_hash = if is_slot(s, e) {
            u64::MAX
        } else {
            s.edges.name_or_index[e as usize] as u64
        };
        let step = mix(
            mix(edge_hash, s.edges.kind[e as usize] as u64),
            labeler.of(s, v) as u64,
        );
        let p = s.edge_source(e) as usize;
        last_step[v as usize] = step;
        shape[v as usize] = if last_step[p] == step && p != 0 {
            shape[p]
        } else {
            mix(shape[p], step)
        };
    }
    shape
}

/// memlab-style leak groups of FINAL (`view`), most retained first. `in_base` and
/// `in_target` are the sorted id columns of BASE and TARGET ([`super::lineage::Fingerprint::ids`]), so the
/// two snapshots need not stay in memory.
pub fn leak_groups(in_base: &[u32], in_target: &[u32], view: &DomView) -> Vec<LeakGroup> {
    let s = view.snapshot;
    let n = s.node_count();
    let (parent, order) = bfs_tree(s);
    let mut labeler = Labeler::new(view.classes);
    let shape = path_shapes(s, &parent, &order, &mut labeler);
    // group[v]: the leak group key of a leaked node, 0 for the others.
    let group: Vec<u64> = (0..n as NodeIx)
        .map(|v| {
            let id = s.node_id(v);
            let leaked = v != 0
                && in_target.binary_search(&id).is_ok()
                && in_base.binary_search(&id).is_err()
                && is_leak_candidate(s, v);
            // Only weakly retained: shape 0 is its own group.
            if leaked {
                mix(shape[v as usize], labeler.of(s, v) as u64) | 1
            } else {
                0
            }
        })
        .collect();
    let counted = counted_members(view, &group);

    let mut groups: HashMap<u64, (u64, u64, NodeIx)> = HashMap::new();
    for v in 0..n as NodeIx {
        let key = group[v as usize];
        if key == 0 {
            continue;
        }
        let g = groups.entry(key).or_insert((0, 0, v));
        g.0 += 1;
        if counted[v as usize] {
            g.1 += view.tree.retained[v as usize];
        }
        if view.tree.retained[v as usize] > view.tree.retained[g.2 as usize] {
            g.2 = v;
        }
    }
    let mut members: HashMap<u64, Vec<NodeIx>> = HashMap::new();
    if !s.traces.is_empty() {
        for v in (0..n as NodeIx).filter(|&v| group[v as usize] != 0) {
            members.entry(group[v as usize]).or_default().push(v);
        }
    }
    let mut out: Vec<LeakGroup> = groups
        .into_iter()
        .map(|(key, (count, retained, rep))| LeakGroup {
            class: {
                let l = labeler.of(s, rep);
                labeler.label(l).to_string()
            },
            count,
            retained_size: retained,
            representative: rep,
            path: Vec::new(),
            stacks: allocation_stacks::of(s, members.get(&key).into_iter().flatten().copied()),
        })
        .collect();
    out.sort_by(|a, b| {
        b.retained_size
            .cmp(&a.retained_size)
            .then(b.count.cmp(&a.count))
            .then(a.representative.cmp(&b.representative))
    });
    for g in &mut out {
        g.path = tree_path(s, &parent, g.representative);
    }
    out
}

/// Which leaked nodes count towards their group's retained size: those no other member of
/// the *same* group dominates (a linked list's links are counted once, by its head). A
/// member dominated by a leaked object of another group still counts: 7 400 objects in a
/// leaked Map each retain their 248 B, whether or not the Map is itself a leak. One
/// pre-order pass over the dominator tree keeping, per group, how many members are on the
/// current path.
fn counted_members(view: &DomView, group: &[u64]) -> Vec<bool> {
    let mut counted = vec![false; group.len()];
    let mut open: HashMap<u64, u32> = HashMap::new();
    // (node, leaving): a node is pushed again, to be left, before its children.
    let mut stack: Vec<(NodeIx, bool)> = vec![(0, false)];
    while let Some((v, leaving)) = stack.pop() {
        let key = group[v as usize];
        if leaving {
            if let Some(c) = open.get_mut(&key) {
                *c -= 1;
            }
            continue;
        }
        if key != 0 {
            let c = open.entry(key).or_insert(0);
            counted[v as usize] = *c == 0;
            *c += 1;
            stack.push((v, true));
        }
        stack.extend(view.tree.children(v).iter().map(|&k| (k, false)));
    }
    counted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::classes::Classes;
    use crate::report::lineage::Fingerprint;
    use crate::report::non_weak_tree;
    use crate::snapshot::SnapshotBuilder;

    /// A client with `k` listeners (ids 1000+i) and `m` cache entries (ids 5000+i).
    fn snap(k: u32, m: u32) -> HeapSnapshot {
        let mut b = SnapshotBuilder::new();
        let root = b.node_with_id(NodeKind::Synthetic, "", 0, 1);
        let client = b.node_with_id(NodeKind::Object, "Client", 40, 3);
        b.edge(root, EdgeKind::Element, "1", client);
        let arr = b.node_with_id(NodeKind::Object, "Array", 32, 5);
        b.edge(client, EdgeKind::Property, "listeners", arr);
        // The backing store is reallocated as the array grows: a new id each time.
        let store = b.node_with_id(NodeKind::Array, "(object elements)", 16, 7 + 2 * k);
        b.edge(arr, EdgeKind::Internal, "elements", store);
        for i in 0..k {
            let f = b.node_with_id(NodeKind::Closure, "onError", 32, 1000 + 2 * i);
            b.edge(store, EdgeKind::Element, &i.to_string(), f);
            let ctx = b.node_with_id(NodeKind::Object, "system / Context", 24, 3000 + 2 * i);
            b.edge(f, EdgeKind::Internal, "context", ctx);
            let req = b.node_with_id(NodeKind::Object, "Request", 64, 9000 + 2 * i);
            b.edge(ctx, EdgeKind::Context, "req", req);
        }
        let cache = b.node_with_id(NodeKind::Object, "Cache", 40, 9);
        b.edge(root, EdgeKind::Element, "2", cache);
        for i in 0..m {
            let e = b.node_with_id(NodeKind::Object, "Entry", 16, 5000 + 2 * i);
            b.edge(cache, EdgeKind::Property, &format!("k{i}"), e);
        }
        b.finish()
    }

    #[test]
    fn comparison_counts_new_and_deleted_per_class() {
        let base = snap(2, 3);
        let target = snap(5, 1);
        let (cb, ct) = (Classes::build(&base), Classes::build(&target));
        let rows = compare(
            &Census::new(&base, |n| cb.name(n)),
            &Census::new(&target, |n| ct.name(n)),
        );
        let get = |c: &str| rows.iter().find(|r| r.class == c).unwrap().clone();
        let req = get("Request");
        assert_eq!(
            (req.new_count, req.deleted_count, req.delta_size),
            (3, 0, 192)
        );
        let entry = get("Entry");
        assert_eq!(
            (entry.new_count, entry.deleted_count, entry.delta_count),
            (0, 2, -2)
        );
        assert_eq!(entry.freed_size, 32);
        assert_eq!(rows[0].class, "Request");
        assert!(rows.iter().all(|r| r.class != "Client"));
    }

    /// root → Cache → Map → its hash table → `n` sessions by slot number (ids 100+), each
    /// holding a token; plus a linked list of `Node`s (ids 5000+).
    fn sessions(n: u32) -> HeapSnapshot {
        let mut b = SnapshotBuilder::new();
        let root = b.node_with_id(NodeKind::Synthetic, "", 0, 1);
        let cache = b.node_with_id(NodeKind::Object, "Cache", 40, 3);
        b.edge(root, EdgeKind::Element, "1", cache);
        let map = b.node_with_id(NodeKind::Object, "Map", 32, 5);
        b.edge(cache, EdgeKind::Property, "table", map);
        // Reallocated as the Map grows: a new id each time.
        let table = b.node_with_id(NodeKind::Array, "system / OrderedHashMap", 16, 7 + 2 * n);
        b.edge(map, EdgeKind::Internal, "table", table);
        for i in 0..n {
            let x = b.node_with_id(NodeKind::Object, "Session", 40, 100 + 4 * i);
            b.edge(table, EdgeKind::Internal, &(3 * i + 4).to_string(), x);
            let t = b.node_with_id(NodeKind::String, "token", 24, 102 + 4 * i);
            b.edge(x, EdgeKind::Property, "token", t);
        }
        let mut prev = root;
        for i in 0..n {
            let node = b.node_with_id(NodeKind::Object, "Node", 8, 5000 + 2 * i);
            b.edge(prev, EdgeKind::Property, "next", node);
            prev = node;
        }
        b.finish()
    }

    #[test]
    fn map_slots_are_one_step_and_a_list_is_counted_once() {
        let (base, target) = (sessions(2), sessions(10));
        let fin = sessions(10);
        let (d, c) = (non_weak_tree(&fin), Classes::build(&fin));
        let v = DomView {
            snapshot: &fin,
            tree: &d,
            classes: &c,
        };
        let groups = leak_groups(
            &Fingerprint::of(&base).ids,
            &Fingerprint::of(&target).ids,
            &v,
        );
        let summary: Vec<(&str, u64, u64)> = groups
            .iter()
            .map(|g| (g.class.as_str(), g.count, g.retained_size))
            .collect();
        // 8 new sessions in one group, each retaining itself and its token; 8 new list
        // nodes, the first retaining the rest.
        assert_eq!(summary, vec![("Session", 8, 8 * 64), ("Node", 8, 8 * 8)]);
    }

    #[test]
    fn three_snapshots_group_leaked_listeners_by_path_shape() {
        let base = snap(2, 1);
        let target = snap(6, 1);
        let fin = snap(8, 1);
        let d = non_weak_tree(&fin);
        let c = Classes::build(&fin);
        let v = DomView {
            snapshot: &fin,
            tree: &d,
            classes: &c,
        };
        let groups = leak_groups(
            &Fingerprint::of(&base).ids,
            &Fingerprint::of(&target).ids,
            &v,
        );
        assert_eq!(groups[0].class, "closure \"onError\"");
        assert_eq!(groups[0].count, 4);
        // Each closure retains itself, its context and its request; a request, held by a
        // leaked closure, still retains itself.
        assert_eq!(groups[0].retained_size, 4 * (32 + 24 + 64));
        let req = groups.iter().find(|g| g.class == "Request").unwrap();
        assert_eq!((req.count, req.retained_size), (4, 4 * 64));
        let edges: Vec<Option<String>> = groups[0]
            .path
            .iter()
            .map(|st| st.edge.map(|e| fin.edge_name(e).into_owned()))
            .collect();
        let named = |n: &str| Some(n.to_string());
        assert_eq!(
            edges[..4],
            [None, named("1"), named("listeners"), named("elements")]
        );
        assert_eq!(
            groups[0].path.last().unwrap().node,
            groups[0].representative
        );
    }
}
