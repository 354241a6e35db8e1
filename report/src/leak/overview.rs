//! The Overview section: heap size, object count, suspect count, and DevTools' Statistics
//! view ([`analyzer::devtools::statistics`]) as a stacked bar with its legend.
//!
//! The bar's seven parts partition DevTools' total as its pie chart does
//! (`HeapSnapshotView.ts`): code, strings, JS arrays, system objects and other JS objects
//! make up the V8 heap; typed arrays and other non-JS objects make up native memory.

use analyzer::devtools::statistics::Statistics;
use analyzer::units::{human_bytes, thousands};
use askama::Template;
use serde::Serialize;

/// Width of the bar in SVG units.
const BAR_WIDTH: f64 = 1000.0;

/// One part of the Statistics bar.
pub struct Part {
    pub name: &'static str,
    pub colour: &'static str,
    pub bytes: String,
    pub share: String,
    pub x: String,
    pub width: String,
}

#[derive(Template)]
#[template(path = "leak/overview.html")]
struct OverviewHtml {
    heap: String,
    heap_bytes: String,
    objects: String,
    suspects: usize,
    statistics_total: String,
    parts: Vec<Part>,
}

/// What the Overview shows and the page embeds.
#[derive(Serialize)]
pub struct OverviewJson<'a> {
    pub total_size: u64,
    pub node_count: u64,
    pub statistics: &'a Statistics,
}

/// The Statistics view's parts, in DevTools' legend order.
fn parts(st: &Statistics) -> Vec<Part> {
    let named: [(&'static str, &'static str, u64); 7] = [
        ("Code", "#e6a23c", st.code),
        ("Strings", "#ab7fd6", st.strings),
        ("JS arrays", "#4f9fe0", st.js_arrays),
        ("Typed arrays", "#26b0a1", st.typed_arrays),
        ("System objects", "#9aa3b2", st.system),
        ("Other JS objects", "#f2cc5b", st.other),
        ("Other non-JS objects", "#e0736a", st.other_native),
    ];
    let total = st.total.max(1) as f64;
    let mut x = 0.0;
    named
        .iter()
        .map(|&(name, colour, v)| {
            let width = v as f64 * BAR_WIDTH / total;
            let part = Part {
                name,
                colour,
                bytes: human_bytes(v),
                share: format!("{:.1} %", v as f64 * 100.0 / total),
                x: format!("{x:.2}"),
                width: format!("{width:.2}"),
            };
            x += width;
            part
        })
        .collect()
}

/// The section's HTML.
pub fn html(
    total_size: u64,
    node_count: u64,
    suspects: usize,
    st: &Statistics,
) -> askama::Result<String> {
    OverviewHtml {
        heap: human_bytes(total_size),
        heap_bytes: thousands(total_size),
        objects: thousands(node_count),
        suspects,
        statistics_total: human_bytes(st.total),
        parts: parts(st),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_bar_in_order() {
        let st = Statistics {
            total: 1000,
            v8_heap: 800,
            code: 100,
            strings: 200,
            js_arrays: 100,
            typed_arrays: 150,
            system: 100,
            native: 200,
            other: 300,
            other_native: 50,
        };
        let p = parts(&st);
        let widths: f64 = p.iter().map(|p| p.width.parse::<f64>().unwrap()).sum();
        assert!((widths - BAR_WIDTH).abs() < 0.1);
        assert_eq!(p[1].share, "20.0 %");
        assert_eq!(p[6].x, "950.00");
    }
}
