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
    ] {
        assert!(v.get(k).is_some(), "missing {k} in {v}");
    }
    assert_eq!(v["seed"], 5);
    assert_eq!(v["ops"], 600);
    assert_eq!(v["failures"], 0);
    assert!(v["scavenges"].as_u64().unwrap() > 10);
    assert_eq!(v["verifier_checks"], v["scavenges"]);
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
    assert!(text.contains("verifier failures  0"), "{text}");
}

#[test]
fn stress_rejects_bad_usage_with_exit_2() {
    for args in [
        &["stress", "--profile", "v8-5"][..],
        &["stress", "--gc-interval", "0"],
        &["stress", "--ops", "x"],
    ] {
        let out = heapsim(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}
