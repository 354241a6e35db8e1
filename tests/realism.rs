//! `heapsim verify --realism`: every shipped scenario run on the simulator and under real
//! Node 20, 22 and 24 (through the shim, `scenarios/node/harness.js`), the final snapshots
//! compared as a leak hunter reads them (`scenarios::realism`): the first suspect's,
//! accumulation point's and leaked objects' classes agree, the leaked count is equal, the
//! suspect's share and the Statistics shares are within 10 points, the simulator shows at
//! least half of Node's classes. No difference beyond those rules is allowed; the measured
//! tables are in `docs/ground-truth.md`.
//!
//! Node comes from `scripts/setup-interop.sh`; without it the test prints a `SKIPPED` line —
//! unless under CI, where it fails (`testkit`).

#[allow(dead_code)] // shared with other suites; this one needs only the toolchain
#[path = "interop/common/mod.rs"]
mod interop;

#[allow(dead_code)] // shared with other suites; each uses a part
#[path = "common/cli.rs"]
mod cli;

use serde_json::Value;

#[test]
fn every_scenario_looks_like_real_node_20_22_and_24() {
    let Some(tc) = interop::Toolchain::require() else {
        return;
    };
    let nodes: Vec<String> = interop::NODE_VERSIONS
        .iter()
        .map(|&v| tc.node(v).display().to_string())
        .collect();
    let mut args = vec!["verify", "--realism", "--json"];
    for node in &nodes {
        args.extend(["--node", node.as_str()]);
    }
    let out = cli::run(&args);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
    });
    let comparisons = doc["comparisons"].as_array().expect("comparisons");
    assert_eq!(
        comparisons.len(),
        scenarios::scripts::SCRIPTS.len() * interop::NODE_VERSIONS.len()
    );
    let mut failed = Vec::new();
    for c in comparisons {
        for check in c["checks"].as_array().expect("checks") {
            if check["ok"] != true {
                failed.push(format!(
                    "{} on Node {}: {}: heapsim {} vs Node {}",
                    c["scenario"].as_str().unwrap(),
                    c["node_version"],
                    check["metric"].as_str().unwrap(),
                    check["simulated"].as_str().unwrap(),
                    check["node"].as_str().unwrap(),
                ));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "every comparison agrees: exit 0"
    );
    // The side-by-side table, for the log and the docs.
    let text = cli::stdout(&["verify", "--realism", "listeners", "--node", &nodes[0]]);
    assert!(
        text.starts_with("### listeners\n\n| | heapsim node20 | Node 20 |"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("1 of 1 comparisons agree"),
        "{text}"
    );
}

#[test]
fn a_node_that_is_not_20_22_or_24_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("node");
    std::fs::write(&fake, "#!/bin/sh\necho v18.20.4\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = cli::run(&[
        "verify",
        "--realism",
        "listeners",
        "--node",
        fake.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Node 18 has no simulated snapshot layout (20, 22 or 24)"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
