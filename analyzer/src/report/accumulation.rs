//! The accumulation point: where a suspect's memory actually piles up.
//!
//! Rule (Eclipse MAT's `FindLeaksQuery`, parameter `big_drop_ratio`): start at the suspect
//! and repeatedly step to its dominator-tree child with the largest retained size, as long
//! as `retained(child) / retained(parent) ≥ ratio` (default [`BIG_DROP_RATIO`] = 0.7, MAT's
//! value). Where the next step would lose more than 30 % of the memory, the memory stops
//! being *owned by a chain* and starts being *spread over many objects*: that node is the
//! accumulation point, and its dominated children are the accumulated objects.
//!
//! One V8-specific refinement: a JS array or object keeps its elements and properties in a
//! separate backing store (`(object elements)`, `(object properties)`, type `array`/`hidden`)
//! that V8 reallocates as it grows. The chain usually ends inside such a store, which means
//! nothing to a user, so the *reported* point is the last non-internal node on the chain
//! (the `Array` that owns the store, as in the talk's report), while the accumulated objects
//! are still read from the chain's true bottom. The walk is a loop over one path of the tree:
//! O(depth × fan-out), no recursion.
//!
//! When the walk ends in a repeating pattern of edges (a linked list, the closure-context
//! "replaceThing" leak: [`super::chains`]), its bottom is merely the last link that still
//! keeps 70 %: the reported point is then the chain's *head*, and the chain is reported
//! with its pattern, length and size.

use super::chains::{self, Chain};
use super::labels::{is_internal, Labeler};
use super::DomView;
use crate::snapshot::NodeIx;

/// MAT's default ratio.
pub const BIG_DROP_RATIO: f64 = 0.7;

/// The result of the walk.
#[derive(Clone, Debug, PartialEq)]
pub struct Accumulation {
    /// The walked chain, suspect first, bottom last.
    pub chain: Vec<NodeIx>,
    /// The node reported as the accumulation point (last non-internal node of `chain`).
    pub point: NodeIx,
    /// The chain's last node, whose dominator children are the accumulated objects.
    pub bottom: NodeIx,
    /// The repeating chain the walk ends in, if any (then `point` is its head).
    pub repeat: Option<Chain>,
}

/// Walks from `suspect` down the heaviest dominator-tree children while the ratio holds.
pub fn find(view: &DomView, suspect: NodeIx, ratio: f64) -> Accumulation {
    let mut chain = vec![suspect];
    let mut cur = suspect;
    loop {
        let parent = view.tree.retained[cur as usize];
        match view.heaviest_child(cur) {
            Some(c)
                if parent > 0 && view.tree.retained[c as usize] as f64 >= ratio * parent as f64 =>
            {
                chain.push(c);
                cur = c;
            }
            _ => break,
        }
    }
    let repeat = chains::ending(view, &chain, &mut Labeler::new(view.classes));
    let point = match &repeat {
        Some(c) => c.head,
        None => chain
            .iter()
            .rev()
            .copied()
            .find(|&n| !is_internal(view.snapshot, n))
            .unwrap_or(suspect),
    };
    Accumulation {
        point,
        bottom: cur,
        chain,
        repeat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::non_weak_tree;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    #[test]
    fn stops_at_the_big_drop_and_reports_the_owner_of_a_backing_store() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let client = b.node(NodeKind::Object, "Client", 50);
        let events = b.node(NodeKind::Object, "Object", 50);
        let arr = b.node(NodeKind::Object, "Array", 32);
        let store = b.node(NodeKind::Array, "(object elements)", 100);
        b.edge(root, EdgeKind::Element, "1", client);
        b.edge(client, EdgeKind::Property, "_events", events);
        b.edge(events, EdgeKind::Property, "error", arr);
        b.edge(arr, EdgeKind::Internal, "elements", store);
        for i in 0..10 {
            let f = b.node(NodeKind::Closure, "onError", 100);
            b.edge(store, EdgeKind::Element, &i.to_string(), f);
        }
        let s = b.finish();
        let d = non_weak_tree(&s);
        let c = crate::devtools::classes::Classes::build(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let a = find(&v, client, BIG_DROP_RATIO);
        assert_eq!(a.chain, vec![client, events, arr, store]);
        assert_eq!(a.point, arr);
        assert_eq!(a.bottom, store);
        assert_eq!(a.repeat, None);
        // A ratio above what any step keeps: the suspect is its own accumulation point.
        let a = find(&v, client, 0.999);
        assert_eq!((a.point, a.bottom), (client, client));
    }
}
