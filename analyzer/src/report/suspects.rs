//! Leak suspects, in the manner of Eclipse MAT's "Leak Suspects" report.
//!
//! MAT (`org.eclipse.mat.inspections.FindLeaksQuery`) reports every object of the dominator
//! tree's top level whose retained size passes a threshold of the heap, then, when no single
//! object does, classes whose top-level instances pass it together. A V8 heap has no useful
//! top level — the synthetic root dominates `(GC roots)` and its sub-roots, the global
//! object, and module scopes (`system / Context`) dominate almost everything — so the walk
//! here starts at the root and *passes through* containers that explain nothing to a user:
//!
//! * the synthetic root and every `synthetic` node (`(GC roots)`, `(Strong roots)`, ...);
//! * `system / Context` and `system / NativeContext` (closure scopes, module scopes);
//! * the global object (targets of the root's `shortcut` edges, and objects V8 names
//!   `global` or `Window`).
//!
//! Two kinds of frontier nodes are runtime infrastructure a user cannot act on, and are
//! neither reported nor descended into: V8's own internals at the top level (internal
//! arrays such as the number-string cache, `system / …` objects, code), and functions
//! defined by Node.js itself (closures whose script is a `node:` URL — e.g. `BuiltinModule`,
//! Node's registry of its built-in modules, which alone passes 10 % of a fresh process's
//! 3–6 MB heap). Leaks *into* Node's machinery still show: they hang below user-reachable
//! objects (the talk's `TimersList` is reached through `global`'s timer functions' scope).
//!
//! The remaining non-container nodes met (the *frontier*) are candidates: each whose retained
//! size is at least `threshold` of the total is an object suspect. Then the frontier is
//! grouped by class ([`super::labels`]): a class whose frontier instances together pass the
//! threshold while none does alone is a class-group suspect (MAT's second rule; the talk's
//! 20 000 `Timeout`s when nothing else holds them). Two V8-specific limits keep this rule to
//! real pile-ups: only objects a program allocates count (`object`, `closure`, `regexp`,
//! `native`, not `system / …` — strings at the top level are shared through the string
//! table, not leaked), and a group needs at least `min_group_count` members (default
//! [`MIN_GROUP_COUNT`]): a fresh Node process already holds ~100 bootstrap objects, each
//! reachable from several roots, that pass 10 % together on a 3 MB heap. Retained sizes of frontier nodes never
//! overlap (no frontier node dominates another), so group sums count nothing twice.
//!
//! The walk only visits containers and their children: one pass over a subset of the
//! dominator tree with an explicit stack.

use std::collections::HashMap;

use super::accumulation::{self, Accumulation};
use super::allocation_stacks::{self, Stack};
use super::labels::{self, LabelIx, Labeler};
use super::DomView;
use crate::snapshot::NodeIx;
use format::{EdgeKind, NodeKind};

/// Default threshold, percent of the total heap (MAT's default).
pub const DEFAULT_THRESHOLD_PCT: f64 = 10.0;

/// Fewest instances of a class-group suspect.
pub const MIN_GROUP_COUNT: u64 = 1000;

/// How many accumulated-object groups a suspect lists.
pub const MAX_GROUPS: usize = 10;

#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Percent of the total heap a suspect must retain.
    pub threshold_pct: f64,
    /// Accumulation walk ratio ([`accumulation::BIG_DROP_RATIO`]).
    pub ratio: f64,
    /// At most this many suspects (largest first).
    pub top: usize,
    /// Fewest instances of a class-group suspect.
    pub min_group_count: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            threshold_pct: DEFAULT_THRESHOLD_PCT,
            ratio: accumulation::BIG_DROP_RATIO,
            top: usize::MAX,
            min_group_count: MIN_GROUP_COUNT,
        }
    }
}

/// Objects of one class dominated by the accumulation point.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub label: String,
    pub count: u64,
    pub retained_size: u64,
    /// The largest member, to expand with `heapsim tree FILE @ID`.
    pub largest: NodeIx,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SuspectKind {
    /// One object retains at least the threshold.
    Object,
    /// `count` objects of one class together retain at least the threshold; `node` is the
    /// largest of them.
    ClassGroup { label: String, count: u64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Suspect {
    pub kind: SuspectKind,
    pub node: NodeIx,
    pub retained_size: u64,
    pub percent: f64,
    pub accumulation: Accumulation,
    /// Class names on the chain from the suspect to the accumulation point, in order,
    /// without repeats and without V8 internals.
    pub keywords: Vec<String>,
    /// The accumulation point's dominated objects grouped by class, largest first.
    pub groups: Vec<Group>,
    /// The same objects (a class group's instances) grouped by allocation stack; `None`
    /// when the snapshot has no allocation traces.
    pub stacks: Option<Vec<Stack>>,
}

/// Is `n` a container the walk passes through?
fn passes_through(view: &DomView, n: NodeIx, globals: &[NodeIx]) -> bool {
    let s = view.snapshot;
    if n == 0 || s.node_kind(n) == NodeKind::Synthetic || globals.contains(&n) {
        return true;
    }
    let name = s.node_name(n);
    matches!(name, "system / Context" | "system / NativeContext")
        || (s.node_kind(n) == NodeKind::Object
            && (name == "global" || name == "Window" || name.starts_with("Window / ")))
}

/// V8 internals and Node.js's own functions: not a suspect, not a way to one.
fn is_runtime_internal(view: &DomView, n: NodeIx) -> bool {
    let s = view.snapshot;
    if labels::is_internal(s, n) {
        return true;
    }
    s.node_kind(n) == NodeKind::Closure
        && labels::closure_site(s, n)
            .is_some_and(|(script, _)| s.node_name(script).starts_with("node:"))
}

/// Finds the suspects of one snapshot, largest first.
pub fn find(view: &DomView, p: &Params) -> Vec<Suspect> {
    let s = view.snapshot;
    if s.node_count() == 0 {
        return Vec::new();
    }
    let total = view.tree.total();
    let threshold = (total as f64 * p.threshold_pct / 100.0).ceil().max(1.0) as u64;
    let globals: Vec<NodeIx> = s
        .edge_range(0)
        .filter(|&e| s.edge_kind(e) == EdgeKind::Shortcut)
        .map(|e| s.edge_to(e))
        .collect();

    let mut labeler = Labeler::new(view.classes);
    let mut objects: Vec<NodeIx> = Vec::new();
    // Per class over the frontier: (count, retained sum, largest instance, its retained).
    let mut classes: HashMap<LabelIx, (u64, u64, NodeIx, u64)> = HashMap::new();
    // Per class, its frontier instances: only needed for their allocation stacks.
    let tracked = !s.traces.is_empty();
    let mut members: HashMap<LabelIx, Vec<NodeIx>> = HashMap::new();
    let mut stack: Vec<NodeIx> = vec![0];
    while let Some(c) = stack.pop() {
        for &k in view.tree.children(c) {
            if passes_through(view, k, &globals) {
                stack.push(k);
                continue;
            }
            if is_runtime_internal(view, k) {
                continue;
            }
            let r = view.tree.retained[k as usize];
            if r >= threshold {
                objects.push(k);
            }
            if !super::diff::is_leak_candidate(s, k) {
                continue;
            }
            let label = labeler.of(s, k);
            if tracked {
                members.entry(label).or_default().push(k);
            }
            let e = classes.entry(label).or_insert((0, 0, k, 0));
            e.0 += 1;
            e.1 += r;
            if r > e.3 {
                e.2 = k;
                e.3 = r;
            }
        }
    }

    let mut out: Vec<Suspect> = objects
        .iter()
        .map(|&n| {
            let acc = accumulation::find(view, n, p.ratio);
            let held = accumulated(view, &acc);
            Suspect {
                kind: SuspectKind::Object,
                node: n,
                retained_size: view.tree.retained[n as usize],
                percent: view.tree.percent(view.tree.retained[n as usize]),
                keywords: keywords(view, &acc),
                accumulation: acc,
                groups: group_by_class(view, held.iter().copied(), &mut labeler),
                stacks: allocation_stacks::of(s, held.into_iter()),
            }
        })
        .collect();
    for (&label, &(count, sum, largest, max)) in &classes {
        if count >= p.min_group_count.max(2) && sum >= threshold && max < threshold {
            let acc = accumulation::find(view, largest, p.ratio);
            let text = labeler.label(label).to_string();
            out.push(Suspect {
                kind: SuspectKind::ClassGroup {
                    label: text.clone(),
                    count,
                },
                node: largest,
                retained_size: sum,
                percent: view.tree.percent(sum),
                keywords: vec![text.clone()],
                groups: vec![Group {
                    label: text,
                    count,
                    retained_size: sum,
                    largest,
                }],
                stacks: allocation_stacks::of(
                    s,
                    members.get(&label).into_iter().flatten().copied(),
                ),
                accumulation: acc,
            });
        }
    }
    out.sort_by(|a, b| {
        b.retained_size
            .cmp(&a.retained_size)
            .then(a.node.cmp(&b.node))
    });
    out.truncate(p.top);
    out
}

/// Class names from the suspect to the accumulation point — through one link of a chain.
fn keywords(view: &DomView, acc: &Accumulation) -> Vec<String> {
    let s = view.snapshot;
    let point = acc.chain.iter().position(|&n| n == acc.point).unwrap_or(0);
    let last = point + acc.repeat.as_ref().map_or(0, |c| c.pattern.len());
    let mut out: Vec<String> = Vec::new();
    for &n in acc.chain.iter().take(last + 1) {
        if labels::is_internal(s, n) {
            continue;
        }
        let name = labels::object_name(view, n);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// An object suspect's accumulated objects: the dominator children of the walk's bottom —
/// or, when the walk ends in a chain, what the links hold: the dominator children of the
/// walk's nodes from the chain's head on that are not the walk's next node. Their retained
/// sizes never overlap, and with the links' own sizes they add up to the head's retained
/// size.
fn accumulated(view: &DomView, acc: &Accumulation) -> Vec<NodeIx> {
    let Some(chain) = &acc.repeat else {
        return view.tree.children(acc.bottom).to_vec();
    };
    let from = acc.chain.iter().position(|&n| n == chain.head).unwrap_or(0);
    let links = &acc.chain[from..];
    links
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| {
            let next = links.get(i + 1).copied();
            view.tree
                .children(n)
                .iter()
                .copied()
                .filter(move |&c| Some(c) != next)
        })
        .collect()
}

/// `nodes` grouped by class, largest first, at most [`MAX_GROUPS`].
fn group_by_class(
    view: &DomView,
    nodes: impl Iterator<Item = NodeIx>,
    labeler: &mut Labeler,
) -> Vec<Group> {
    let s = view.snapshot;
    let mut by: HashMap<LabelIx, Group> = HashMap::new();
    for c in nodes {
        let l = labeler.of(s, c);
        let r = view.tree.retained[c as usize];
        let g = by.entry(l).or_insert_with(|| Group {
            label: labeler.label(l).to_string(),
            count: 0,
            retained_size: 0,
            largest: c,
        });
        g.count += 1;
        g.retained_size += r;
        if r > view.tree.retained[g.largest as usize] {
            g.largest = c;
        }
    }
    let mut groups: Vec<Group> = by.into_values().collect();
    groups.sort_by(|a, b| {
        b.retained_size
            .cmp(&a.retained_size)
            .then(a.label.cmp(&b.label))
    });
    groups.truncate(MAX_GROUPS);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::non_weak_tree;
    use crate::snapshot::SnapshotBuilder;

    /// root → (GC roots) → Context → Client → Array → store → 20 closures, plus a global
    /// object holding 30 small `Timeout`s that only matter together.
    fn heap(timeouts: usize) -> (crate::snapshot::HeapSnapshot, NodeIx, NodeIx) {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let global = b.node(NodeKind::Object, "global", 100);
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(root, EdgeKind::Shortcut, "2", global);
        b.edge(gc, EdgeKind::Element, "1", global);
        let ctx = b.node(NodeKind::Object, "system / Context", 40);
        b.edge(gc, EdgeKind::Element, "2", ctx);
        let client = b.node(NodeKind::Object, "Client", 50);
        b.edge(ctx, EdgeKind::Context, "client", client);
        let arr = b.node(NodeKind::Object, "Array", 32);
        b.edge(client, EdgeKind::Property, "listeners", arr);
        let store = b.node(NodeKind::Array, "(object elements)", 16);
        b.edge(arr, EdgeKind::Internal, "elements", store);
        for i in 0..20 {
            let f = b.node(NodeKind::Closure, "onError", 100);
            b.edge(store, EdgeKind::Element, &i.to_string(), f);
        }
        for i in 0..timeouts {
            let t = b.node(NodeKind::Object, "Timeout", 100);
            b.edge(global, EdgeKind::Property, &format!("t{i}"), t);
        }
        let s = b.finish();
        (s, client, arr)
    }

    #[test]
    fn passes_through_roots_contexts_and_global_to_the_first_big_object() {
        let (s, client, arr) = heap(2);
        let d = non_weak_tree(&s);
        let c = crate::devtools::classes::Classes::build(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let found = find(&v, &Params::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let x = &found[0];
        assert_eq!(x.kind, SuspectKind::Object);
        assert_eq!(x.node, client);
        assert_eq!(x.accumulation.point, arr);
        assert_eq!(x.keywords, vec!["Client".to_string(), "Array".into()]);
        assert_eq!(x.groups.len(), 1);
        assert_eq!(x.groups[0].count, 20);
        assert_eq!(x.groups[0].retained_size, 2000);
        assert_eq!(x.groups[0].label, "closure \"onError\"");
    }

    #[test]
    fn many_small_instances_form_a_class_group_suspect() {
        let (s, client, _) = heap(30);
        let d = non_weak_tree(&s);
        let c = crate::devtools::classes::Classes::build(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let p = Params {
            min_group_count: 10,
            ..Params::default()
        };
        assert_eq!(find(&v, &Params::default()).len(), 1);
        let found = find(&v, &p);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0].kind,
            SuspectKind::ClassGroup {
                label: "Timeout".into(),
                count: 30
            }
        );
        assert_eq!(found[0].retained_size, 3000);
        assert_eq!(found[1].node, client);
        let top1 = find(&v, &Params { top: 1, ..p });
        assert_eq!(top1.len(), 1);
    }

    #[test]
    fn nothing_above_the_threshold_means_no_suspect() {
        let (s, ..) = heap(2);
        let d = non_weak_tree(&s);
        let c = crate::devtools::classes::Classes::build(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let found = find(
            &v,
            &Params {
                threshold_pct: 90.0,
                ..Params::default()
            },
        );
        assert!(found.is_empty());
    }
}
