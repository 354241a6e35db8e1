//! Test support shared by every heapsim suite, so each rule is written once.
//!
//! * **A required tool is missing** ([`require`], [`tool_missing`]): under CI — the `CI`
//!   variable set to anything but empty, `false` or `0`, as CI services set it (`true`,
//!   `1`) — the test fails: CI installs the tools first, so missing means broken. Elsewhere
//!   the test skips loudly: one line on stderr naming the test, the tool and how to install
//!   it. A test that needs a tool never passes quietly without it.
//! * **Property-test case counts** ([`proptest_cases`]): proptest's own `PROPTEST_CASES`
//!   overrides each suite's default.
//! * **HTML reports in a browser** ([`chromium`]): headless Chromium opens a page from disk
//!   with no network and returns its rendered DOM, console lines and a screenshot.

pub mod chromium;

/// Whether the tests run under CI (see the module doc).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "false" | "0"))
}

/// The running test's name (libtest names each test's thread after it).
fn current_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string()
}

/// Reports that `tool` is missing: panics under CI, else prints one `SKIPPED` line naming
/// the test, the tool and `install` (how to get it). The caller then returns or leaves out
/// the check.
pub fn tool_missing(tool: &str, install: &str) {
    let test = current_test();
    if in_ci() {
        panic!("{test}: {tool} is missing under CI (install: {install})");
    }
    // Straight to the process's stderr: libtest captures `eprintln!` of passing tests, and
    // a skip nobody sees is a quiet pass.
    let line = format!("{test}: SKIPPED: {tool} is missing (install: {install})\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
}

/// `found`, or `None` after [`tool_missing`] (`Err` carries why the tool was not found).
pub fn require<T>(found: Result<T, String>, tool: &str, install: &str) -> Option<T> {
    match found {
        Ok(t) => Some(t),
        Err(why) => {
            tool_missing(&format!("{tool} ({why})"), install);
            None
        }
    }
}

/// Property-test cases: `PROPTEST_CASES` when set to a number, else `default`.
pub fn proptest_cases(default: u32) -> u32 {
    env_count("PROPTEST_CASES", default)
}

/// The number in environment variable `var`, else `default`.
pub fn env_count(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test touches the environment, so no other test races with it.
    #[test]
    fn ci_values_and_missing_tools() {
        let saved = std::env::var_os("CI");
        for (v, ci) in [
            ("true", true),
            ("1", true),
            ("yes", true),
            ("false", false),
            ("0", false),
            ("", false),
        ] {
            std::env::set_var("CI", v);
            assert_eq!(in_ci(), ci, "CI={v:?}");
        }
        std::env::remove_var("CI");
        assert!(!in_ci());
        assert_eq!(
            require(
                Err::<(), _>("not on PATH".into()),
                "node",
                "apt install nodejs"
            ),
            None
        );
        std::env::set_var("CI", "true");
        let failed = std::panic::catch_unwind(|| tool_missing("node", "apt install nodejs"));
        assert!(failed.is_err(), "a missing tool fails under CI");
        match saved {
            Some(v) => std::env::set_var("CI", v),
            None => std::env::remove_var("CI"),
        }
    }
}
