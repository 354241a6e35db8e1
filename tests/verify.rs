//! `heapsim verify`: heapsim's analyzer scored on every shipped scenario in every format and
//! profile (the command without arguments), the `--analyzer` protocol (partial answers are
//! not scored, a failing command is an error), and the memlab and DevTools adapters
//! (`scripts/adapters/`) on the interop toolchain.
//!
//! Tools come from `scripts/setup-interop.sh`; without them the adapter tests print a
//! `SKIPPED` line — unless under CI, where they fail (`testkit`).

// Shared with tests/interop.rs, which uses all of it; this suite needs only a part.
#[allow(dead_code)]
#[path = "interop/common/mod.rs"]
mod interop;

use std::process::{Command, Output};

use serde_json::Value;

fn verify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .arg("verify")
        .args(args)
        .output()
        .expect("run heapsim verify")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The scores a run misses.
fn misses(run: &Value) -> Vec<&'static str> {
    ["suspect", "leak_set", "retained", "control"]
        .into_iter()
        .filter(|k| run[*k]["result"] == "miss")
        .collect()
}

#[test]
fn heapsim_passes_on_every_shipped_scenario_format_and_profile() {
    let out = verify(&["--json"]);
    let doc = json_of(&out);
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), scenarios::scripts::SCRIPTS.len() * 3 * 2);
    let mut wrong = Vec::new();
    for run in runs {
        let name = run["scenario"].as_str().unwrap();
        let what = format!("{name} {} {}", run["format"], run["profile"]);
        let m = misses(run);
        if !m.is_empty() {
            let details: Vec<String> = m
                .iter()
                .map(|k| format!("{k}: {}", run[*k]["detail"]))
                .collect();
            wrong.push(format!("{what}: misses {m:?}: {}", details.join("; ")));
        }
        // heapsim's analyzer answers every question.
        for k in ["suspect", "leak_set", "retained", "control"] {
            assert_ne!(run[k]["result"], "not_scored", "{what}: {k}");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(out.status.code(), Some(0), "exit status");
}

#[test]
fn the_scoreboard_has_a_row_per_run_and_a_summary() {
    let out = verify(&[
        "listeners",
        "growing-array",
        "--format",
        "node22",
        "--profile",
        "modern",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[1].starts_with("scenario "), "{text}");
    assert!(
        lines[2].starts_with("listeners ") && lines[2].contains("✓ @"),
        "{text}"
    );
    assert!(lines[4].starts_with("2 runs, 0 with a miss"), "{text}");
}

#[test]
fn what_an_analyzer_does_not_print_is_not_scored() {
    let out = verify(&[
        "listeners",
        "--format",
        "node20",
        "--profile",
        "v8-6",
        "--analyzer",
        "sh -c 'echo {}'",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = &json_of(&out)["runs"][0];
    for k in ["suspect", "leak_set", "retained"] {
        assert_eq!(run[k]["result"], "not_scored", "{k}");
    }
    assert_eq!(run["control"]["result"], "not_applicable");
}

#[test]
fn a_wrong_answer_is_a_miss_and_exits_1() {
    // The snapshot paths CMD gets are ignored by the inner shell.
    let answer = r#"sh -c 'echo "{\"suspects\": [{\"id\": 1}], \"leaked_ids\": [], \"retained\": {\"1\": 0}}"'"#;
    let out = verify(&[
        "map-cache",
        "--format",
        "node20",
        "--profile",
        "modern",
        "--analyzer",
        answer,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let run = &json_of(&out)["runs"][0];
    for k in ["suspect", "leak_set", "retained"] {
        assert_eq!(run[k]["result"], "miss", "{k}: {run:#}");
    }
}

#[test]
fn a_failing_analyzer_or_bad_usage_is_one_line_and_exits_2() {
    let one_run = |analyzer: &'static str| {
        let mut args = vec!["listeners", "--format", "node20", "--profile", "modern"];
        args.extend(["--analyzer", analyzer]);
        args
    };
    for args in [
        one_run("exit 3"),
        one_run("echo nope"),
        vec!["no-such-scenario"],
        vec!["listeners", "--profile", "v9"],
    ] {
        let out = verify(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

/// The adapter `name` on one scenario run, under the toolchain's Node 20.
fn adapter_run(tc: &interop::Toolchain, name: &str, scenario: &str) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/adapters/");
    let cmd = format!("'{}' '{script}{name}.js'", tc.node(20).display());
    let out = Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args([
            "verify",
            scenario,
            "--format",
            "node20",
            "--profile",
            "modern",
        ])
        .args(["--analyzer", &cmd, "--json"])
        .env("DEVTOOLS_REF", &tc.devtools_ref)
        .env("INTEROP_NODE_MODULES", &tc.node_modules)
        .output()
        .expect("run heapsim verify");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    eprintln!("{name} on {scenario}: {:#}", doc["runs"][0]);
    doc["runs"][0].clone()
}

#[test]
fn devtools_adapter_gives_devtools_retained_exactly() {
    let Some(tc) = interop::Toolchain::require() else {
        return;
    };
    for scenario in ["listeners", "map-cache"] {
        let run = adapter_run(&tc, "devtools", scenario);
        assert_eq!(run["retained"]["result"], "pass", "{scenario}: {run:#}");
        assert_eq!(run["suspect"]["result"], "not_scored");
        assert_eq!(run["leak_set"]["result"], "not_scored");
    }
}

#[test]
fn memlab_adapter_answers_a_leak_set() {
    let Some(tc) = interop::Toolchain::require() else {
        return;
    };
    let run = adapter_run(&tc, "memlab", "listeners");
    // Scored as measured (docs/ground-truth.md): memlab names one object per leak cluster.
    assert_ne!(run["leak_set"]["result"], "not_scored", "{run:#}");
    assert_eq!(run["suspect"]["result"], "not_scored");
    assert_eq!(run["retained"]["result"], "not_scored");
}
