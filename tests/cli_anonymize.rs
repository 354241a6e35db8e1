//! `heapsim anonymize` on real snapshots written at test time by Node 20, 22 and 24
//! (`tests/anonymize/secrets.js`): the output loads in Chrome DevTools' own heap snapshot
//! worker with every node's id, type, self size, retained size, distance and dominator
//! those of the input, and none of the planted secrets survives — as a string value
//! always, as a class name only with `--names`.
//!
//! Needs Node and DevTools' worker from `scripts/setup-interop.sh` (`testkit`: skipped with a
//! SKIPPED line without them, failed under CI).

#[path = "interop/common/mod.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod common;

use std::path::Path;
use std::process::Command;

use common::{NodeRow, Toolchain, NODE_VERSIONS};

const SECRETS: [&str; 5] = [
    "hs-literal-secret",
    "hs-flat-secret",
    "hs-cons-secret",
    "hs-sliced-secret",
    "hs-unicode-secret",
];
const CLASS: &str = "SecretHolderClass";

fn anonymize(input: &Path, output: &Path, extra: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .arg("anonymize")
        .arg(input)
        .arg("-o")
        .arg(output)
        .args(extra)
        .output()
        .expect("heapsim runs");
    assert!(
        out.status.success(),
        "heapsim anonymize {extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Everything DevTools computes for a node except its name.
fn graph_rows(rows: &[NodeRow]) -> Vec<(u32, &str, u64, u64, i64, u32)> {
    rows.iter()
        .map(|r| {
            (
                r.id,
                r.kind.as_str(),
                r.self_size,
                r.retained_size,
                r.distance,
                r.dominator_id,
            )
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn anonymized_snapshots_keep_devtools_numbers_and_lose_the_secrets() {
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for version in NODE_VERSIONS {
        let input = common::generate(&tc, "anonymize/secrets", version, dir.path(), &[]);
        let original = std::fs::read(&input).unwrap();
        for s in SECRETS.iter().chain([&CLASS]) {
            assert!(
                contains(&original, s),
                "node{version}: the program plants {s}"
            );
        }
        let reference = common::devtools_dump(&tc, &input);
        for (extra, class_kept) in [(&[][..], true), (&["--names"][..], false)] {
            let output = dir
                .path()
                .join(format!("anon{}-node{version}.heapsnapshot", extra.len()));
            anonymize(&input, &output, extra);
            let bytes = std::fs::read(&output).unwrap();
            for s in SECRETS {
                assert!(
                    !contains(&bytes, s),
                    "node{version} {extra:?}: {s} survived"
                );
            }
            assert_eq!(
                contains(&bytes, CLASS),
                class_kept,
                "node{version} {extra:?}: {CLASS}"
            );
            let rows = common::devtools_dump(&tc, &output);
            assert!(
                graph_rows(&rows) == graph_rows(&reference),
                "node{version} {extra:?}: DevTools' numbers changed ({} vs {} nodes; first \
                 difference {:?})",
                rows.len(),
                reference.len(),
                graph_rows(&rows)
                    .iter()
                    .zip(graph_rows(&reference))
                    .find(|(a, b)| **a != *b)
            );
        }
    }
}
