//! `heapsim stress` end to end: JSON keys, exit codes.

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
