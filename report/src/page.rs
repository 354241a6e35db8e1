//! The page shell every heapsim report shares: one self-contained HTML file.
//!
//! A report is a [`Page`] of [`Section`]s. Each section brings its HTML (rendered by its own
//! askama template, which escapes every value it prints), optionally a script (a static
//! asset that draws or makes the section interactive) and optionally data. The shell puts
//! around them what every report needs once:
//! * the `<head>`: a Content-Security-Policy that lets the page load nothing from anywhere
//!   (`default-src 'none'`; inline styles, inline scripts and `data:` images only), so it
//!   works offline and a string that did get through could not fetch anything either;
//! * the error guard (`assets/guard.js`), the first script: uncaught errors, rejected
//!   promises, `console.error` and blocked loads are shown in a banner at the top, and
//!   counted in `<html data-errors>`, so a broken report says so (and tests can see it in
//!   the rendered DOM);
//! * the navigation between sections, the style sheet (`assets/page.css`), and the shared
//!   script (`assets/page.js`: `HEAPSIM.on(section, fn)`, the byte formatter, sortable
//!   tables, element building through `textContent` only);
//! * all sections' data, and the data several share, in one `<script type="application/json" id="heapsim-data">`
//!   element: a [`json::Document`] (schema version, input files) whose fields are the
//!   sections' ids, written by [`crate::embed::script_json`] so no snapshot string can
//!   end the element.
//!
//! When the page has been built, `<body data-ready="true">` is set (after every section's
//! script ran without throwing).

use askama::Template;
use serde::Serialize;
use std::collections::BTreeMap;

use analyzer::report::json;

/// One section of a report.
pub struct Section {
    /// The HTML id (also the navigation anchor and the section's key in the page data).
    pub id: &'static str,
    pub title: &'static str,
    /// The section's HTML; everything from a snapshot in it must have been escaped (the
    /// section templates do that).
    pub html: String,
    /// The section's script, run by `HEAPSIM.start()` after the shared one (empty: none).
    pub script: &'static str,
    /// The section's data, `HEAPSIM.data[id]` in the page.
    pub data: Option<serde_json::Value>,
}

impl Section {
    /// A section with HTML only.
    pub fn new(id: &'static str, title: &'static str, html: String) -> Section {
        Section {
            id,
            title,
            html,
            script: "",
            data: None,
        }
    }

    /// The section with `data` and no script (the page embeds what it shows).
    pub fn with_data(mut self, data: &impl Serialize) -> serde_json::Result<Section> {
        self.data = Some(serde_json::to_value(data)?);
        Ok(self)
    }

    /// The section with `script` and no data of its own.
    pub fn with_js(mut self, script: &'static str) -> Section {
        self.script = script;
        self
    }

    /// The section with `script` run on `data`.
    pub fn with_script(
        mut self,
        script: &'static str,
        data: &impl Serialize,
    ) -> serde_json::Result<Section> {
        self.script = script;
        self.data = Some(serde_json::to_value(data)?);
        Ok(self)
    }
}

/// A whole report page.
pub struct Page {
    pub title: String,
    /// One line under the title (what the report is of).
    pub subtitle: String,
    /// The input files, named in the page data.
    pub files: Vec<std::path::PathBuf>,
    pub sections: Vec<Section>,
    /// Data several sections read, `HEAPSIM.data[key]` (keys distinct from section ids).
    pub shared: Vec<(&'static str, serde_json::Value)>,
    /// Scripts several sections use, run after the shared one, before the sections'.
    pub scripts: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "page.html")]
struct PageHtml<'a> {
    page: &'a Page,
    guard: &'static str,
    css: &'static str,
    js: &'static str,
    data: String,
}

impl Page {
    /// The page data: the document the page embeds (`HEAPSIM.data`).
    pub fn data(&self) -> json::Document<BTreeMap<&'static str, &serde_json::Value>> {
        let files: Vec<&std::path::Path> = self.files.iter().map(|f| f.as_path()).collect();
        let sections = self
            .sections
            .iter()
            .filter_map(|s| s.data.as_ref().map(|d| (s.id, d)))
            .chain(self.shared.iter().map(|(k, d)| (*k, d)))
            .collect();
        json::Document::new(&files, sections)
    }

    /// The self-contained HTML file.
    pub fn render(&self) -> Result<String, PageError> {
        PageHtml {
            page: self,
            guard: include_str!("../assets/guard.js"),
            css: include_str!("../assets/page.css"),
            js: include_str!("../assets/page.js"),
            data: crate::embed::script_json(&self.data())?,
        }
        .render()
        .map_err(PageError::Template)
    }
}

/// Why a page could not be rendered (a bug, never bad input: every input string is
/// escaped, not parsed).
#[derive(Debug)]
pub enum PageError {
    Template(askama::Error),
    Json(serde_json::Error),
}

impl From<serde_json::Error> for PageError {
    fn from(e: serde_json::Error) -> Self {
        PageError::Json(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::Template(e) => write!(f, "report template: {e}"),
            PageError::Json(e) => write!(f, "report data: {e}"),
        }
    }
}

impl std::error::Error for PageError {}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "</script><script>document.body.dataset.p='x'</script><!--";

    fn page() -> Page {
        Page {
            title: format!("Report of {HOSTILE}"),
            subtitle: HOSTILE.into(),
            files: vec![HOSTILE.into()],
            sections: vec![
                Section::new("one", "One", "<p>static</p>".into())
                    .with_script("HEAPSIM.on('one', function () {});", &[HOSTILE])
                    .unwrap(),
                Section::new("two", "Two", String::new()),
            ],
            shared: vec![("common", serde_json::json!(7))],
            scripts: vec!["var shared = 1;"],
        }
    }

    #[test]
    fn snapshot_strings_appear_only_escaped() {
        let html = page().render().unwrap();
        // The only script elements are the shell's four, the shared and the section's one.
        assert_eq!(html.matches("<script").count(), 6, "{html}");
        assert_eq!(html.matches("</script>").count(), 6);
        assert!(!html.contains("<!--"));
        assert!(
            html.contains("Report of &#60;/script&#62;")
                || html.contains("Report of &lt;/script&gt;")
        );
    }

    #[test]
    fn data_holds_the_sections_with_data_under_their_ids() {
        let p = page();
        let v = serde_json::to_value(p.data()).unwrap();
        assert_eq!(v["schema_version"], json::SCHEMA_VERSION);
        assert_eq!(v["files"][0], HOSTILE);
        assert_eq!(v["one"][0], HOSTILE);
        assert!(v.get("two").is_none());
        assert_eq!(v["common"], 7);
    }
}
