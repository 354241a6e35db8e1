//! The Dominator treemap: the top of the dominator tree as nested rectangles, area =
//! retained size, colour = class ([`crate::palette`]), same-class siblings folded as
//! `heapsim tree` folds them (the rows are [`cluster_tree::build`]'s).
//!
//! Layout: the squarified treemap of Bruls, Huizing and van Wijk ("Squarified Treemaps",
//! 2000): children, largest first, are laid in rows along the shorter side of the free
//! rectangle, a row growing while that does not worsen its worst aspect ratio. A parent's
//! own size and the children cut off by the tree's limits keep their share of its area as
//! an undrawn remainder, so every area stays proportional to retained size. Each parent
//! keeps a header strip for its label. The page zooms by moving the SVG's `viewBox` onto a
//! tile (assets/treemap.js); a click also shows the tile's object (or a folded group's
//! largest member).

use analyzer::report::cluster_tree::{self, Row, RowKind};
use analyzer::report::{labels, DomView};
use analyzer::units::human_bytes;
use askama::Template;

use super::objects::Objects;
use crate::palette::class_colour;

/// The picture's size in SVG units.
pub const WIDTH: f64 = 1100.0;
pub const HEIGHT: f64 = 640.0;
/// A parent's label strip.
const HEADER: f64 = 16.0;
/// Tiles thinner than this are not drawn, nor are their children.
const MIN_SIDE: f64 = 3.0;

/// The tree's limits: levels below the root, rows per parent, smallest row (of the heap).
pub const DEPTH: u32 = 8;
pub const MAX_ROWS: usize = 15;
pub const MIN_SIZE_DIVISOR: u64 = 400;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Squarifies `sizes` (largest first, positive) into `r`, whose area they fill exactly
/// when they sum to `total`; returns one rectangle per size.
pub fn squarify(sizes: &[f64], total: f64, r: Rect) -> Vec<Rect> {
    let scale = if total > 0.0 { r.w * r.h / total } else { 0.0 };
    let area: Vec<f64> = sizes.iter().map(|s| s * scale).collect();
    let mut out = vec![Rect::default(); sizes.len()];
    let mut free = r;
    let mut i = 0;
    while i < area.len() {
        let side = free.w.min(free.h);
        let mut j = i + 1;
        while j < area.len() && worst(&area[i..=j], side) <= worst(&area[i..j], side) {
            j += 1;
        }
        let row: f64 = area[i..j].iter().sum();
        let thick = if side > 0.0 { row / side } else { 0.0 };
        let mut at = 0.0;
        for k in i..j {
            let len = if thick > 0.0 { area[k] / thick } else { 0.0 };
            out[k] = if free.w >= free.h {
                Rect {
                    x: free.x,
                    y: free.y + at,
                    w: thick,
                    h: len,
                }
            } else {
                Rect {
                    x: free.x + at,
                    y: free.y,
                    w: len,
                    h: thick,
                }
            };
            at += len;
        }
        if free.w >= free.h {
            free.x += thick;
            free.w -= thick;
        } else {
            free.y += thick;
            free.h -= thick;
        }
        i = j;
    }
    out
}

/// The worst aspect ratio of a row of `areas` laid along `side` (Bruls et al.'s `worst`).
fn worst(areas: &[f64], side: f64) -> f64 {
    let sum: f64 = areas.iter().sum();
    let max = areas.iter().cloned().fold(0.0, f64::max);
    let min = areas.iter().cloned().fold(f64::INFINITY, f64::min);
    let (s2, w2) = (sum * sum, side * side);
    if s2 == 0.0 || min == 0.0 {
        return f64::INFINITY;
    }
    (w2 * max / s2).max(s2 / (w2 * min))
}

/// One drawn tile.
pub struct Tile {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub depth: u32,
    pub fill: &'static str,
    pub label: String,
    pub title: String,
    /// The object a click shows (`@id`), empty for a `… more` tile.
    pub object: String,
    pub parent: bool,
}

#[derive(Template)]
#[template(path = "leak/treemap.html")]
struct TreemapHtml {
    tiles: Vec<Tile>,
    width: f64,
    height: f64,
    rows: usize,
}

/// The children of each row (indices into `rows`), from the pre-order depths.
fn children(rows: &[Row]) -> Vec<Vec<usize>> {
    let mut kids = vec![Vec::new(); rows.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        while stack.last().is_some_and(|&p| rows[p].depth >= r.depth) {
            stack.pop();
        }
        if let Some(&p) = stack.last() {
            kids[p].push(i);
        }
        stack.push(i);
    }
    kids
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// The tile of row `r` in rectangle `at`; the object it shows is listed in `objects`.
fn tile(view: &DomView, r: &Row, at: Rect, parent: bool, objects: &mut Objects) -> Tile {
    let s = view.snapshot;
    let pct = view.tree.percent(r.retained_size);
    let size = human_bytes(r.retained_size);
    let (label, class, object) = match &r.kind {
        RowKind::Node { node } => {
            let class = labels::object_name(view, *node);
            objects.add(*node);
            (format!("{class} @{}", s.node_id(*node)), class, Some(*node))
        }
        RowKind::Folded {
            label,
            count,
            largest,
        } => {
            objects.add(*largest);
            (format!("{label} ×{count}"), label.clone(), Some(*largest))
        }
        RowKind::More { count } => (format!("… {count} more"), String::new(), None),
    };
    Tile {
        x: fmt(at.x),
        y: fmt(at.y),
        w: fmt(at.w),
        h: fmt(at.h),
        depth: r.depth,
        fill: if object.is_some() {
            class_colour(&class)
        } else {
            "#e3e6eb"
        },
        title: format!("{label}: {size} ({pct:.1} %)"),
        label,
        object: object
            .map(|n| format!("@{}", s.node_id(n)))
            .unwrap_or_default(),
        parent,
    }
}

/// The folded dominator tree from the root, laid out; drawn objects go into `objects`.
pub fn tiles(view: &DomView, objects: &mut Objects) -> (Vec<Tile>, usize) {
    let params = cluster_tree::Params {
        depth: DEPTH,
        min_size: view.tree.total() / MIN_SIZE_DIVISOR,
        max_rows: MAX_ROWS,
        fold: true,
    };
    let rows = cluster_tree::build(view, view.snapshot.root(), &params);
    let kids = children(&rows);
    let mut out = Vec::new();
    // (row, its rectangle); the root's rectangle is the whole picture and is not drawn.
    let mut stack = vec![(
        0usize,
        Rect {
            x: 0.0,
            y: 0.0,
            w: WIDTH,
            h: HEIGHT,
        },
    )];
    while let Some((i, at)) = stack.pop() {
        let inner = if i == 0 {
            at
        } else {
            let has_kids = !kids[i].is_empty() && at.h > 3.0 * HEADER && at.w > 60.0;
            out.push(tile(view, &rows[i], at, has_kids, objects));
            if !has_kids {
                continue;
            }
            Rect {
                x: at.x + 2.0,
                y: at.y + HEADER,
                w: at.w - 4.0,
                h: at.h - HEADER - 2.0,
            }
        };
        let mut sizes: Vec<f64> = kids[i]
            .iter()
            .map(|&k| rows[k].retained_size as f64)
            .collect();
        let shown: f64 = sizes.iter().sum();
        let rest = rows[i].retained_size as f64 - shown;
        if rest > 0.0 {
            sizes.push(rest);
        }
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by(|&a, &b| sizes[b].total_cmp(&sizes[a]));
        let sorted: Vec<f64> = order.iter().map(|&k| sizes[k]).collect();
        let rects = squarify(&sorted, shown + rest.max(0.0), inner);
        for (&k, &r) in order.iter().zip(&rects).rev() {
            if k < kids[i].len() && r.w >= MIN_SIDE && r.h >= MIN_SIDE {
                stack.push((kids[i][k], r));
            }
        }
    }
    (out, rows.len())
}

/// The section's HTML.
pub fn html(view: &DomView, objects: &mut Objects) -> askama::Result<String> {
    let (tiles, rows) = tiles(view, objects);
    TreemapHtml {
        tiles,
        width: WIDTH,
        height: HEIGHT,
        rows,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squarified_areas_are_proportional_and_inside() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 600.0,
            h: 400.0,
        };
        let sizes = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let out = squarify(&sizes, 24.0, r);
        for (s, q) in sizes.iter().zip(&out) {
            assert!((q.w * q.h - s * 10_000.0).abs() < 1e-6, "{q:?}");
            assert!(
                q.x >= 0.0 && q.y >= 0.0 && q.x + q.w <= 600.0 + 1e-9 && q.y + q.h <= 400.0 + 1e-9
            );
        }
        // The paper's example: the first row holds the two 6s side by side.
        assert_eq!(out[0].w, out[1].w);
    }

    #[test]
    fn children_follow_the_preorder_depths() {
        let row = |depth| Row {
            depth,
            kind: RowKind::More { count: 1 },
            retained_size: 1,
        };
        let rows = [row(0), row(1), row(2), row(1), row(2), row(2)];
        assert_eq!(
            children(&rows),
            vec![vec![1, 3], vec![2], vec![], vec![4, 5], vec![], vec![]]
        );
    }
}
