//! How a scenario's stated expectation (`OUTDIR/expect.json`) is checked against heapsim's
//! reports on the run's snapshots (docs/scenario-runtime.md, "Expectations"), for runs under
//! real Node (`scenario_scripts.rs`) and on the simulator (`run_scenarios.rs`).

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn heapsim_json(args: &[&Path]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .arg("--json")
        .output()
        .expect("run heapsim");
    assert!(
        out.status.success(),
        "heapsim {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("heapsim printed invalid JSON")
}

/// Whether a report's class label names `class`: the label itself, or a closure's
/// `closure "name" file:line`.
fn names(label: &str, class: &str) -> bool {
    label == class || label.starts_with(&format!("closure \"{class}\" "))
}

/// The property steps of a leak group's retainer path: edge names, without the unnamed
/// first step, element and hidden steps (`[12]`) and numbered root slots.
fn property_steps(group: &Value) -> Vec<&str> {
    group["path"]["steps"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter(|step| !matches!(step["edge_type"].as_str(), Some("element" | "hidden")))
                .filter_map(|step| step["edge"].as_str())
                .filter(|e| !e.bytes().all(|b| b.is_ascii_digit()))
                .collect()
        })
        .unwrap_or_default()
}

/// What `expect.leak` stated, checked against `analyze` and `diff`; the failures, if any.
pub fn check_leak(record: &Value, dir: &Path) -> Vec<String> {
    let field = |k: &str| record[k].as_str().unwrap_or_default();
    let mut failures = Vec::new();
    let report = heapsim_json(&[Path::new("analyze"), &dir.join("final.heapsnapshot")]);
    let suspect = &report["suspects"][0];
    let found = (
        suspect["class"].as_str().unwrap_or("(no suspect)"),
        suspect["accumulation"]["class"].as_str().unwrap_or("-"),
        suspect["groups"][0]["class"].as_str().unwrap_or("-"),
    );
    if found.0 != field("suspect") || found.1 != field("accumulation") {
        failures.push(format!(
            "analyze: suspect {:?} accumulated in {:?}, expected {:?} in {:?}",
            found.0,
            found.1,
            field("suspect"),
            field("accumulation")
        ));
    }
    if !names(found.2, field("leaked")) {
        failures.push(format!(
            "analyze: the accumulation point holds {:?}, expected {:?}",
            found.2,
            field("leaked")
        ));
    }
    let snapshots = ["baseline", "target", "final"].map(|n| dir.join(format!("{n}.heapsnapshot")));
    let diff = heapsim_json(&[
        Path::new("diff"),
        &snapshots[0],
        &snapshots[1],
        &snapshots[2],
    ]);
    let wanted: Vec<&str> = field("path").split('.').collect();
    let groups = diff["groups"].as_array().cloned().unwrap_or_default();
    let on_path = groups.iter().any(|g| {
        property_steps(g)
            .windows(wanted.len())
            .any(|w| w == wanted.as_slice())
    });
    if !on_path {
        let paths: Vec<String> = groups
            .iter()
            .take(5)
            .map(|g| format!("{}: {}", g["class"], property_steps(g).join(".")))
            .collect();
        failures.push(format!(
            "diff: no leak group's path goes through {:?}; the first groups: {paths:#?}",
            field("path")
        ));
    }
    failures
}

pub fn check_no_leak(dir: &Path) -> Vec<String> {
    let report = heapsim_json(&[Path::new("analyze"), &dir.join("final.heapsnapshot")]);
    match report["suspects"].as_array() {
        Some(s) if s.is_empty() => Vec::new(),
        _ => vec![format!(
            "analyze: expected no suspect, found {:#}",
            report["suspects"]
        )],
    }
}
