//! `heapsim run` on the shipped scenarios: each runs on the simulated heap in every snapshot
//! format and both heap profiles with the heap verifier after every GC (`--verify-heap`),
//! and heapsim's own reports on its snapshots find what the script states (`expect.leak`:
//! suspect, accumulation point, leaked class, path; `expect.noLeak`: no suspect), as the
//! Node runs of `scenario_scripts.rs` do; under GC stress (`--gc-interval`) the heap
//! verifier stays green; `--trace-gc` lines come as each GC happens; every script's Node 20
//! report is pinned as an insta snapshot (the listeners one also at `--repeat 1000`).

#[path = "scenarios/expect.rs"]
mod scenario_expect;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn heapsim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .arg("run")
        .args(args)
        .arg("-o")
        .arg(dir)
        .output()
        .expect("run heapsim")
}

fn run_ok(args: &[&str], dir: &Path) -> String {
    let out = heapsim(args, dir);
    assert!(
        out.status.success(),
        "heapsim run {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs `name` (its own `repeat`, as under Node: the baseline heap is Node-sized, so the
/// leak must be as large) in every format and profile with the verifier on, and checks its
/// expectation; the Node 20 / modern run's printed report is an insta snapshot.
fn check_scenario(name: &str) {
    for format in ["node20", "node22", "node24"] {
        for profile in ["v8-6", "modern"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let report = run_ok(
                &[
                    name,
                    "--format",
                    format,
                    "--profile",
                    profile,
                    "--verify-heap",
                ],
                dir.path(),
            );
            if (format, profile) == ("node20", "modern") {
                // The whole text report, pinned, so any change to it is reviewed.
                insta::assert_snapshot!(format!("report_{name}"), report);
            }
            let text =
                std::fs::read_to_string(dir.path().join("expect.json")).expect("expect.json");
            let records: Value = serde_json::from_str(&text).expect("expect.json is JSON");
            let record = &records[0];
            let failures = match record["kind"].as_str() {
                Some("leak") => scenario_expect::check_leak(record, dir.path()),
                _ => scenario_expect::check_no_leak(dir.path()),
            };
            assert!(
                failures.is_empty(),
                "{name} --format {format} --profile {profile}:\n{}",
                failures.join("\n")
            );
        }
    }
}

macro_rules! cases {
    ($($test:ident: $name:literal;)*) => {
        $(#[test] fn $test() { check_scenario($name) })*
        const SCENARIOS: &[&str] = &[$($name),*];
    };
}

cases! {
    churn_cleanup: "churn-cleanup";
    churn_objects: "churn-objects";
    growing_array: "growing-array";
    hot_reload: "hot-reload";
    listeners: "listeners";
    map_cache: "map-cache";
    process_listeners: "process-listeners";
    promise_queue: "promise-queue";
    replace_thing: "replace-thing";
    ssr_timers: "ssr-timers";
    weakmap_cache: "weakmap-cache";
}

/// Every script `heapsim run --list` names has a case above.
#[test]
fn every_shipped_script_is_checked() {
    let list = run_ok(&["--list"], Path::new("."));
    let mut names: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    names.sort_unstable();
    assert_eq!(names, SCENARIOS, "update cases! above");
}

/// `--trace-gc` prints each GC's line when it happens, between the script's own output,
/// and `gc.log` holds the same lines.
#[test]
fn trace_gc_lines_come_as_each_gc_happens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("gcs.js");
    std::fs::write(
        &script,
        "console.log('one');\ngc();\nconsole.log('two');\ngc('minor');\nconsole.log('three');\n",
    )
    .expect("write gcs.js");
    let out = dir.path().join("out");
    let sh = format!(
        "'{}' run '{}' -o '{}' --trace-gc 2>&1",
        env!("CARGO_BIN_EXE_heapsim"),
        script.display(),
        out.display()
    );
    let run = Command::new("sh").arg("-c").arg(&sh).output().expect("sh");
    let text = String::from_utf8(run.stdout).expect("UTF-8");
    let kinds: Vec<&str> = text
        .lines()
        .filter_map(|l| match l {
            "one" | "two" | "three" => Some(l),
            l if l.contains("Mark-") => Some("full"),
            l if l.contains("Scavenge") => Some("minor"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["one", "full", "two", "minor", "three"], "{text}");
    let log = std::fs::read_to_string(out.join("gc.log")).expect("gc.log");
    let traced: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("[heapsim]"))
        .collect();
    assert_eq!(log.lines().collect::<Vec<_>>(), traced);
}

#[test]
fn gc_stress_keeps_the_verifier_green_on_every_scenario() {
    let list = run_ok(&["--list"], Path::new("."));
    for line in list.lines() {
        let name = line.split_whitespace().next().expect("a name");
        let dir = tempfile::tempdir().expect("temp dir");
        let out = heapsim(&[name, "--repeat", "10", "--gc-interval", "50"], dir.path());
        assert!(
            out.status.success(),
            "{name} under --gc-interval 50 exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        let log = std::fs::read_to_string(dir.path().join("gc.log")).expect("gc.log");
        assert!(
            log.lines().count() > 3,
            "{name}: gc.log has too few GCs:\n{log}"
        );
    }
}

#[test]
fn list_names_every_shipped_script_with_its_summary() {
    let list = run_ok(&["--list"], Path::new("."));
    assert_eq!(list.lines().count(), scenarios::scripts::SCRIPTS.len());
    assert!(list.starts_with("listeners "), "{list}");
    assert!(list.contains("hot-reload"), "{list}");
}

#[test]
fn listeners_report_reads_as_analyze_prints_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_ok(&["listeners", "--repeat", "1000"], dir.path());
    insta::assert_snapshot!(out);
    for file in ["baseline", "target", "final"] {
        assert!(dir.path().join(format!("{file}.heapsnapshot")).exists());
    }
    let jsonl = std::fs::read_to_string(dir.path().join("gc.jsonl")).expect("gc.jsonl");
    for line in jsonl.lines() {
        serde_json::from_str::<Value>(line).expect("gc.jsonl holds one JSON event a line");
    }
}

#[test]
fn existing_output_is_kept_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    run_ok(&["growing-array", "--repeat", "5"], dir.path());
    let again = heapsim(&["growing-array", "--repeat", "5"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("gc.log: already exists"), "{err}");
    run_ok(&["growing-array", "--repeat", "5", "--force"], dir.path());
}

#[test]
fn a_script_error_names_file_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("bad.js");
    std::fs::write(
        &script,
        "const client = {};\nclient.onn('error', () => {});\n",
    )
    .unwrap();
    let out = heapsim(&[script.to_str().unwrap()], &dir.path().join("out"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.js:2:"), "{err}");
    assert!(
        err.contains("TypeError: client.onn is not a function"),
        "{err}"
    );
}
