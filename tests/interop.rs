//! Interop suite: heapsim's analyzer against Chrome DevTools' own heap snapshot worker and
//! memlab, on real snapshots written at test time by Node 20, 22 and 24.
//!
//! Each case runs one program of `tests/interop/programs/` under one Node version (the
//! program calls `v8.writeHeapSnapshot`), loads the file with DevTools' worker
//! (`devtools-ref.mjs dump` / `summary`, built by `scripts/setup-interop.sh` from
//! `tests/interop/devtools-ref/entry.ts`), with memlab (`getFullHeapFromFile`) and with
//! heapsim, and requires equality for every node (id, type, name, self size, retained
//! size, distance, dominator) and every Summary class (count, self size, retained size,
//! distance). A mismatch prints the first differing nodes, a retainer path from the root to
//! the first, and counts per field.
//!
//! Needs the toolchain from `scripts/setup-interop.sh`; without it each case prints a
//! `SKIPPED` line, except under CI (`CI` set, and not to `false` or `0`), where a missing
//! toolchain fails (`testkit`). `.ci/run` installs it.

#[path = "interop/common/mod.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod common;

use common::{compare, Toolchain, NODE_VERSIONS};

/// The programs every case list below covers; `programs_are_all_covered` keeps it in step
/// with `tests/interop/programs/`.
const PROGRAMS: [&str; 6] = [
    "arrays_strings",
    "classes",
    "closures",
    "names",
    "random_graph",
    "weakmaps",
];

fn run_case(program: &str, version: u32) {
    run_case_with(program, version, &[]);
}

/// One case; `args` go to the program after its output path.
fn run_case_with(program: &str, version: u32, args: &[&str]) {
    let test = format!("interop {program} node{version} {}", args.join(" "));
    let test = test.trim_end();
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let snap = common::generate(&tc, program, version, dir.path(), args);

    let (summary, nodes) = common::devtools_both(&tc, &snap);
    assert!(
        summary.problems.is_empty(),
        "{test}: DevTools reports a broken snapshot: {:?}",
        summary.problems
    );
    assert_eq!(
        nodes.len() as u64,
        summary.node_count,
        "{test}: DevTools' dump and summary disagree on the node count"
    );
    assert_eq!(
        nodes.iter().map(|n| n.self_size).sum::<u64>(),
        summary.total_size,
        "{test}: DevTools' self sizes do not add up to its total size"
    );

    // memlab reads the same file with its own parser: the graph it sees must be the same.
    let m = common::memlab(&tc, &snap);
    assert_eq!(
        (m.node_count, m.edge_count, m.self_size_total),
        (summary.node_count, summary.edge_count, summary.total_size),
        "{test}: memlab (nodes, edges, total self size) differ from DevTools'"
    );
    assert_eq!(
        m.root_retained_size, summary.total_size,
        "{test}: memlab's retained size of the root differs from DevTools' total"
    );

    // heapsim on the same file.
    let a = common::heapsim::analyse(&snap);
    let ours = common::heapsim::node_rows(&a);
    let nodes_report = compare::compare_nodes(&nodes, &ours);
    let classes_report =
        compare::compare_classes(&summary.classes, &common::heapsim::class_rows(&a));
    let stats_diff: Vec<String> = common::heapsim::statistics(&a)
        .into_iter()
        .filter_map(|(path, ours)| {
            let (group, key) = path.split_once('.').unwrap_or((path, ""));
            let v = if key.is_empty() {
                &summary.statistics[group]
            } else {
                &summary.statistics[group][key]
            };
            let theirs = v.as_u64();
            (theirs != Some(ours)).then(|| format!("{path}: devtools {v}, heapsim {ours}"))
        })
        .collect();
    let counts = (
        a.snapshot.node_count() as u64,
        a.snapshot.edge_count() as u64,
    );

    eprintln!(
        "INTEROP {}: {} nodes, {} classes: {} node mismatches, \
         {} class mismatches, {} statistics mismatches",
        &test["interop ".len()..],
        summary.node_count,
        summary.classes.len(),
        nodes_report.count,
        classes_report.count,
        stats_diff.len()
    );
    let mut failure = String::new();
    if counts != (m.node_count, m.edge_count) {
        failure += &format!(
            "(nodes, edges): heapsim {counts:?}, DevTools and memlab {:?}\n",
            (m.node_count, m.edge_count)
        );
    }
    if !nodes_report.is_clean() {
        let path_of = |ordinal: usize| common::heapsim::retainer_path(&a, ordinal as u32);
        failure += &compare::describe_nodes(&nodes_report, &path_of);
    }
    if !classes_report.is_clean() {
        failure += &compare::describe_classes(&classes_report);
    }
    if !stats_diff.is_empty() {
        failure += &format!("statistics differ: {}\n", stats_diff.join("; "));
    }
    if !failure.is_empty() {
        // Keep the snapshot for a look with heapsim or DevTools.
        let kept = dir.keep();
        panic!(
            "{test}: heapsim differs from DevTools (snapshot kept in {}):\n{failure}",
            kept.display()
        );
    }
}

macro_rules! cases {
    ($($name:ident: $program:literal, $version:literal;)*) => {
        $(#[test] fn $name() { run_case($program, $version) })*
        const CASES: &[(&str, u32)] = &[$(($program, $version)),*];
    };
}

cases! {
    arrays_strings_node20: "arrays_strings", 20;
    arrays_strings_node22: "arrays_strings", 22;
    arrays_strings_node24: "arrays_strings", 24;
    classes_node20: "classes", 20;
    classes_node22: "classes", 22;
    classes_node24: "classes", 24;
    closures_node20: "closures", 20;
    closures_node22: "closures", 22;
    closures_node24: "closures", 24;
    names_node20: "names", 20;
    names_node22: "names", 22;
    names_node24: "names", 24;
    random_graph_node20: "random_graph", 20;
    random_graph_node22: "random_graph", 22;
    random_graph_node24: "random_graph", 24;
    // The leak-report programs (tests/leaks/, issue 3): their heaps must agree too. Their
    // heaps are large (hot_reload: ~470 000 nodes), so each runs on one Node version,
    // the versions rotated to cover every snapshot layout.
    leak_listeners_node20: "leaks/listeners", 20;
    leak_hot_reload_node24: "leaks/hot_reload", 24;
    leak_vue_ssr_node22: "leaks/vue_ssr", 22;
    leak_control_node24: "leaks/control", 24;
    weakmaps_node20: "weakmaps", 20;
    weakmaps_node22: "weakmaps", 22;
    weakmaps_node24: "weakmaps", 24;
}

/// Larger random heaps, several seeds, on every Node version: a longer hunt for rare
/// disagreements (a few minutes; `cargo test --test interop -- --ignored`).
#[test]
#[ignore = "long: 200 000-object random heaps, 3 seeds x 3 Node versions"]
fn random_graph_large() {
    for seed in ["1", "2", "3"] {
        for v in NODE_VERSIONS {
            run_case_with("random_graph", v, &["200000", seed]);
        }
    }
}

/// Every program in the directory has a case per Node version, and every case a program:
/// a program added without cases would silently never be compared.
#[test]
fn programs_are_all_covered() {
    let mut listed: Vec<String> = PROGRAMS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    let on_disk = common::all_programs();
    let extra: Vec<&String> = on_disk.iter().filter(|p| !listed.contains(p)).collect();
    assert!(
        extra.is_empty(),
        "programs without interop cases in tests/interop.rs: {extra:?}"
    );
    for p in PROGRAMS {
        assert!(on_disk.iter().any(|d| d == p), "no program {p}.js");
        for v in NODE_VERSIONS {
            assert!(
                CASES.contains(&(p, v)),
                "no interop case for {p} on Node {v}"
            );
        }
    }
}
