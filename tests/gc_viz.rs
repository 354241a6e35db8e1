//! `heapsim gc-viz`: the page of a small program's GCs opened from disk in headless
//! Chromium (no error, the three sections drawn, the step and play controls advance the
//! animations, a non-blank screenshot), and its recorded collections pinned as an insta
//! snapshot, so a change to what the collectors record is reviewed.

use std::path::Path;
use std::process::{Command, Output};

/// The small program, named relative to its folder: the script's filename is a string in
/// the simulated heap, so an absolute path would move every address with the checkout's
/// location (and the pinned steps would differ between clones).
const SMALL: &str = "small.js";
const SMALL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/gc_viz");

fn gc_viz(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .current_dir(SMALL_DIR)
        .arg("gc-viz")
        .args(args)
        .output()
        .expect("run heapsim")
}

/// The small program's page (semi-space 16 KB, worklist of 4) at `page`.
fn small_page(page: &Path) {
    let out = gc_viz(&[
        SMALL,
        "--semi-space",
        "16384",
        "--worklist",
        "4",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The page's embedded data (`<script type="application/json" id="heapsim-data">`).
fn page_data(html: &str) -> serde_json::Value {
    let start = html.find("id=\"heapsim-data\">").expect("page data") + 18;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// Clicks a section's controls as a reader would, after the page is built, and writes
/// what they showed into attributes of an element of its own, which the dumped DOM keeps:
/// the frame after 5 steps forward, after 1 back, and (Chromium's virtual time runs the
/// player's timer) after playing for 2 seconds, with the caption's "Step k of n".
const DRIVER: &str = r#"<script>
(function () {
  var out = document.createElement('div');
  out.id = 'driven';
  document.body.appendChild(out);
  ['gc-scavenge', 'gc-marking'].forEach(function (id) {
    var s = document.getElementById(id);
    function click(action) { s.querySelector('[data-action=' + action + ']').click(); }
    for (var i = 0; i < 5; i++) click('step');
    var stepped = s.getAttribute('data-step');
    click('back');
    var back = s.getAttribute('data-step');
    click('play');
    setTimeout(function () {
      var caption = s.querySelector('.gc-caption').textContent.split(':')[0];
      out.setAttribute('data-' + id, [stepped, back, s.getAttribute('data-step'), caption].join(','));
    }, 2000);
  });
})();
</script>
</body>"#;

#[test]
fn the_page_plays_in_chromium() {
    let Some(chromium) = testkit::chromium::Chromium::require() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("gc.html");
    small_page(&page);
    let html = std::fs::read_to_string(&page).unwrap();
    let shown = chromium.open(&page).unwrap();
    shown.assert_report(&report::gc_viz::SECTION_IDS);
    for picture in [
        "gc-timeline-chart",
        "gc-scavenge-picture",
        "gc-marking-picture",
    ] {
        assert!(shown.dom.contains(picture), "{picture} not drawn");
    }
    assert!(shown.dom.contains("data-step=\"0\""));

    let driven = dir.path().join("driven.html");
    std::fs::write(&driven, html.replace("</body>", DRIVER)).unwrap();
    let shown = chromium.open(&driven).unwrap();
    shown.assert_report(&report::gc_viz::SECTION_IDS);
    for id in ["gc-scavenge", "gc-marking"] {
        let at = format!("data-{id}=\"");
        let start = shown
            .dom
            .find(&at)
            .unwrap_or_else(|| panic!("{id} not driven"))
            + at.len();
        let values: Vec<&str> = shown.dom[start..]
            .split('"')
            .next()
            .unwrap()
            .split(',')
            .collect();
        let frame = |i: usize| values[i].parse::<usize>().unwrap();
        assert_eq!((frame(0), frame(1)), (5, 4), "{id}: step and back");
        assert!(frame(2) > 4, "{id}: playing did not advance: {values:?}");
        assert!(
            values[3].starts_with(&format!("Step {} of ", frame(2))),
            "{id}: the caption does not follow: {values:?}"
        );
    }
}

/// Every recorded step and drawn object of the small program, one JSON line each.
#[test]
fn recorded_collections_of_a_small_program() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("gc.html");
    small_page(&page);
    let data = page_data(&std::fs::read_to_string(&page).unwrap());
    let mut text = String::new();
    for id in ["gc-scavenge", "gc-marking"] {
        let r = &data[id];
        text += &format!(
            "{id}: GC #{}, worklist {}, {} steps not shown\n",
            r["seq"], r["worklist_capacity"], r["dropped_steps"]
        );
        for o in r["objects"].as_array().unwrap() {
            text += &format!("  object {o}\n");
        }
        for s in r["steps"].as_array().unwrap() {
            text += &format!("  {s}\n");
        }
    }
    insta::assert_snapshot!(text);
}

#[test]
fn a_script_error_writes_no_page_and_an_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.js");
    std::fs::write(&bad, "let x = ;\n").unwrap();
    let page = dir.path().join("gc.html");
    let out = gc_viz(&[bad.to_str().unwrap(), "-o", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!page.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "a partial file was left"
    );
    let out = gc_viz(&[
        bad.to_str().unwrap(),
        "-o",
        bad.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is the input"), "{err}");
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), "let x = ;\n");
}

/// `heapsim run --report`: the listeners scenario's report.html holds the leak report of its
/// last snapshot and the GC sections, and works in Chromium; run's printed report is the
/// same as without the flag.
#[test]
fn run_report_adds_the_gc_sections_to_the_leak_report() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], out: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_heapsim"))
            .args(["run", "listeners", "-o", out.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let (with, without) = (dir.path().join("with"), dir.path().join("without"));
    assert_eq!(run(&["--report"], &with), run(&[], &without));
    assert!(!without.join("report.html").exists());
    let page = with.join("report.html");
    let data = page_data(&std::fs::read_to_string(&page).unwrap());
    assert!(
        data["gc-timeline"]["timeline"]["gcs"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
    assert_eq!(
        data["files"][0],
        with.join("final.heapsnapshot").to_str().unwrap()
    );
    let Some(chromium) = testkit::chromium::Chromium::require() else {
        return;
    };
    let shown = chromium.open(&page).unwrap();
    let mut sections = vec!["overview", "suspects", "treemap", "graph"];
    sections.extend(report::gc_viz::SECTION_IDS);
    shown.assert_report(&sections);
}
