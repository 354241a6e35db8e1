//! The Comparison section, with BASE (and FINAL): DevTools' Comparison view of FILE
//! against BASE ([`diff::compare`]) as a sortable table, and with FINAL memlab's leaked
//! object groups — objects allocated between BASE and FILE still alive in FINAL
//! ([`diff::leak_groups`]) — each with its retainer path in FINAL. The data is `heapsim
//! diff --json`'s: the first [`CLASSES`] classes and [`GROUPS`] groups, and the counts left
//! out.

use analyzer::analysis::{Analysis, NodeResults};
use analyzer::report::diff;
use analyzer::report::json::{self, ClassDeltaJson, LeakGroupJson};
use analyzer::report::DomView;
use analyzer::units::human_bytes;
use askama::Template;
use serde::Serialize;

use super::suspects::{path_boxes, PathBox};

/// Classes sent to the page.
pub const CLASSES: usize = 300;
/// Leak groups shown.
pub const GROUPS: usize = 20;

#[derive(Serialize)]
pub struct ComparisonJson {
    pub classes: Vec<ClassDeltaJson>,
    pub more_classes: usize,
    /// memlab's groups, with FINAL.
    pub groups: Option<Vec<LeakGroupJson>>,
    pub more_groups: usize,
}

/// DevTools' Comparison of `target` (FILE) against `base`.
pub fn compare(base: &Analysis, target: &Analysis) -> ComparisonJson {
    let rows = diff::compare(
        &diff::Census::new(&base.snapshot, |n| base.class_name(n)),
        &diff::Census::new(&target.snapshot, |n| target.class_name(n)),
    );
    let classes: Vec<ClassDeltaJson> = rows.iter().take(CLASSES).map(Into::into).collect();
    ComparisonJson {
        more_classes: rows.len() - classes.len(),
        classes,
        groups: None,
        more_groups: 0,
    }
}

impl ComparisonJson {
    /// Adds memlab's groups: `in_base`, `in_target` are [`diff::sorted_id_column`]s of
    /// BASE and FILE, `fin` FINAL's analysis.
    pub fn with_groups(mut self, in_base: &[u32], in_target: &[u32], fin: &Analysis) -> Self {
        let view = DomView::of(fin);
        let groups = diff::leak_groups(in_base, in_target, &view);
        let shown: Vec<LeakGroupJson> = groups
            .iter()
            .take(GROUPS)
            .map(|g| json::leak_group(&view, g))
            .collect();
        self.more_groups = groups.len() - shown.len();
        self.groups = Some(shown);
        self
    }
}

struct GroupHtml {
    title: String,
    path: Vec<PathBox>,
    path_text: String,
}

#[derive(Template)]
#[template(path = "leak/comparison.html")]
struct ComparisonHtml {
    groups: Option<Vec<GroupHtml>>,
    more_groups: usize,
}

/// The section's HTML (assets/comparison.js fills the Comparison table).
pub fn html(c: &ComparisonJson) -> askama::Result<String> {
    let groups = c.groups.as_ref().map(|gs| {
        gs.iter()
            .enumerate()
            .map(|(i, g)| GroupHtml {
                title: format!(
                    "Leak group {}: {} × {} — {} retained (representative @{})",
                    i + 1,
                    analyzer::report::text::count(g.count),
                    g.class,
                    human_bytes(g.retained_size),
                    g.sample_id
                ),
                path: path_boxes(&g.path.steps),
                path_text: g.path.text.clone(),
            })
            .collect()
    });
    ComparisonHtml {
        groups,
        more_groups: c.more_groups,
    }
    .render()
}
