//! Chains: a pattern of edges that repeats along a path, reported once with its count.
//!
//! A linked list, or the closure-context leak (Meteor's "replaceThing": each new object's
//! method shares its scope with a closure that reads the previous object, so
//! `someMethod → context → originalThing` links every object to the one before), shows in
//! the dominator tree as one long chain of single children. MAT's accumulation walk
//! (`super::accumulation`) follows it to its tail and would call the *last link* the place
//! where memory accumulates; a path through it is thousands of steps long. Here a path is a
//! sequence of *steps* — (edge name, edge type, class of the node reached; element indices
//! count as one name, as in memlab's trace clustering) — and a **repeat** is a run of
//! [`MIN_REPEATS`] or more consecutive copies of one block of at most [`MAX_PERIOD`] steps.
//!
//! * [`longest_repeat`]: the run covering most steps — for each period `p`, one scan marks
//!   the positions `k` with `key[k] == key[k - p]`; a maximal stretch of them is a periodic
//!   run. O(n · [`MAX_PERIOD`]); ties go to the smaller period, then the earlier start.
//! * [`segments`]: a path cut greedily, left to right, into single steps and repeats — how
//!   `tree`, `path` and the reports print a path: `(someMethod → context → originalThing) ×2999`.
//! * [`Chain`]: a repeat on the dominator tree — its head (the node before the first repeated
//!   step), the pattern, the number of links, its last node, and its size (the head's
//!   retained size: every link dominates the rest).

use super::labels::{LabelIx, Labeler};
use super::retainer_path;
use super::DomView;
use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx};
use format::EdgeKind;

/// Fewest copies of a block that make a repeat.
pub const MIN_REPEATS: usize = 3;

/// Longest block of steps a repeat is looked for with.
pub const MAX_PERIOD: usize = 8;

/// `times` consecutive copies of the `period` steps starting at step `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repeat {
    pub start: usize,
    pub period: usize,
    pub times: usize,
}

impl Repeat {
    /// One past the last step the repeat covers.
    pub fn end(&self) -> usize {
        self.start + self.period * self.times
    }
}

/// A piece of a folded path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Step `i`, shown as it is.
    One(usize),
    Repeat(Repeat),
}

/// The run of repeated blocks covering most of `keys`, if any has [`MIN_REPEATS`] copies.
pub fn longest_repeat<K: PartialEq>(keys: &[K]) -> Option<Repeat> {
    let mut best: Option<Repeat> = None;
    for p in 1..=MAX_PERIOD.min(keys.len() / MIN_REPEATS) {
        let mut k = p;
        while k < keys.len() {
            if keys[k] != keys[k - p] {
                k += 1;
                continue;
            }
            let from = k;
            while k < keys.len() && keys[k] == keys[k - p] {
                k += 1;
            }
            // keys[from - p .. k] has period p.
            let r = Repeat {
                start: from - p,
                period: p,
                times: (k - from + p) / p,
            };
            let covers = |x: &Repeat| x.period * x.times;
            if r.times >= MIN_REPEATS && best.is_none_or(|b| covers(&r) > covers(&b)) {
                best = Some(r);
            }
        }
    }
    best
}

/// Copies of `keys[i .. i + p]` starting at `i`.
fn copies_at<K: PartialEq>(keys: &[K], i: usize, p: usize) -> usize {
    let mut k = i + p;
    while k < keys.len() && keys[k] == keys[k - p] {
        k += 1;
    }
    (k - i) / p
}

/// `keys` cut left to right into single steps and repeats (the widest at each position).
pub fn segments<K: PartialEq>(keys: &[K]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let best = (1..=MAX_PERIOD.min(keys.len() - i))
            .map(|p| Repeat {
                start: i,
                period: p,
                times: copies_at(keys, i, p),
            })
            .filter(|r| r.times >= MIN_REPEATS)
            .max_by_key(|r| (r.period * r.times, std::cmp::Reverse(r.period)));
        match best {
            Some(r) => {
                out.push(Segment::Repeat(r));
                i = r.end();
            }
            None => {
                out.push(Segment::One(i));
                i += 1;
            }
        }
    }
    out
}

/// What makes two steps "the same" step: the edge's name (all indices alike), its type,
/// and the class of the node reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepKey {
    name: u32,
    kind: u8,
    class: LabelIx,
}

/// The key of stepping over `edge` (none: the step has no single edge) into `node`.
pub fn step_key(
    s: &HeapSnapshot,
    labeler: &mut Labeler,
    edge: Option<EdgeIx>,
    node: NodeIx,
) -> StepKey {
    let (name, kind) = match edge {
        Some(e) if s.edge_kind(e).has_index_name() => (u32::MAX, s.edge_kind(e) as u8),
        Some(e) => (s.edges.name_or_index[e as usize], s.edge_kind(e) as u8),
        None => (u32::MAX, u8::MAX),
    };
    StepKey {
        name,
        kind,
        class: labeler.of(s, node),
    }
}

/// The edge from `parent` to its dominator-tree child `child`, if there is a direct one.
pub fn edge_between(s: &HeapSnapshot, parent: NodeIx, child: NodeIx) -> Option<EdgeIx> {
    s.edge_range(parent)
        .find(|&e| s.edge_to(e) == child && s.edge_kind(e) != EdgeKind::Weak)
}

/// The edge from `n` to a node it dominates whose step is `want`.
fn next_link(
    view: &DomView,
    n: NodeIx,
    want: StepKey,
    labeler: &mut Labeler,
) -> Option<(EdgeIx, NodeIx)> {
    let s = view.snapshot;
    s.edge_range(n).map(|e| (e, s.edge_to(e))).find(|&(e, c)| {
        c != n
            && view.tree.idom[c as usize] == n
            && s.edge_kind(e) != EdgeKind::Weak
            && step_key(s, labeler, Some(e), c) == want
    })
}

/// A repeat along a dominator-tree chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    /// The node before the first repeated step.
    pub head: NodeIx,
    /// The node the first repeated step reaches.
    pub first: NodeIx,
    /// The edges of one link, as property-path steps (`someMethod`, `context`, `[]`).
    pub pattern: Vec<String>,
    /// How many times the pattern repeats.
    pub links: u64,
    /// The node the last repeated step reaches.
    pub last: NodeIx,
    /// Bytes the chain retains: the head's retained size.
    pub retained_size: u64,
}

impl Chain {
    /// `someMethod → context → originalThing`.
    pub fn pattern_text(&self) -> String {
        self.pattern.join(" → ")
    }
}

/// The step keys of a dominator-tree chain `walk` (parent first): `keys[i]` leads from
/// `walk[i]` to `walk[i + 1]`.
fn walk_keys(view: &DomView, walk: &[NodeIx], labeler: &mut Labeler) -> Vec<StepKey> {
    let s = view.snapshot;
    walk.windows(2)
        .map(|w| step_key(s, labeler, edge_between(s, w[0], w[1]), w[1]))
        .collect()
}

fn chain_of(view: &DomView, walk: &[NodeIx], r: Repeat) -> Chain {
    let s = view.snapshot;
    let head = walk[r.start];
    let pattern = (r.start..r.start + r.period)
        .map(|i| match edge_between(s, walk[i], walk[i + 1]) {
            Some(e) => {
                let label = retainer_path::step_label(view, e, walk[i]);
                retainer_path::repeated_label(&label).to_string()
            }
            None => "…".to_string(),
        })
        .collect();
    Chain {
        head,
        first: walk[r.start + 1],
        pattern,
        links: r.times as u64,
        last: walk[r.end()],
        retained_size: view.tree.retained[head as usize],
    }
}

/// The chain a dominator-tree walk (parent first) ends in: the longest repeat, when it
/// reaches to within one link of the walk's end — a repeat the walk leaves behind is a way
/// to the memory, not where it lies — followed to its last link.
pub fn ending(view: &DomView, walk: &[NodeIx], labeler: &mut Labeler) -> Option<Chain> {
    let keys = walk_keys(view, walk, labeler);
    let r = longest_repeat(&keys)?;
    (r.end() + r.period >= keys.len()).then(|| follow(view, walk.to_vec(), keys, r, labeler))
}

/// The chain starting at `start`: for `tree`, which prints a chain as one row. Probes
/// [`MIN_REPEATS`] · [`MAX_PERIOD`] steps down the heaviest dominator-tree children, so a
/// node that starts no chain costs a short walk; a repeat found there is then followed
/// link by link to its end.
pub fn starting_at(view: &DomView, start: NodeIx, labeler: &mut Labeler) -> Option<Chain> {
    let mut walk = vec![start];
    let probe = MIN_REPEATS * MAX_PERIOD;
    while walk.len() <= probe {
        match view.heaviest_child(walk[walk.len() - 1]) {
            Some(c) => walk.push(c),
            None => break,
        }
    }
    let keys = walk_keys(view, &walk, labeler);
    let first = segments(&keys);
    let Some(Segment::Repeat(r)) = first.first().copied() else {
        return None;
    };
    Some(follow(view, walk, keys, r, labeler))
}

/// The chain of repeat `r` of `walk` (`keys` its steps), followed past the walk to its
/// end: the next link is the dominated child reached by the step the block repeats — not
/// the heaviest child, as the last links weigh less than what they hold besides the chain.
fn follow(
    view: &DomView,
    mut walk: Vec<NodeIx>,
    mut keys: Vec<StepKey>,
    r: Repeat,
    labeler: &mut Labeler,
) -> Chain {
    walk.truncate(r.end() + 1);
    keys.truncate(r.end());
    let s = view.snapshot;
    while let Some((e, c)) = next_link(
        view,
        walk[walk.len() - 1],
        keys[keys.len() - r.period],
        labeler,
    ) {
        walk.push(c);
        keys.push(step_key(s, labeler, Some(e), c));
    }
    let times = (keys.len() - r.start) / r.period;
    chain_of(view, &walk, Repeat { times, ..r })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::classes::Classes;
    use crate::report::non_weak_tree;
    use crate::snapshot::SnapshotBuilder;
    use format::NodeKind;

    #[test]
    fn the_longest_run_wins_and_short_runs_do_not_count() {
        let k = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(
            longest_repeat(&k("xyabcabcabcabz")),
            Some(Repeat {
                start: 2,
                period: 3,
                times: 3
            })
        );
        assert_eq!(longest_repeat(&k("abab")), None);
        assert_eq!(
            longest_repeat(&k("aaaaaa")),
            Some(Repeat {
                start: 0,
                period: 1,
                times: 6
            })
        );
        assert_eq!(
            segments(&k("xabababy")),
            vec![
                Segment::One(0),
                Segment::Repeat(Repeat {
                    start: 1,
                    period: 2,
                    times: 3
                }),
                Segment::One(7)
            ]
        );
        assert_eq!(segments(&k("ab")), vec![Segment::One(0), Segment::One(1)]);
    }

    /// root → holder → thing₀ → someMethod → Context → thing₁ → … → thing_n, each thing
    /// also holding a 100-byte string; plus five unrelated objects. thing_n's `longStr` and
    /// `someMethod` lead to an object the root holds, so every thing has one DevTools class
    /// (`{longStr, someMethod}`) and thing_n retains only itself.
    fn replace_thing(n: usize) -> (HeapSnapshot, NodeIx, Vec<NodeIx>, Vec<NodeIx>) {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let holder = b.node(NodeKind::Object, "Holder", 10);
        b.edge(root, EdgeKind::Element, "1", holder);
        let mut things = vec![b.node(NodeKind::Object, "Object", 20)];
        b.edge(holder, EdgeKind::Property, "theThing", things[0]);
        for _ in 0..n {
            let prev = *things.last().unwrap();
            let s = b.node(NodeKind::String, "x", 100);
            b.edge(prev, EdgeKind::Property, "longStr", s);
            let f = b.node(NodeKind::Closure, "someMethod", 30);
            b.edge(prev, EdgeKind::Property, "someMethod", f);
            let ctx = b.node(NodeKind::Object, "system / Context", 40);
            b.edge(f, EdgeKind::Internal, "context", ctx);
            let next = b.node(NodeKind::Object, "Object", 20);
            b.edge(ctx, EdgeKind::Context, "originalThing", next);
            things.push(next);
        }
        let shared = b.node(NodeKind::Object, "Shared", 1);
        b.edge(root, EdgeKind::Element, "7", shared);
        b.edge(things[n], EdgeKind::Property, "longStr", shared);
        b.edge(things[n], EdgeKind::Property, "someMethod", shared);
        let others = ["A", "B", "C", "D", "E"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let o = b.node(NodeKind::Object, name, 1);
                b.edge(root, EdgeKind::Element, &(i + 2).to_string(), o);
                o
            })
            .collect();
        (b.finish(), holder, things, others)
    }

    #[test]
    fn a_walk_ending_in_a_chain_reports_its_head_pattern_and_length() {
        let (s, holder, things, others) = replace_thing(50);
        let (d, classes) = (non_weak_tree(&s), Classes::build(&s));
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &classes,
        };
        let mut l = Labeler::new(&classes);
        let c = starting_at(&v, things[0], &mut l).expect("a chain");
        assert_eq!(c.head, things[0]);
        assert_eq!(s.node_name(c.first), "someMethod");
        assert_eq!(
            c.pattern_text(),
            "someMethod → context of someMethod → originalThing"
        );
        assert_eq!(c.links, 50);
        assert_eq!(c.last, things[50]);
        assert_eq!(c.retained_size, 50 * 190 + 20);
        // From the holder the first step is not part of the pattern.
        assert_eq!(starting_at(&v, holder, &mut l), None);

        let mut walk = vec![holder];
        while let Some(&c) = d
            .children(*walk.last().unwrap())
            .iter()
            .max_by_key(|&&c| d.retained[c as usize])
        {
            walk.push(c);
        }
        // The heaviest child of the 49th thing is its string: the walk ends there, the
        // chain goes on to the 50th.
        assert_eq!(s.node_kind(*walk.last().unwrap()), NodeKind::String);
        let c = ending(&v, &walk, &mut l).expect("the walk ends in the chain");
        assert_eq!((c.head, c.links, c.last), (things[0], 50, things[50]));
        // Three links, then one more step: still the chain (followed to its end); then
        // five more: past it.
        let mut short = walk[..11].to_vec();
        short.push(others[0]);
        assert_eq!(ending(&v, &short, &mut l).map(|c| c.links), Some(50));
        short.extend(&others[1..]);
        assert_eq!(ending(&v, &short, &mut l), None);
    }
}
