//! `devtools_retained`: the retained size Chrome DevTools shows for an object, computed by
//! marking the simulator's own snapshot graph under DevTools' rules — no dominator tree
//! and no analyzer involved, so it checks DevTools and heapsim's analyzer independently.
//!
//! The definition is the oracle's ([`super`]): the bytes that become unreachable when the
//! object loses its incoming references. DevTools' dominator tree (`HeapSnapshot.ts`,
//! `calculateDominatorsAndRetainedSizes`, Lengauer & Tarjan) is the same set over a graph
//! with its own rules, which the simulator applies from what it knows of the heap
//! ([`GcGraph`]: strong and weak slots, WeakMap entries, the global object). Sources:
//! Chrome DevTools `front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts`, version
//! 1.0.1705227 (the one `scripts/setup-interop.sh` installs).
//!
//! 1. **Page-owned objects** (`JSHeapSnapshot.markPageOwnedNodes`): everything reachable
//!    from the root's `shortcut` targets — in Node the global object — over non-weak
//!    edges (a WeakMap's table → value and key → value edges included).
//! 2. **Essential edges** (`computeIsEssentialEdge`), the only ones marking follows: not
//!    weak; not a self edge; not the table's edge of a WeakMap entry (the value is held by
//!    its key's edge, with or without a live table); and, from any node but the root, not
//!    from a non-page-owned node (a `(GC roots)` sub-root included) into a page-owned one.
//!    The root's shortcut to the global object counts.
//! 3. **Nodes unreachable over essential edges** (`calculateDominatorsAndRetainedSizes`):
//!    DevTools makes first those with no essential retainer at all, then every node still
//!    unvisited, children of the root. Marking starts from them too, so they hold what
//!    they alone reach; their own value is an artefact of that placement, so it is
//!    undefined here ([`Undefined::UnreachableInDevtools`]).
//! 4. **Shallow sizes redistributed** (`JSHeapSnapshot.calculateShallowSizes`, run before
//!    the retained sizes): a `hidden` or `array` node whose non-weak retainers, followed
//!    back through other such nodes, lead to exactly one other node gives its self size to
//!    that owner; owners that are synthetic (the sub-roots) receive nothing and the node
//!    keeps its size. (The rule's third ownable kind, `native` `system / ExternalStringData`,
//!    does not occur in simulated heaps; the step's "no user roots" escape does not apply,
//!    since the global object is always a user root.)
//!
//! `devtools_retained(o)` is the sum of the redistributed sizes of the nodes marking from
//! the root (and rule 3's extra starts) no longer reaches with `o` excluded, answered for
//! 64 objects per traversal with a bit per object ([`DevtoolsOracle::retained_many`]).

use super::lanes::Excluded;
use crate::heap::Heap;
use crate::snapshot::graph::{node_kinds, sub_root_for};
use crate::snapshot::index::Bits;
use crate::snapshot::reach::GcGraph;
use crate::snapshot::Prepared;
use format::NodeKind;

use crate::heap::roots::RootKind;

/// Why an object has no `devtools_retained`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undefined {
    /// The object is not in the snapshot (a garbage object of a snapshot taken with GC).
    NotInSnapshot,
    /// DevTools reaches it from the root over no essential edge (rule 3).
    UnreachableInDevtools,
}

impl Undefined {
    /// The `reason` written beside a `null` in the truth file.
    pub fn reason(self) -> &'static str {
        match self {
            Undefined::NotInSnapshot => "not in the snapshot",
            Undefined::UnreachableInDevtools => {
                "unreachable from the root over DevTools' essential edges; \
                 DevTools makes it a child of the root"
            }
        }
    }
}

/// DevTools' view of one snapshot, ready to answer [`DevtoolsOracle::retained`].
pub struct DevtoolsOracle<'p> {
    g: &'p GcGraph,
    included: &'p crate::snapshot::graph::Included,
    page: Bits,
    /// Marked from the root alone (rule 2).
    from_root: Bits,
    /// Rule 3's extra starting points.
    orphans: Vec<u32>,
    global: Option<u32>,
    /// Per object ordinal: the sub-roots holding it (their slot edges).
    sub_root_targets: Vec<u32>,
    /// Rule 4 per object ordinal: the node its self size is shown on — its owner, or itself.
    /// (Ownership is one level deep: an owner owns itself, so this is the whole
    /// redistribution, in half the memory of the redistributed sizes.)
    shown_on: Vec<u32>,
}

/// Objects answered per traversal: one per bit of a mask.
const LANES: usize = 64;

const UNVISITED: u32 = u32::MAX;
const MANY: u32 = u32::MAX - 1;

impl<'p> DevtoolsOracle<'p> {
    /// DevTools' rules applied to the snapshot `p` of `heap`.
    pub fn new(heap: &Heap, p: &'p Prepared) -> DevtoolsOracle<'p> {
        let g = &p.graph;
        let global = g
            .index
            .ordinal(heap.global().addr())
            .filter(|&o| p.included.contains(o));
        let mut sub_root_targets: Vec<u32> = g
            .roots
            .iter()
            .map(|&(_, o)| o)
            .filter(|&o| p.included.contains(o))
            .collect();
        sub_root_targets.sort_unstable();
        sub_root_targets.dedup();
        let mut o = DevtoolsOracle {
            g,
            included: &p.included,
            page: Bits::new(g.len() as usize),
            from_root: Bits::new(g.len() as usize),
            orphans: Vec::new(),
            global,
            sub_root_targets,
            shown_on: Vec::new(),
        };
        o.page = o.page_owned();
        o.from_root = o.mark(&[]);
        o.orphans = o.unreachable_starts();
        o.shown_on = o.size_owners(heap, p);
        o
    }

    /// `devtools_retained` of each object ordinal of `objs` (see the module doc), 64 per
    /// traversal ([`Self::lanes`]).
    pub fn retained_many(&self, objs: &[u32]) -> Vec<Result<u64, Undefined>> {
        let all = self.mark(&self.orphans);
        let defined: Vec<u32> = objs
            .iter()
            .copied()
            .filter(|&o| self.included.contains(o) && self.from_root.get(o))
            .collect();
        let mut answers = defined
            .chunks(LANES)
            .flat_map(|batch| self.lanes(&all, batch))
            .collect::<Vec<_>>()
            .into_iter();
        objs.iter()
            .map(|&o| {
                if !self.included.contains(o) {
                    Err(Undefined::NotInSnapshot)
                } else if !self.from_root.get(o) {
                    Err(Undefined::UnreachableInDevtools)
                } else {
                    Ok(answers.next().expect("one answer per defined object"))
                }
            })
            .collect()
    }

    /// Up to 64 exclusions in one traversal: lane `i` of an object's mask means "marked with
    /// `batch[i]` excluded". Starts get every lane but their own; an essential edge gives
    /// its target the source's lanes minus the target's own; a worklist re-pushes a node
    /// whenever its mask grows, to the fixpoint (Kildall's bit-vector dataflow, as
    /// [`super::lanes`] does for the collector's marking). Lane `i`'s answer is the
    /// redistributed size of the nodes `all` marks and the lane misses.
    fn lanes(&self, all: &Bits, batch: &[u32]) -> Vec<u64> {
        let n = self.g.len() as usize;
        let full = if batch.len() == LANES {
            u64::MAX
        } else {
            (1u64 << batch.len()) - 1
        };
        // The batch's own lanes by ordinal: a mask per sample, not per object (which would
        // double this traversal's memory, at the generator's peak).
        let own = Excluded::new(batch.iter().map(|&o| o as usize));
        let mut mask = vec![0u64; n];
        let mut stack = Vec::new();
        let offer = |t: u32, lanes: u64, mask: &mut [u64], stack: &mut Vec<u32>| {
            let add = lanes & !own.lanes_of(t as usize) & !mask[t as usize];
            if add != 0 {
                mask[t as usize] |= add;
                stack.push(t);
            }
        };
        for t in self.starts() {
            offer(t, full, &mut mask, &mut stack);
        }
        let mut edges = Vec::new();
        while let Some(o) = stack.pop() {
            let lanes = mask[o as usize];
            let from_page = self.page.get(o);
            self.non_weak_edges(o, &mut edges);
            for &(t, table_side) in &edges {
                if !table_side && t != o && (from_page || !self.page.get(t)) {
                    offer(t, lanes, &mut mask, &mut stack);
                }
            }
        }
        let mut bytes = vec![0u64; batch.len()];
        for (&shown, &size) in self.shown_on.iter().zip(&self.g.size) {
            if !all.get(shown) {
                continue;
            }
            let missed = full & !mask[shown as usize];
            if missed != 0 {
                for (i, b) in bytes.iter_mut().enumerate() {
                    if missed & (1 << i) != 0 {
                        *b += size as u64;
                    }
                }
            }
        }
        bytes
    }

    /// Where marking starts: the global object (the root's shortcut), the sub-roots' slots
    /// that are not page-owned, and rule 3's extra starts.
    fn starts(&self) -> impl Iterator<Item = u32> + '_ {
        self.global
            .into_iter()
            .chain(
                self.sub_root_targets
                    .iter()
                    .copied()
                    .filter(|&t| !self.page.get(t)),
            )
            .chain(self.orphans.iter().copied())
    }

    /// The redistributed self size DevTools shows for object ordinal `o` (rule 4): the
    /// sizes shown on it, found by a pass over every object.
    pub fn self_size(&self, o: u32) -> u64 {
        self.shown_on
            .iter()
            .zip(&self.g.size)
            .filter(|&(&shown, _)| shown == o)
            .map(|(_, &size)| size as u64)
            .sum()
    }

    /// Non-weak snapshot edges of `o`: traced slots and both sides of its WeakMap entries,
    /// each with whether it is the table's side.
    fn non_weak_edges(&self, o: u32, out: &mut Vec<(u32, bool)>) {
        let (g, inc) = (self.g, self.included);
        out.clear();
        out.extend(
            g.targets(o)
                .filter(|&(t, traced)| traced && inc.contains(t))
                .map(|(t, _)| (t, false)),
        );
        out.extend(
            g.entries_of_table(o)
                .iter()
                .filter(|&&(_, k, v)| inc.contains(k) && inc.contains(v))
                .map(|&(_, _, v)| (v, true)),
        );
        out.extend(
            g.entries_of_key(o)
                .iter()
                .filter(|&&(_, v, t)| inc.contains(v) && inc.contains(t))
                .map(|&(_, v, _)| (v, false)),
        );
    }

    /// Rule 1.
    fn page_owned(&self) -> Bits {
        let mut page = Bits::new(self.g.len() as usize);
        let mut stack: Vec<u32> = self.global.into_iter().collect();
        stack.iter().for_each(|&o| page.set(o));
        let mut edges = Vec::new();
        while let Some(o) = stack.pop() {
            self.non_weak_edges(o, &mut edges);
            for &(t, _) in &edges {
                if !page.get(t) {
                    page.set(t);
                    stack.push(t);
                }
            }
        }
        page
    }

    /// Marking over essential edges (rule 2) from the root and `extra`.
    fn mark(&self, extra: &[u32]) -> Bits {
        let mut marked = Bits::new(self.g.len() as usize);
        let mut stack = Vec::new();
        let visit = |t: u32, marked: &mut Bits, stack: &mut Vec<u32>| {
            if !marked.get(t) {
                marked.set(t);
                stack.push(t);
            }
        };
        let roots = self.global.into_iter().chain(
            self.sub_root_targets
                .iter()
                .copied()
                .filter(|&t| !self.page.get(t)),
        );
        for t in roots.chain(extra.iter().copied()) {
            visit(t, &mut marked, &mut stack);
        }
        let mut edges = Vec::new();
        while let Some(o) = stack.pop() {
            let from_page = self.page.get(o);
            self.non_weak_edges(o, &mut edges);
            for &(t, table_side) in &edges {
                if !table_side && t != o && (from_page || !self.page.get(t)) {
                    visit(t, &mut marked, &mut stack);
                }
            }
        }
        marked
    }

    /// Rule 3: the snapshot's objects the root does not reach — first those without any
    /// essential retainer, then, after marking from those, every one still unmarked.
    fn unreachable_starts(&self) -> Vec<u32> {
        let n = self.g.len();
        let mut retained = Bits::new(n as usize);
        let mut edges = Vec::new();
        for o in (0..n).filter(|&o| self.included.contains(o)) {
            let from_page = self.page.get(o);
            self.non_weak_edges(o, &mut edges);
            for &(t, table_side) in &edges {
                if !table_side && t != o && (from_page || !self.page.get(t)) {
                    retained.set(t);
                }
            }
        }
        for &t in self.sub_root_targets.iter().filter(|&&t| !self.page.get(t)) {
            retained.set(t);
        }
        let unreached = |marked: &Bits, o: u32| {
            self.included.contains(o) && !marked.get(o) && Some(o) != self.global
        };
        let mut starts: Vec<u32> = (0..n)
            .filter(|&o| unreached(&self.from_root, o) && !retained.get(o))
            .collect();
        let first = self.mark(&starts);
        starts.extend((0..n).filter(|&o| unreached(&first, o)));
        starts
    }

    /// Rule 4: per object, the node its size is shown on. Owners are object ordinals, or
    /// `len + s` for sub-root `s` (which receive nothing).
    fn size_owners(&self, heap: &Heap, p: &Prepared) -> Vec<u32> {
        let n = self.g.len();
        let kinds = node_kinds(heap, &p.graph, &p.included, p.format);
        let ownable =
            |o: u32| matches!(kinds[o as usize], Some(NodeKind::Hidden | NodeKind::Array));
        let mut owner = vec![UNVISITED; n as usize];
        let mut work = Vec::new();
        for o in (0..n).filter(|&o| self.included.contains(o)) {
            if !ownable(o) {
                owner[o as usize] = o;
                work.push(o);
            }
        }
        // Sub-roots are synthetic nodes owning themselves; they hand ownership to their
        // slots' targets like any owner.
        for &(kind, t) in &self.g.roots {
            if self.included.contains(t) {
                let s = sub_root_for(p.format, RootKind::ALL[kind as usize]) as u32;
                claim(&mut owner, &mut work, t, n + s);
            }
        }
        let mut edges = Vec::new();
        while let Some(o) = work.pop() {
            let own = owner[o as usize];
            self.non_weak_edges(o, &mut edges);
            for &(t, _) in &edges {
                claim(&mut owner, &mut work, t, own);
            }
        }
        for (o, own) in (0..n).zip(owner.iter_mut()) {
            if *own == UNVISITED || *own == MANY || *own >= n {
                *own = o;
            }
        }
        owner
    }
}

/// One step of the owner fixpoint: `t` is reached from a node owned by `own`.
fn claim(owner: &mut [u32], work: &mut Vec<u32>, t: u32, own: u32) {
    let cur = owner[t as usize];
    if cur == UNVISITED {
        owner[t as usize] = own;
        work.push(t);
    } else if cur != t && cur != own && cur != MANY {
        owner[t as usize] = MANY;
        work.push(t);
    }
}
