//! The Retainer graph of the first suspect: a small picture of the objects around it —
//! nodes are objects, arrows are references (weak ones dashed) — laid out in layers.
//!
//! Which objects (at most [`MAX_NODES`]): the suspect's retainer path from its root's
//! child, the suspect's chain down to its accumulation point
//! ([`analyzer::report::accumulation`]), a few of the accumulated objects (the bottom's
//! largest dominator-tree children), and up to [`EXTRA_RETAINERS`] more retainers of each
//! object on the path, so the picture shows what else holds it. Edges are all references
//! among the chosen objects (one arrow per ordered pair: the first edge, strong before
//! weak).
//!
//! Layout (Sugiyama-style layering, without crossing reduction): an object's layer is its
//! breadth-first distance from the path's first object over the chosen edges; an object
//! not reached that way sits one layer left of what it retains. Layers are columns, left
//! to right, each listed in the order objects were chosen.

use std::collections::HashMap;

use analyzer::report::suspects::Suspect;
use analyzer::report::{labels, DomView};
use analyzer::snapshot::NodeIx;
use analyzer::units::human_bytes;
use askama::Template;
use format::EdgeKind;

use super::objects::Objects;
use crate::palette::class_colour;

/// At most this many objects are drawn.
pub const MAX_NODES: usize = 28;
/// Other retainers shown per object on the retainer path.
pub const EXTRA_RETAINERS: usize = 2;
/// Accumulated objects shown below the accumulation point.
pub const ACCUMULATED: usize = 5;

const COLUMN: f64 = 210.0;
const ROW: f64 = 54.0;
const BOX_W: f64 = 170.0;
const BOX_H: f64 = 34.0;
const MARGIN: f64 = 12.0;

pub struct GraphNode {
    pub x: String,
    pub y: String,
    pub fill: &'static str,
    pub label: String,
    pub sub: String,
    pub object: String,
    pub suspect: bool,
}

pub struct GraphEdge {
    pub d: String,
    pub weak: bool,
    pub title: String,
}

#[derive(Template)]
#[template(path = "leak/graph.html")]
struct GraphHtml {
    nodes: Vec<GraphNode>,
    edges: Vec<GraphEdge>,
    width: String,
    height: String,
    suspect: String,
}

/// The chosen objects, in order, without repeats.
fn choose(x: &Suspect, objects: &Objects, view: &DomView) -> Vec<NodeIx> {
    let mut chosen: Vec<NodeIx> = Vec::new();
    let add = |n: NodeIx, chosen: &mut Vec<NodeIx>| {
        if chosen.len() < MAX_NODES && !chosen.contains(&n) {
            chosen.push(n);
        }
    };
    let s = view.snapshot;
    let path: Vec<NodeIx> = objects
        .path(x.node)
        .iter()
        .filter_map(|st| s.find_id(st.id))
        .collect();
    for &n in &path {
        add(n, &mut chosen);
    }
    for &n in &x.accumulation.chain {
        add(n, &mut chosen);
    }
    let bottom = x.accumulation.bottom;
    let mut kids: Vec<NodeIx> = view.tree.children(bottom).to_vec();
    kids.sort_by_key(|&k| std::cmp::Reverse(view.tree.retained[k as usize]));
    for &k in kids.iter().take(ACCUMULATED) {
        add(k, &mut chosen);
    }
    for &n in &path {
        for (_, from) in objects
            .retainers_of(n)
            .filter(|&(_, from)| from != 0 && !path.contains(&from))
            .take(EXTRA_RETAINERS)
        {
            add(from, &mut chosen);
        }
    }
    chosen
}

/// Edges among `nodes`: (from, to, weak, edge name), one per ordered pair.
fn edges_among(view: &DomView, nodes: &[NodeIx]) -> Vec<(usize, usize, bool, String)> {
    let s = view.snapshot;
    let at: HashMap<NodeIx, usize> = nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut out: Vec<(usize, usize, bool, String)> = Vec::new();
    for (i, &n) in nodes.iter().enumerate() {
        for e in s.edge_range(n) {
            let Some(&j) = at.get(&s.edge_to(e)) else {
                continue;
            };
            if i == j {
                continue;
            }
            let weak = s.edge_kind(e) == EdgeKind::Weak;
            match out.iter_mut().find(|x| x.0 == i && x.1 == j) {
                Some(x) if x.2 && !weak => *x = (i, j, weak, s.edge_name(e).into_owned()),
                Some(_) => {}
                None => out.push((i, j, weak, s.edge_name(e).into_owned())),
            }
        }
    }
    out
}

/// Layer of each node (see the module doc); node 0 is the path's first object.
fn layers(count: usize, edges: &[(usize, usize, bool, String)]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let mut layer = vec![NONE; count];
    if count == 0 {
        return layer;
    }
    layer[0] = 0;
    let mut queue = std::collections::VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        for &(from, to, _, _) in edges {
            if from == i && layer[to] == NONE {
                layer[to] = layer[i] + 1;
                queue.push_back(to);
            }
        }
    }
    for i in 0..count {
        if layer[i] == NONE {
            layer[i] = edges
                .iter()
                .filter(|x| x.0 == i && layer[x.1] != NONE)
                .map(|x| layer[x.1].saturating_sub(1))
                .min()
                .unwrap_or(0);
        }
    }
    layer
}

/// The section's HTML for the first suspect (`None`: no suspect).
pub fn html(
    view: &DomView,
    first: Option<&Suspect>,
    objects: &mut Objects,
) -> askama::Result<String> {
    let Some(x) = first else {
        return Ok("<p>No leak suspect, so no retainer graph.</p>".to_string());
    };
    let s = view.snapshot;
    let nodes = choose(x, objects, view);
    let edges = edges_among(view, &nodes);
    let layer = layers(nodes.len(), &edges);
    let mut row_in_layer = vec![0usize; nodes.len() + 1];
    let mut pos = Vec::with_capacity(nodes.len());
    for &l in &layer {
        pos.push((
            MARGIN + l as f64 * COLUMN,
            MARGIN + row_in_layer[l] as f64 * ROW,
        ));
        row_in_layer[l] += 1;
    }
    let columns = layer.iter().max().map_or(1, |m| m + 1);
    let rows = row_in_layer.iter().max().copied().unwrap_or(1).max(1);
    let drawn = nodes
        .iter()
        .zip(&pos)
        .map(|(&n, &(x0, y0))| {
            objects.add(n);
            let class = labels::object_name(view, n);
            GraphNode {
                x: format!("{x0:.1}"),
                y: format!("{y0:.1}"),
                fill: class_colour(&class),
                label: labels::shorten(&class, 26),
                sub: format!(
                    "@{} · {}",
                    s.node_id(n),
                    human_bytes(view.tree.retained[n as usize])
                ),
                object: format!("@{}", s.node_id(n)),
                suspect: n == x.node,
            }
        })
        .collect();
    let arrows = edges
        .iter()
        .map(|(i, j, weak, name)| {
            let (a, b) = (pos[*i], pos[*j]);
            let (x1, y1) = (a.0 + BOX_W, a.1 + BOX_H / 2.0);
            let (x2, y2) = (b.0, b.1 + BOX_H / 2.0);
            let d = if x2 > x1 {
                let mid = (x1 + x2) / 2.0;
                format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}")
            } else {
                // Back or same-layer references bend below the boxes.
                let low = y1.max(y2) + ROW * 0.6;
                format!(
                    "M{x1:.1},{y1:.1} C{:.1},{low:.1} {:.1},{low:.1} {x2:.1},{y2:.1}",
                    x1 + 40.0,
                    x2 - 40.0
                )
            };
            GraphEdge {
                d,
                weak: *weak,
                title: format!(
                    "{} → {} → {}",
                    labels::object_name(view, nodes[*i]),
                    labels::shorten(name, 60),
                    labels::object_name(view, nodes[*j])
                ),
            }
        })
        .collect();
    GraphHtml {
        nodes: drawn,
        edges: arrows,
        width: format!(
            "{:.0}",
            2.0 * MARGIN + (columns - 1) as f64 * COLUMN + BOX_W
        ),
        height: format!(
            "{:.0}",
            2.0 * MARGIN + (rows - 1) as f64 * ROW + BOX_H + ROW
        ),
        suspect: format!(
            "{} @{}",
            labels::object_name(view, x.node),
            s.node_id(x.node)
        ),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_bfs_distances_and_retainers_sit_left() {
        let e = |a, b| (a, b, false, String::new());
        // 0 → 1 → 2, and 3 → 2 (a retainer not reached from 0).
        let edges = [e(0, 1), e(1, 2), e(3, 2)];
        assert_eq!(layers(4, &edges), vec![0, 1, 2, 1]);
    }
}
