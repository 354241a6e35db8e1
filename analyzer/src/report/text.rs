//! Plain-text rendering of the reports: what a user reads in a terminal.
//!
//! The suspect sentence follows the talk's leak report word for word (its Chinese original:
//! `"Client"实例"@46073"占用了204,100,080 (86.52%)字节. 其内存主要积累在"Array"实例"@46089".`):
//!
//! ```text
//! Suspect 1: "Client" instance @234743 retains 14,111,888 bytes (82.8 %). Its memory is mostly accumulated in "Array" instance @236691.
//! ```
//!
//! then `Keywords:` (class names from the suspect to the accumulation point), `Path:` (the
//! shortest retainer path, [`retainer_path::text`]) and the accumulated objects grouped by class
//! (`20 000 × closure "onError" home.js:12 — 13.9 MB`). Exact bytes appear where the talk
//! has them; everything else uses [`human_bytes`].

use std::fmt::Write;

use super::cluster_tree::{Row, RowKind};
use super::diff::{ClassDelta, LeakGroup};
use super::retainer_path::{self, PathStep};
use super::strings::DuplicateString;
use super::suspects::{Suspect, SuspectKind};
use super::{labels, DomView};
use crate::snapshot::HeapSnapshot;
use crate::units::{human_bytes, thousands};

/// `20000` → `"20 000"`: counts in group rows, as the talk writes them.
pub fn count(n: u64) -> String {
    thousands(n).replace(',', " ")
}

fn instance(view: &DomView, n: u32) -> String {
    let s = view.snapshot;
    format!(
        "\"{}\" {} @{}",
        labels::object_name(view, n),
        match s.node_kind(n) {
            format::NodeKind::Closure => "closure",
            _ => "instance",
        },
        s.node_id(n)
    )
}

/// The leak report. `paths[i]` is the retainer path of `suspects[i]`.
pub fn leak_report(
    view: &DomView,
    suspects: &[Suspect],
    paths: &[Vec<PathStep>],
    threshold_pct: f64,
) -> String {
    let s = view.snapshot;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Heap: {} ({} bytes) in {} objects.",
        human_bytes(view.tree.total()),
        thousands(view.tree.total()),
        thousands(s.node_count() as u64)
    );
    if suspects.is_empty() {
        let _ = writeln!(
            o,
            "No leak suspect: no object and no class retains {threshold_pct} % or more of the heap."
        );
        return o;
    }
    for (i, x) in suspects.iter().enumerate() {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", suspect_sentence(view, i, x));
        let _ = writeln!(o, "  Keywords: {}", x.keywords.join(", "));
        if let Some(p) = paths.get(i) {
            let _ = writeln!(o, "  Path: {}", retainer_path::text(p));
        }
        if !x.groups.is_empty() {
            let what = match x.kind {
                SuspectKind::Object => {
                    format!("  Dominated by {}:", instance(view, x.accumulation.bottom))
                }
                SuspectKind::ClassGroup { .. } => "  Instances:".to_string(),
            };
            let _ = writeln!(o, "{what}");
            for g in &x.groups {
                let _ = writeln!(
                    o,
                    "    {} × {} — {}",
                    count(g.count),
                    g.label,
                    human_bytes(g.retained_size)
                );
            }
        }
    }
    o
}

/// Suspect `i`'s sentence (0-based `i`, written from 1), as the talk's report words it.
pub fn suspect_sentence(view: &DomView, i: usize, x: &Suspect) -> String {
    let mut o = String::new();
    match &x.kind {
        SuspectKind::Object => {
            let _ = write!(
                o,
                "Suspect {}: {} retains {} bytes ({:.1} %).",
                i + 1,
                instance(view, x.node),
                thousands(x.retained_size),
                x.percent
            );
            if x.accumulation.point != x.node {
                let _ = write!(
                    o,
                    " Its memory is mostly accumulated in {}.",
                    instance(view, x.accumulation.point)
                );
            }
        }
        SuspectKind::ClassGroup { label, count: c } => {
            let _ = write!(
                o,
                "Suspect {}: {} instances of \"{}\" retain {} bytes ({:.1} %) together; none does alone. The largest is @{}.",
                i + 1,
                count(*c),
                label,
                thousands(x.retained_size),
                x.percent,
                view.snapshot.node_id(x.node)
            );
        }
    }
    o
}

/// The folded dominator tree.
pub fn tree(view: &DomView, rows: &[Row]) -> String {
    let s = view.snapshot;
    let mut o = String::new();
    for r in rows {
        let indent = "  ".repeat(r.depth as usize);
        let pct = view.tree.percent(r.retained_size);
        let _ = match &r.kind {
            RowKind::Node { node } => writeln!(
                o,
                "{indent}{} @{}  self {}, retained {} ({pct:.1} %)",
                labels::object_name(view, *node),
                s.node_id(*node),
                human_bytes(s.self_size(*node)),
                human_bytes(r.retained_size)
            ),
            RowKind::Folded {
                label,
                count: c,
                largest,
            } => writeln!(
                o,
                "{indent}{label} ×{c}, {} ({pct:.1} %)  [largest @{}]",
                human_bytes(r.retained_size),
                s.node_id(*largest)
            ),
            RowKind::More { count: c } => writeln!(
                o,
                "{indent}… {c} more rows, {}",
                human_bytes(r.retained_size)
            ),
        };
    }
    o
}

fn signed(n: i64) -> String {
    if n < 0 {
        format!("-{}", thousands(n.unsigned_abs()))
    } else {
        format!("+{}", thousands(n as u64))
    }
}

fn signed_bytes(n: i64) -> String {
    if n < 0 {
        format!("-{}", human_bytes(n.unsigned_abs()))
    } else {
        format!("+{}", human_bytes(n as u64))
    }
}

/// DevTools' Comparison view; at most `top` classes.
pub fn comparison(rows: &[ClassDelta], top: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<48} {:>9} {:>9} {:>9} {:>10} {:>10} {:>11}",
        "Class", "# New", "# Deleted", "# Delta", "Alloc.", "Freed", "Size delta"
    );
    for r in rows.iter().take(top) {
        let _ = writeln!(
            o,
            "{:<48} {:>9} {:>9} {:>9} {:>10} {:>10} {:>11}",
            truncate(&r.class, 48),
            thousands(r.new_count),
            thousands(r.deleted_count),
            signed(r.delta_count),
            human_bytes(r.alloc_size),
            human_bytes(r.freed_size),
            signed_bytes(r.delta_size)
        );
    }
    if rows.len() > top {
        let _ = writeln!(o, "… {} more classes", rows.len() - top);
    }
    o
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// memlab-style leak groups; at most `top`.
pub fn leak_groups(view: &DomView, groups: &[LeakGroup], top: usize) -> String {
    let s = view.snapshot;
    let mut o = String::new();
    if groups.is_empty() {
        let _ = writeln!(
            o,
            "No leak: nothing allocated between BASE and TARGET is still alive in FINAL."
        );
        return o;
    }
    for (i, g) in groups.iter().take(top).enumerate() {
        let _ = writeln!(
            o,
            "Leak group {}: {} × {} — {} retained (representative @{})",
            i + 1,
            count(g.count),
            g.class,
            human_bytes(g.retained_size),
            s.node_id(g.representative)
        );
        let steps = super::json::path_steps(view, &g.path);
        let _ = writeln!(o, "  Path: {}", retainer_path::text(&steps));
    }
    if groups.len() > top {
        let _ = writeln!(o, "… {} more groups", groups.len() - top);
    }
    o
}

/// Duplicated strings; at most `top`.
pub fn duplicates(s: &HeapSnapshot, d: &[DuplicateString], top: usize) -> String {
    let mut o = String::new();
    let wasted: u64 = d.iter().map(|x| x.wasted_size).sum();
    let _ = writeln!(
        o,
        "{} duplicated strings waste {} ({} bytes).",
        thousands(d.len() as u64),
        human_bytes(wasted),
        thousands(wasted)
    );
    for x in d.iter().take(top) {
        let shown: String = x
            .value
            .chars()
            .take(60)
            .collect::<String>()
            .escape_debug()
            .to_string();
        let more = if x.value.chars().count() > 60 {
            "…"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  {} × \"{shown}{more}\" — {} wasted of {} (e.g. @{})",
            count(x.count),
            human_bytes(x.wasted_size),
            human_bytes(x.total_size),
            s.node_id(x.example)
        );
    }
    if d.len() > top {
        let _ = writeln!(o, "  … {} more", d.len() - top);
    }
    o
}
