//! `heapsim generate` end to end: the snapshot and its truth file, determinism per seed,
//! refusing to overwrite, and bad usage (exit 2, one line).

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use cli::run as heapsim;

#[test]
fn generate_writes_snapshot_and_truth_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.heapsnapshot");
    let o = out.to_str().unwrap();
    let r = heapsim(&[
        "generate",
        "--objects",
        "3000",
        "--shape",
        "mixed",
        "--format",
        "node24",
        "--truth-sample",
        "25",
        "-o",
        o,
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let bytes = std::fs::read(&out).unwrap();
    let read = analyzer::reader::read_bytes(&bytes).unwrap();
    assert_eq!(read.meta.node_fields.len(), 6, "node24 layout");
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("g.heapsnapshot.truth.json")).unwrap(),
    )
    .unwrap();
    let objects = truth["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 25);
    for t in objects {
        let id = t["id"].as_u64().unwrap() as u32;
        let v = read
            .find_id(id)
            .unwrap_or_else(|| panic!("truth id @{id} not in the snapshot"));
        assert_eq!(read.node_name(v), t["name"].as_str().unwrap());
        assert!(t["retained_by_gc"].as_u64().unwrap() >= read.self_size(v));
    }
    // Same seed, same bytes.
    let out2 = dir.path().join("g2.heapsnapshot");
    let r = heapsim(&[
        "generate",
        "--objects",
        "3000",
        "--shape",
        "mixed",
        "--format",
        "node24",
        "--truth-sample",
        "0",
        "-o",
        out2.to_str().unwrap(),
    ]);
    assert!(r.status.success());
    assert!(
        std::fs::read(&out2).unwrap() == bytes,
        "generate is deterministic per seed"
    );

    let r = heapsim(&["generate", "--objects", "100", "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("exists (use --force to overwrite)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let r = heapsim(&["generate", "--objects", "100", "--force", "-o", o]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));

    let r = heapsim(&["generate", "--format", "node18", "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("node18"));
    let r = heapsim(&["generate", "--objects", "0", "-o", o, "--force"]);
    assert_eq!(r.status.code(), Some(2));
    let r = heapsim(&["generate", "-o", "/nonexistent-dir/x.heapsnapshot"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("cannot create"));
}
