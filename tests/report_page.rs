//! The report page shell (`report::page`) in headless Chromium: a page whose title, file
//! name and section data are hostile snapshot strings renders with no error, shows them as
//! text, and runs none of them.

use report::page::{Page, Section};

/// Sets an attribute that can only appear in the DOM if this ran as a script (the name is
/// split, so the text itself never contains it).
const HOSTILE: &str =
    "</script><script>document.body.setAttribute('data-p'+'wned','yes')</script><!--";

const SCRIPT: &str = "HEAPSIM.on('echo', function (section, data) {
  section.appendChild(HEAPSIM.el('p', { id: 'echoed' }, data.name, ' ', HEAPSIM.bytes(data.size)));
});";

#[test]
fn hostile_strings_stay_text_in_chromium() {
    let Some(chromium) = testkit::chromium::Chromium::require() else {
        return;
    };
    let page = Page {
        title: format!("Report {HOSTILE}"),
        subtitle: HOSTILE.into(),
        files: vec![HOSTILE.into()],
        sections: vec![
            Section::new("static", "Static", "<p>static part</p>".into()),
            Section::new("echo", "Echo", String::new())
                .with_script(
                    SCRIPT,
                    &serde_json::json!({ "name": HOSTILE, "size": 1_234_567 }),
                )
                .unwrap(),
        ],
        shared: Vec::new(),
        scripts: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    std::fs::write(&file, page.render().unwrap()).unwrap();
    let shown = chromium.open(&file).unwrap();
    shown.assert_report(&["static", "echo"]);
    assert!(!shown.dom.contains("data-pwned"), "a snapshot string ran");
    assert!(
        shown
            .dom
            .contains("<p id=\"echoed\">&lt;/script&gt;&lt;script&gt;"),
        "the section's data is shown as text"
    );
    assert!(shown.dom.contains("1.2 MB"));
}
