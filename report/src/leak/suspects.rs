//! The Leak suspects section, as Eclipse MAT's leak-suspects report lays one out: per
//! suspect the sentence `heapsim analyze` writes ([`text::suspect_sentence`]), its share
//! of the heap as a bar (the suspect's retained size, the accumulation point's inside it),
//! the accumulation point, the retainer path as a chain of boxes, and the accumulated
//! objects grouped by class. The data is `heapsim analyze --json`'s document
//! ([`json::leak_report`]).

use analyzer::report::json::{LeakReportJson, SuspectJson};
use analyzer::report::retainer_path::PathStep;
use analyzer::report::suspects::Suspect;
use analyzer::report::{text, DomView};
use analyzer::units::{human_bytes, thousands};
use askama::Template;

/// One box of a retainer path: the edge into it, then the node.
pub struct PathBox {
    pub edge: String,
    pub node: String,
    pub id: u32,
}

/// A retainer path as boxes; the first step has no edge.
pub fn path_boxes(steps: &[PathStep]) -> Vec<PathBox> {
    steps
        .iter()
        .map(|st| PathBox {
            edge: st.label.clone(),
            node: st.class.clone(),
            id: st.id,
        })
        .collect()
}

struct GroupRow {
    count: String,
    class: String,
    size: String,
    sample_id: u32,
}

struct SuspectHtml {
    sentence: String,
    keywords: String,
    share: String,
    accumulation_share: String,
    accumulation: String,
    path: Vec<PathBox>,
    path_text: String,
    groups: Vec<GroupRow>,
}

#[derive(Template)]
#[template(path = "leak/suspects.html")]
struct SuspectsHtml {
    threshold_pct: f64,
    suspects: Vec<SuspectHtml>,
}

fn suspect_html(
    view: &DomView,
    i: usize,
    x: &Suspect,
    json: &SuspectJson,
    steps: &[PathStep],
) -> SuspectHtml {
    let total = view.tree.total().max(1) as f64;
    let acc = &json.accumulation;
    SuspectHtml {
        sentence: text::suspect_sentence(view, i, x),
        keywords: x.keywords.join(", "),
        share: format!("{:.2}", x.retained_size as f64 * 100.0 / total),
        accumulation_share: format!("{:.2}", acc.retained_size as f64 * 100.0 / total),
        accumulation: format!(
            "{} @{} retains {} ({} bytes)",
            acc.class,
            acc.id,
            human_bytes(acc.retained_size),
            thousands(acc.retained_size)
        ),
        path: path_boxes(steps),
        path_text: json.path.text.clone(),
        groups: json
            .groups
            .iter()
            .map(|g| GroupRow {
                count: text::count(g.count),
                class: g.class.clone(),
                size: human_bytes(g.retained_size),
                sample_id: g.sample_id,
            })
            .collect(),
    }
}

/// The section's HTML: `found[i]`, its JSON form `report.suspects[i]` and path `paths[i]`.
pub fn html(
    view: &DomView,
    found: &[Suspect],
    report: &LeakReportJson,
    paths: &[Vec<PathStep>],
    threshold_pct: f64,
) -> askama::Result<String> {
    let suspects = found
        .iter()
        .zip(&report.suspects)
        .zip(paths)
        .enumerate()
        .map(|(i, ((x, json), steps))| suspect_html(view, i, x, json, steps))
        .collect();
    SuspectsHtml {
        threshold_pct,
        suspects,
    }
    .render()
}
