//! Headless Chromium for tests of heapsim's HTML reports: open a page from disk with no
//! network, and read back what a person would see.
//!
//! [`Chromium::open`] runs the browser twice on a `file://` URL, as Chromium's documented
//! headless switches allow (`--dump-dom`, `--screenshot`; chromium.org "Headless
//! Chromium"): once to print the DOM after the scripts ran (`--virtual-time-budget` lets
//! the page finish first), once to take a PNG screenshot. Every hostname resolves to
//! nothing (`--host-resolver-rules`) and the proxy is a closed local port, so a page that
//! tried to load anything from the network would fail visibly. With
//! `--enable-logging=stderr` Chromium writes each console message, uncaught exception and
//! Content-Security-Policy violation as an `INFO:CONSOLE` line on stderr; those lines are
//! collected in [`Rendered::console`] (Chromium does not say their level there, so a test
//! of a page that logs nothing asserts there are none).
//!
//! Which browser: `HEAPSIM_CHROMIUM` when set, else `chromium`, `chromium-browser` or
//! `google-chrome` on `PATH`. A missing browser follows [`crate::require`]'s rule.

use std::path::{Path, PathBuf};
use std::process::Command;

/// How to install the browser (named in skip and CI-failure lines).
pub const INSTALL: &str = "apt-get install chromium (scripts/setup-interop.sh does under CI)";

/// Screenshot size: wide enough for the report's two-column sections.
const WINDOW: &str = "1280,2400";

/// A headless Chromium binary.
pub struct Chromium {
    bin: PathBuf,
}

/// What a page showed.
pub struct Rendered {
    /// The DOM after the page's scripts ran, serialized.
    pub dom: String,
    /// Chromium's console lines: console calls, uncaught errors, blocked loads.
    pub console: Vec<String>,
    /// The PNG screenshot.
    pub screenshot: PathBuf,
}

impl Chromium {
    /// The browser, or why there is none.
    pub fn find() -> Result<Chromium, String> {
        if let Some(bin) = std::env::var_os("HEAPSIM_CHROMIUM") {
            return Ok(Chromium { bin: bin.into() });
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in std::env::split_paths(&path) {
                let bin = dir.join(name);
                if bin.is_file() {
                    return Ok(Chromium { bin });
                }
            }
        }
        Err("no chromium, chromium-browser or google-chrome on PATH".into())
    }

    /// The browser, or `None` after [`crate::require`]'s skip (fails under CI).
    pub fn require() -> Option<Chromium> {
        crate::require(Chromium::find(), "headless Chromium", INSTALL)
    }

    /// Opens `page` (an HTML file) and returns its DOM, console lines and a screenshot
    /// written next to it (`page.png`). `Err` says why the browser failed to run.
    pub fn open(&self, page: &Path) -> Result<Rendered, String> {
        let page = page
            .canonicalize()
            .map_err(|e| format!("{}: {e}", page.display()))?;
        let url = format!("file://{}", page.display());
        let profile = page.with_extension("chromium-profile");
        let screenshot = page.with_extension("png");
        let dump = self.run(&profile, &["--dump-dom", &url])?;
        let shot = format!("--screenshot={}", screenshot.display());
        self.run(&profile, &[&shot, &format!("--window-size={WINDOW}"), &url])?;
        let _ = std::fs::remove_dir_all(&profile);
        let console = String::from_utf8_lossy(&dump.stderr)
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect();
        Ok(Rendered {
            dom: String::from_utf8_lossy(&dump.stdout).into_owned(),
            console,
            screenshot,
        })
    }

    fn run(&self, profile: &Path, args: &[&str]) -> Result<std::process::Output, String> {
        let out = Command::new(&self.bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=127.0.0.1:9",
                "--virtual-time-budget=5000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .output()
            .map_err(|e| format!("{}: {e}", self.bin.display()))?;
        if !out.status.success() {
            let tail: Vec<&str> = std::str::from_utf8(&out.stderr)
                .unwrap_or("")
                .lines()
                .rev()
                .take(5)
                .collect();
            return Err(format!(
                "{} exited with {}: {}",
                self.bin.display(),
                out.status,
                tail.join(" / ")
            ));
        }
        Ok(out)
    }
}

impl Rendered {
    /// Checks what every heapsim report must show in a browser, panicking with what is
    /// wrong: the page finished building (`<body data-ready="true">`, set by the shared
    /// script after every section's script ran), its error guard counted no error
    /// (`<html data-errors="0">`), Chromium logged no console line, each of `sections` is
    /// in the DOM (`<section id="…">`), and the screenshot is not blank.
    pub fn assert_report(&self, sections: &[&str]) {
        assert!(
            self.console.is_empty(),
            "console lines: {:#?}",
            self.console
        );
        assert!(
            self.dom.contains("<html lang=\"en\" data-errors=\"0\">"),
            "the page's error guard counted errors: {}",
            banner(&self.dom)
        );
        assert!(
            self.dom.contains("<body data-ready=\"true\">"),
            "the page did not finish building: {}",
            banner(&self.dom)
        );
        for id in sections {
            assert!(
                self.dom.contains(&format!("<section id=\"{id}\"")),
                "section {id} missing from the rendered DOM"
            );
        }
        let colours = distinct_colours(&self.screenshot, 16).unwrap();
        assert!(
            colours >= 16,
            "{}: a blank screenshot ({colours} colours)",
            self.screenshot.display()
        );
    }
}

/// The error banner's text in a dumped DOM (for failure messages).
fn banner(dom: &str) -> &str {
    dom.split("id=\"page-errors\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or("(no banner)")
}

/// How many distinct colours the PNG at `path` has (a blank page has one): decoded to
/// 8-bit RGBA, counted up to `cap`.
pub fn distinct_colours(path: &Path, cap: usize) -> Result<usize, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let channels = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for px in buf[..info.buffer_size()].chunks_exact(channels) {
        seen.insert(px.to_vec());
        if seen.len() >= cap {
            break;
        }
    }
    Ok(seen.len())
}
