//! `heapsim run` on the shipped scenarios: each runs on the simulated heap in every snapshot
//! format and both heap profiles, and heapsim's own reports on its snapshots find what the
//! script states (`expect.leak`: suspect, accumulation point, leaked class, path), as the
//! Node runs of `scenario_scripts.rs` do; under GC stress (`--gc-interval`) the heap
//! verifier stays green; the listeners report is pinned as an insta snapshot.

#[path = "scenarios/expect.rs"]
mod scenario_expect;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Few repeats keep the suite fast; the simulated empty heap is small, so even these pass
/// the report's 10 % threshold (ssr-timers needs more: each render's component garbage
/// outweighs the timers until a few hundred have piled up).
const REPEAT: &str = "120";

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

/// Runs `name` in every format and profile and checks its expectation.
fn check_scenario(name: &str, repeat: &str) {
    for format in ["node20", "node22", "node24"] {
        for profile in ["v8-6", "modern"] {
            let dir = tempfile::tempdir().expect("temp dir");
            run_ok(
                &[
                    name,
                    "--format",
                    format,
                    "--profile",
                    profile,
                    "--repeat",
                    repeat,
                ],
                dir.path(),
            );
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
    ($($test:ident: $name:literal $(* $repeat:literal)?;)*) => {
        $(#[test] fn $test() { check_scenario($name, [$($repeat,)? REPEAT][0]) })*
    };
}

cases! {
    listeners: "listeners";
    ssr_timers: "ssr-timers" * "400";
    map_cache: "map-cache";
    replace_thing: "replace-thing";
    growing_array: "growing-array";
    process_listeners: "process-listeners";
    promise_queue: "promise-queue";
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
