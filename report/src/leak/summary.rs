//! The Summary section: DevTools' Summary view ([`analyzer::devtools::summary`]) as a
//! table sortable by count, shallow and retained size, with a filter box. The page gets the
//! first [`ROWS`] classes by retained size (the view's own order) as `heapsim summary
//! --json` writes them, and the number left out.

use analyzer::devtools::summary::ClassRow;
use serde::Serialize;

/// Classes sent to the page.
pub const ROWS: usize = 500;

#[derive(Serialize)]
pub struct SummaryJson {
    pub classes: Vec<ClassRow>,
    pub more_classes: usize,
}

/// The first [`ROWS`] of the Summary view's rows.
pub fn data(mut rows: Vec<ClassRow>) -> SummaryJson {
    let more_classes = rows.len().saturating_sub(ROWS);
    rows.truncate(ROWS);
    SummaryJson {
        classes: rows,
        more_classes,
    }
}

/// The section's HTML; assets/summary.js fills the table.
pub const HTML: &str = r#"<div class="filter"><input type="search" placeholder="Filter classes" aria-label="Filter classes" data-filter><span class="muted" data-count></span></div>
<div class="scroll"><table class="grid sortable"><thead><tr><th>Class</th><th class="num">Distance</th><th class="num">Objects</th><th class="num">Shallow size</th><th class="num">Retained size</th></tr></thead><tbody></tbody></table></div>
<p class="muted" data-more></p>"#;
