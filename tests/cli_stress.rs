//! `heapsim stress` end to end: JSON keys, exit codes 0, 1 (a failure found) and 2 (bad
//! usage).

use std::process::Command;

fn heapsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .output()
        .expect("run heapsim")
}

#[test]
fn stress_reports_json_and_exits_zero() {
    let out = heapsim(&[
        "stress",
        "--seed",
        "5",
        "--ops",
        "600",
        "--gc-interval",
        "17",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "seed",
        "ops",
        "allocations",
        "scavenges",
        "promoted",
        "verifier_checks",
        "failures",
        "full_gcs",
        "incremental_steps",
        "overflows",
        "rescans",
        "pages_evacuated",
        "barrier_greyings",
        "oracle_checks",
    ] {
        assert!(v.get(k).is_some(), "missing {k} in {v}");
    }
    assert_eq!(v["seed"], 5);
    assert_eq!(v["ops"], 600);
    assert_eq!(v["failures"], 0);
    assert!(v["scavenges"].as_u64().unwrap() > 10);
    // Every GC is verified, scavenges and full GCs alike, in every mode.
    assert_eq!(
        v["verifier_checks"].as_u64().unwrap(),
        v["scavenges"].as_u64().unwrap() + v["full_gcs"].as_u64().unwrap()
    );
    assert_eq!(v["modes"].as_array().unwrap().len(), 5);
    assert!(v["oracle_checks"].as_u64().unwrap() > 0);
}

#[test]
fn stress_text_and_trace_gc() {
    let out = heapsim(&[
        "stress",
        "--ops",
        "300",
        "--profile",
        "modern",
        "--gc-interval",
        "50",
        "--trace-gc",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Scavenge"), "{text}");
    assert!(text.contains("failures           0"), "{text}");
}

#[test]
fn stress_rejects_bad_usage_with_exit_2() {
    for args in [
        &["stress", "--profile", "v8-5"][..],
        &["stress", "--gc-interval", "0"],
        &["stress", "--ops", "x"],
        &["stress", "--mode", "sweep"],
        &["stress", "--full-gc-interval", "0"],
    ] {
        let out = heapsim(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn stress_modes_exercise_the_old_generation() {
    let count = |mode: &str, key: &str| -> u64 {
        let out = heapsim(&[
            "stress", "--mode", mode, "--ops", "3000", "--seed", "2", "--json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["failures"], 0);
        assert!(v["oracle_checks"].as_u64().unwrap() > 0, "{mode}: {v}");
        v[key].as_u64().unwrap()
    };
    assert!(count("overflow", "rescans") > 0);
    assert!(count("compact", "pages_evacuated") > 0);
    assert!(count("incremental", "incremental_steps") > 0);
    assert!(count("incremental", "barrier_greyings") > 0);
    assert!(count("weak", "full_gcs") > 0);
    let out = heapsim(&["stress", "--mode", "overflow", "--ops", "500", "--trace-gc"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Mark-") && text.contains("rescans"), "{text}");
}

/// Exit 1: a heap corruption (`--inject-missing-barrier`, one store without the write
/// barrier) is reported by the verifier, and the printed reproduce command replays it.
#[test]
fn a_verifier_failure_exits_1_and_prints_how_to_reproduce() {
    let out = heapsim(&[
        "stress",
        "--seed",
        "3",
        "--ops",
        "2000",
        "--inject-missing-barrier",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("failures           1"), "{text}");
    assert!(text.contains("result             FAILED"), "{text}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("heapsim: verifier failure in mode scavenge at step ")
            && lines[0].contains("(seed 3)")
            && (lines[0].contains("remembered set") || lines[0].contains("from-space")),
        "{err}"
    );
    let replay = lines[1]
        .strip_prefix("heapsim: reproduce with: heapsim ")
        .unwrap_or_else(|| panic!("{err}"));
    assert!(replay.contains("--mode scavenge"), "{replay}");
    let again = heapsim(&replay.split(' ').collect::<Vec<_>>());
    assert_eq!(again.status.code(), Some(1), "{replay}");
    let again_err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again_err.lines().next(), Some(lines[0]), "{replay}");

    let out = heapsim(&[
        "stress",
        "--seed",
        "3",
        "--ops",
        "2000",
        "--inject-missing-barrier",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failures"], 1);
    assert_eq!(v["failure"]["kind"], "verifier");
    assert_eq!(v["failure"]["mode"], "scavenge");
    assert_eq!(
        v["modes"].as_array().unwrap().len(),
        1,
        "stops at the first failure"
    );
}
