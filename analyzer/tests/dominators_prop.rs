//! Property tests for `analyzer::dominators`: every algorithm equals the naive oracle (the
//! definition of dominance, executed) on small random graphs, and all algorithms agree with
//! each other on large heap-shaped ones.
//!
//! Case counts: `PROPTEST_CASES` (default 10 000 small graphs, about a second) and `DOMINATORS_LARGE_CASES`
//! (default 3 heap-shaped graphs of 20 000–200 000 nodes). For a long run:
//! `PROPTEST_CASES=100000 DOMINATORS_LARGE_CASES=50 cargo test -p heapsim-analyzer --test dominators_prop`.
//! A failure prints the shrunk graph as an edge list (`0->1`, `-x>` for a filtered edge).

use analyzer::dominators::families::{heap_like, Graph};
use analyzer::dominators::{
    compute_with_retained, naive, retained_sizes, Algorithm, UNREACHABLE, VIRTUAL_ROOT,
};
use proptest::prelude::*;

/// Random graphs of 1–60 nodes: parallel edges and self loops arise naturally, roughly one
/// edge in six is filtered, and the roots are either a random list (duplicates allowed) or
/// DevTools' rule (node 0 plus every node without a kept in-edge).
fn small_graph() -> impl Strategy<Value = (Graph, Vec<u64>)> {
    (1usize..=60)
        .prop_flat_map(|n| {
            let edge = (0..n as u32, 0..n as u32, prop::bool::weighted(0.85));
            (
                Just(n),
                prop::collection::vec(edge, 0..=n * 3),
                prop::collection::vec(0..n as u32, 1..=4),
                prop::bool::ANY,
                prop::collection::vec(1u64..1000, n),
            )
        })
        .prop_map(|(n, edges, roots, devtools, sizes)| {
            let g = Graph::from_edges(n, &edges, roots);
            let g = if devtools { g.with_devtools_roots() } else { g };
            (g, sizes)
        })
}

fn describe(idom: u32) -> String {
    match idom {
        VIRTUAL_ROOT => "virtual root".into(),
        UNREACHABLE => "unreachable".into(),
        d => d.to_string(),
    }
}

/// The first node where `got` differs from `want`, as a readable message.
fn first_difference(name: &str, got: &[u32], want: &[u32]) -> Option<String> {
    got.iter().zip(want).position(|(a, b)| a != b).map(|v| {
        format!(
            "{name}: idom({v}) = {}, expected {}",
            describe(got[v]),
            describe(want[v])
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(testkit::proptest_cases(10_000)))]

    #[test]
    fn every_algorithm_equals_the_oracle((g, sizes) in small_graph()) {
        let input = g.input();
        let want = naive::idom(&input);
        let want_retained = retained_sizes(&want, &sizes);
        for a in Algorithm::ALL {
            let got = a.run(&input);
            if let Some(msg) = first_difference(a.name(), &got, &want) {
                return Err(TestCaseError::fail(msg));
            }
            let (got2, retained) = a.run_with_retained(&input, &sizes);
            prop_assert_eq!(&got2, &want, "{} run_with_retained idom", a.name());
            prop_assert_eq!(&retained, &want_retained, "{} retained sizes", a.name());
        }
        // The analysis path's memory-lean SEMI-NCA.
        let (lean, lean_retained) = compute_with_retained(&input, &sizes);
        if let Some(msg) = first_difference("compute_with_retained", &lean, &want) {
            return Err(TestCaseError::fail(msg));
        }
        prop_assert_eq!(&lean_retained, &want_retained, "compute_with_retained retained sizes");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(testkit::env_count("DOMINATORS_LARGE_CASES", 3)))]

    #[test]
    fn all_algorithms_agree_on_heap_shaped_graphs(seed in any::<u64>(), n in 20_000u32..200_000) {
        let g = heap_like(n, seed);
        let input = g.input();
        let sizes: Vec<u64> = (0..g.node_count() as u64).map(|v| 16 + v % 97).collect();
        let want = Algorithm::Slt.run(&input);
        let want_retained = retained_sizes(&want, &sizes);
        prop_assert!(want.iter().filter(|&&d| d == UNREACHABLE).count() > 0, "heap_like has garbage");
        for a in Algorithm::ALL {
            let (got, retained) = a.run_with_retained(&input, &sizes);
            if let Some(msg) = first_difference(a.name(), &got, &want) {
                return Err(TestCaseError::fail(format!("n={n} seed={seed}: {msg}")));
            }
            prop_assert!(retained == want_retained, "{} retained sizes differ (n={} seed={})", a.name(), n, seed);
        }
        let (lean, lean_retained) = compute_with_retained(&input, &sizes);
        if let Some(msg) = first_difference("compute_with_retained", &lean, &want) {
            return Err(TestCaseError::fail(format!("n={n} seed={seed}: {msg}")));
        }
        prop_assert!(lean_retained == want_retained, "compute_with_retained retained sizes differ (n={} seed={})", n, seed);
    }
}

/// The oracle itself on a hand-checked graph (so a wrong oracle cannot pass everything):
/// root 0 → 1, 0 → 2, 1 → 3, 2 → 3, 3 → 4, 4 → 3 (cycle), 5 → 4 (5 unreachable),
/// 0 -x> 6 (filtered: 6 unreachable), self loop 1 → 1.
#[test]
fn oracle_on_a_hand_checked_graph() {
    let e = [
        (0, 1, true),
        (0, 2, true),
        (1, 3, true),
        (2, 3, true),
        (3, 4, true),
        (4, 3, true),
        (5, 4, true),
        (0, 6, false),
        (1, 1, true),
    ];
    let g = Graph::from_edges(7, &e, vec![0]);
    let want = vec![VIRTUAL_ROOT, 0, 0, 0, 3, UNREACHABLE, UNREACHABLE];
    assert_eq!(naive::idom(&g.input()), want);
    for a in Algorithm::ALL {
        assert_eq!(a.run(&g.input()), want, "{}", a.name());
    }
    // Two roots under the virtual root: 3 is reached from both, so only the virtual root
    // dominates it.
    let g = Graph::from_edges(7, &e, vec![0, 5]);
    let want = vec![
        VIRTUAL_ROOT,
        0,
        0,
        VIRTUAL_ROOT,
        VIRTUAL_ROOT,
        VIRTUAL_ROOT,
        UNREACHABLE,
    ];
    assert_eq!(naive::idom(&g.input()), want);
    for a in Algorithm::ALL {
        assert_eq!(a.run(&g.input()), want, "{}", a.name());
    }
}

#[test]
fn debug_prints_an_edge_list() {
    let g = Graph::from_edges(3, &[(0, 1, true), (1, 2, false)], vec![0]);
    assert_eq!(format!("{g:?}"), "n=3 roots=[0] 0->1 1-x>2");
}
