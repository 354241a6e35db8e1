//! The shipped scenario scripts (`scenarios/*.js`), embedded in the binary so that
//! `heapsim run NAME` works from any directory.
//!
//! Each script's first line is `// summary.` (what `heapsim run --list` prints). A script
//! requires its helpers by relative path (`./hot-reload/widget.js`), so every embedded file
//! is kept under its repository path (`scenarios/…`) and [`read`] serves the loader from
//! this table as a file system would.

/// One embedded file.
#[derive(Clone, Copy, Debug)]
pub struct EmbeddedFile {
    /// Its path in the repository, which is its `__filename` in a run.
    pub path: &'static str,
    pub source: &'static str,
}

/// A runnable scenario script.
#[derive(Clone, Copy, Debug)]
pub struct Script {
    /// What `heapsim run NAME` takes: the file name without `.js`.
    pub name: &'static str,
    pub file: EmbeddedFile,
}

impl Script {
    /// The first line's text without `// `.
    pub fn summary(&self) -> &'static str {
        let first = self.file.source.lines().next().unwrap_or_default();
        first.trim_start_matches("//").trim()
    }
}

macro_rules! script {
    ($name:literal) => {
        Script {
            name: $name,
            file: EmbeddedFile {
                path: concat!("scenarios/", $name, ".js"),
                source: include_str!(concat!("../", $name, ".js")),
            },
        }
    };
}

/// Every shipped scenario, the default (`listeners`, the talk's first case) first.
pub const SCRIPTS: [Script; 11] = [
    script!("listeners"),
    script!("hot-reload"),
    script!("ssr-timers"),
    script!("map-cache"),
    script!("replace-thing"),
    script!("growing-array"),
    script!("process-listeners"),
    script!("promise-queue"),
    script!("weakmap-cache"),
    script!("churn-objects"),
    script!("churn-cleanup"),
];

/// Files the scripts require.
const HELPERS: [EmbeddedFile; 1] = [EmbeddedFile {
    path: "scenarios/hot-reload/widget.js",
    source: include_str!("../hot-reload/widget.js"),
}];

/// The real-Node shim (`node --expose-gc scenarios/node/harness.js SCRIPT OUTDIR`), which
/// `heapsim verify --realism` writes out beside the scripts; it requires the interpreter's
/// prelude from `interp/prelude/` (`interp::prelude`).
pub const NODE_SHIM: [EmbeddedFile; 2] = [
    EmbeddedFile {
        path: "scenarios/node/harness.js",
        source: include_str!("../node/harness.js"),
    },
    EmbeddedFile {
        path: "scenarios/node/hooks.js",
        source: include_str!("../node/hooks.js"),
    },
];

/// Every embedded scenario file: the scripts and the helpers they require.
pub fn files() -> impl Iterator<Item = &'static EmbeddedFile> {
    SCRIPTS.iter().map(|s| &s.file).chain(HELPERS.iter())
}

/// The script called `name`.
pub fn find(name: &str) -> Option<&'static Script> {
    SCRIPTS.iter().find(|s| s.name == name)
}

/// The embedded file at `path`, as the loader reads it.
pub fn read(path: &str) -> Option<&'static str> {
    files().find(|f| f.path == path).map(|f| f.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_file_in_the_folder_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".js").map(str::to_string))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = SCRIPTS.iter().map(|s| s.name.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        assert!(read("scenarios/hot-reload/widget.js").is_some());
        assert!(SCRIPTS.iter().all(|s| s.summary().ends_with('.')));
    }
}
