//! `heapsim report` end to end: the page of a real Node snapshot (the talk's listeners
//! leak, `tests/leaks/listeners.js`, written at test time) and of a snapshot full of
//! hostile strings, each opened from disk by headless Chromium with no network
//! (`testkit::chromium`): no console line, no error, every section rendered, a non-blank
//! screenshot, and no snapshot string run as markup. The page data of a simulated
//! scenario is pinned as an insta snapshot, so changes to its structure are reviewed.

use std::path::{Path, PathBuf};
use std::process::Command;

use testkit::chromium::Chromium;

const SECTIONS: [&str; 5] = ["overview", "suspects", "treemap", "graph", "summary"];

fn heapsim(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run heapsim")
}

fn ok(args: &[&str], cwd: &Path) {
    let out = heapsim(args, cwd);
    assert!(
        out.status.success(),
        "heapsim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `node` on `args` in `cwd`, or `None` after testkit's skip (fails under CI).
fn node(args: &[&str], cwd: &Path) -> Option<()> {
    let out = match Command::new("node").args(args).current_dir(cwd).output() {
        Ok(out) => out,
        Err(e) => {
            testkit::tool_missing(
                &format!("`node` on PATH ({e})"),
                "Node.js, or scripts/setup-interop.sh",
            );
            return None;
        }
    };
    assert!(
        out.status.success(),
        "node {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

fn leak_program(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/leaks")
        .join(name)
        .display()
        .to_string()
}

/// The listeners scenario's snapshot after `requests` simulated requests, in `dir`.
fn simulated_listeners(dir: &Path, requests: u32) -> &'static str {
    let n = requests.to_string();
    let file = "listeners.heapsnapshot";
    ok(
        &["scenario", "listeners", "--requests", &n, "-o", file],
        dir,
    );
    file
}

/// The page data embedded in a report.
fn page_data(html: &str) -> serde_json::Value {
    let start = "<script type=\"application/json\" id=\"heapsim-data\">";
    let from = html.find(start).expect("page data") + start.len();
    let len = html[from..].find("</script>").expect("end of page data");
    serde_json::from_str(&html[from..from + len]).expect("page data is JSON")
}

#[test]
fn listeners_leak_report_renders_in_chromium() {
    let Some(chromium) = Chromium::require() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if node(&[&leak_program("listeners.js"), ".", "--three"], d).is_none() {
        return;
    }
    let (b, t, f) = (
        "base.heapsnapshot",
        "target.heapsnapshot",
        "final.heapsnapshot",
    );
    ok(&["report", t, b, f, "-o", "report.html"], d);
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(html.len() < 5_000_000, "{} bytes", html.len());
    let shown = chromium.open(&d.join("report.html")).unwrap();
    let mut sections = SECTIONS.to_vec();
    sections.push("comparison");
    shown.assert_report(&sections);
    let dom = &shown.dom;
    assert!(
        dom.contains("Suspect 1: \"Client\" instance @"),
        "the analyze sentence"
    );
    assert!(
        dom.contains("<span class=\"edge\">→ client →</span>"),
        "the path as boxes"
    );
    assert!(
        dom.matches("<g class=\"tile\"").count() >= 5,
        "treemap tiles"
    );
    assert!(dom.contains("<g class=\"node\""), "graph nodes");
    assert!(
        dom.contains("<td class=\"\">Client</td>"),
        "the Summary table's rows"
    );
    assert!(
        dom.contains("<td class=\"\">Function</td>"),
        "the Comparison table's rows"
    );
    assert!(
        dom.contains("Leak group 1: 10 000 × closure \"onError\" listeners.js:"),
        "memlab's top group"
    );
    // The graph section shows the suspect's details at once (the object panel ran).
    assert!(dom.contains("<h4>Client @"), "the object panel");
    interact(&chromium, &html, d);
}

/// What a reader does, scripted after the page's own start: click the treemap's first
/// parent tile, sort the Summary by count, filter it; results land in body attributes.
const INTERACTION: &str = r#"<script>HEAPSIM.start();
(function () {
  var body = document.body, svg = document.querySelector('#treemap svg');
  var tile = document.querySelector('#treemap g.tile text:not(.leaf)').parentNode;
  tile.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  body.setAttribute('data-zoomed', String(svg.getAttribute('viewBox') !== '0 0 1100 640'));
  body.setAttribute('data-shown', document.querySelector('#treemap [data-details] h4').textContent);
  document.querySelectorAll('#summary th')[2].click();
  var counts = Array.prototype.map.call(document.querySelectorAll('#summary tbody td:nth-child(3)'),
    function (td) { return Number(td.textContent.replace(/,/g, '')); });
  body.setAttribute('data-sorted', String(counts.every(function (c, i) { return i === 0 || counts[i - 1] >= c; })));
  var filter = document.querySelector('#summary [data-filter]');
  filter.value = 'client';
  filter.dispatchEvent(new Event('input'));
  body.setAttribute('data-filtered', document.querySelector('#summary [data-count]').textContent);
})();</script>"#;

/// The report's scripts respond: the treemap zooms and shows the clicked object, the
/// Summary sorts and filters.
fn interact(chromium: &Chromium, html: &str, dir: &Path) {
    let start = "<script>HEAPSIM.start();</script>";
    assert!(html.contains(start));
    let file = dir.join("interact.html");
    std::fs::write(&file, html.replace(start, INTERACTION)).unwrap();
    let shown = chromium.open(&file).unwrap();
    assert!(shown.console.is_empty(), "{:#?}", shown.console);
    let dom = &shown.dom;
    assert!(dom.contains("data-zoomed=\"true\""), "treemap zoom");
    assert!(
        dom.contains("data-shown=\"global @"),
        "the clicked tile's object"
    );
    assert!(
        dom.contains("data-sorted=\"true\""),
        "Summary sorted by count"
    );
    let filtered = dom
        .split("data-filtered=\"")
        .nth(1)
        .and_then(|r| r.split(" of ").next())
        .expect("filter result");
    assert!(
        (1..10).contains(&filtered.parse::<u32>().unwrap()),
        "rows matching `client`: {filtered}"
    );
}

/// A program whose classes, properties and strings are markup that would run if unescaped:
/// each sets an attribute the DOM can only hold if it ran (its name is split in the text).
const HOSTILE_JS: &str = r#"
const v8 = require('v8');
const payload = "</script><script>document.body.setAttribute('data-p'+'wned','script')</script><!--";
const img = '<img src=x onerror="document.body.setAttribute(\'data-p\'+\'wned\',\'img\')">';
// DevTools names a plain object's class by its properties: `{</script><script>…, <img …>}`.
global.kept = [];
for (let i = 0; i < 3000; i++) {
  global.kept.push({ [payload]: payload + img + i, [img]: { [payload]: i } });
}
v8.writeHeapSnapshot(process.argv[2]);
"#;

#[test]
fn hostile_snapshot_strings_stay_text_in_chromium() {
    let Some(chromium) = Chromium::require() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("hostile.js"), HOSTILE_JS).unwrap();
    if node(&["hostile.js", "hostile.heapsnapshot"], d).is_none() {
        return;
    }
    ok(&["report", "hostile.heapsnapshot", "-o", "report.html"], d);
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    // The hostile class is a suspect and appears in the page data as it is.
    let data = page_data(&html);
    assert!(
        data["suspects"]["suspects"][0]["groups"]
            .to_string()
            .contains("</script><script>"),
        "{:#}",
        data["suspects"]
    );
    let shown = chromium.open(&d.join("report.html")).unwrap();
    shown.assert_report(&SECTIONS);
    assert!(!shown.dom.contains("data-pwned"), "a snapshot string ran");
    assert!(shown
        .dom
        .contains("&lt;/script&gt;&lt;script&gt;document.body"));
}

#[test]
fn page_data_of_the_listeners_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = simulated_listeners(d, 50);
    ok(&["report", file, "-o", "report.html"], d);
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    insta::assert_json_snapshot!("report_data_listeners", page_data(&html));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("bad.heapsnapshot"), "{\"snapshot\":").unwrap();
    for args in [
        vec!["report", "bad.heapsnapshot"],
        vec!["report", "missing.heapsnapshot"],
        vec!["report", "bad.heapsnapshot", "--threshold", "0"],
        vec!["report", "bad.heapsnapshot", "-o", "-", "--open"],
    ] {
        let out = heapsim(&args, d);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("heapsim: error: "), "{err}");
    }
    assert!(!d.join("report.html").exists(), "no partial report");
}

#[test]
fn an_existing_report_is_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = simulated_listeners(d, 20);
    std::fs::write(d.join("report.html"), "mine").unwrap();
    let out = heapsim(&["report", file], d);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("report.html")).unwrap(),
        "mine"
    );
    ok(&["report", file, "--force"], d);
    assert!(std::fs::read_to_string(d.join("report.html"))
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}
