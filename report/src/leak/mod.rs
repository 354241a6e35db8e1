//! The leak report page, `heapsim report FILE [BASE [FINAL]]`: what `analyze`, `stats`,
//! `tree`, `summary` and `diff` tell about FILE, as one page of pictures and tables.
//!
//! Sections, in order (each module says what it draws and from which analyzer result):
//! [`overview`], [`suspects`], [`treemap`], [`graph`], [`summary`] and, with BASE,
//! [`comparison`]. Every object a reader can click is listed once in the page data's
//! `objects` ([`objects`]). The page data holds only what the page shows — the suspects,
//! the top of the dominator tree, the first Summary and Comparison rows — so its size does
//! not grow with the snapshot's.

pub mod comparison;
pub mod graph;
pub mod objects;
pub mod overview;
pub mod summary;
pub mod suspects;
pub mod treemap;

use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::report::{json, suspects as find, DomView};

use crate::page::{Page, PageError, Section};

/// What the page reports on: FILE's analysis, the inputs as given, and with BASE the
/// comparison ([`comparison::compare`], with FINAL's groups).
pub struct Inputs<'a> {
    pub analysis: &'a Analysis,
    pub files: Vec<PathBuf>,
    pub comparison: Option<comparison::ComparisonJson>,
    /// Percent of the heap a suspect retains at least (`analyze --threshold`).
    pub threshold_pct: f64,
}

/// The leak report page.
pub fn page(inputs: Inputs) -> Result<Page, PageError> {
    let a = inputs.analysis;
    let view = DomView::of(a);
    let params = find::Params {
        threshold_pct: inputs.threshold_pct,
        ..find::Params::default()
    };
    let found = find::find(&view, &params);
    let mut objects = objects::Objects::new(view);
    let paths: Vec<_> = found.iter().map(|x| objects.path(x.node)).collect();
    let report = json::leak_report(&view, &found, &paths);
    let statistics = analyzer::devtools::statistics::statistics(a);
    let overview = overview::OverviewJson {
        total_size: report.total_size,
        node_count: report.node_count,
        statistics: &statistics,
    };
    let t = PageError::Template;
    let mut sections = vec![
        Section::new(
            "overview",
            "Overview",
            overview::html(
                report.total_size,
                report.node_count,
                found.len(),
                &statistics,
            )
            .map_err(t)?,
        )
        .with_data(&overview)?,
        Section::new(
            "suspects",
            "Leak suspects",
            suspects::html(&view, &found, &report, &paths, inputs.threshold_pct).map_err(t)?,
        )
        .with_data(&report)?,
        Section::new(
            "treemap",
            "Dominator treemap",
            treemap::html(&view, &mut objects).map_err(t)?,
        )
        .with_js(include_str!("../../assets/treemap.js")),
        Section::new(
            "graph",
            "Retainer graph",
            graph::html(&view, found.first(), &mut objects).map_err(t)?,
        )
        .with_js(include_str!("../../assets/graph.js")),
        Section::new("summary", "Summary", summary::HTML.to_string()).with_script(
            include_str!("../../assets/summary.js"),
            &summary::data(analyzer::devtools::summary::summary(a)),
        )?,
    ];
    if let Some(c) = &inputs.comparison {
        sections.push(
            Section::new("comparison", "Comparison", comparison::html(c).map_err(t)?)
                .with_script(include_str!("../../assets/comparison.js"), c)?,
        );
    }
    let title = match inputs.files.first() {
        Some(f) => format!("Leak report: {}", f.display()),
        None => "Leak report".to_string(),
    };
    Ok(Page {
        title,
        subtitle: inputs
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" · "),
        files: inputs.files,
        sections,
        shared: vec![("objects", serde_json::to_value(objects.into_listed())?)],
        scripts: vec![include_str!("../../assets/objects.js")],
    })
}
