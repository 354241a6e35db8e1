//! The worst-case and heap-shape families of `analyzer::dominators::families`: every
//! algorithm is correct on small instances (against the naive oracle and, for the four
//! published families, against the dominator trees of Georgiadis' thesis, fig. 2.9), all
//! agree on larger ones, and million-deep graphs do not overflow the stack.

use analyzer::dominators::families::{self, Graph};
use analyzer::dominators::{
    compute_with_retained, naive, retained_sizes, Algorithm, UNREACHABLE, VIRTUAL_ROOT,
};

const VR: u32 = VIRTUAL_ROOT;

fn check_against_oracle(name: &str, g: &Graph) {
    let want = naive::idom(&g.input());
    for a in Algorithm::ALL {
        assert_eq!(a.run(&g.input()), want, "{name}: {}", a.name());
    }
}

fn check_agree(name: &str, g: &Graph, skip_chk: bool) -> Vec<u32> {
    let want = Algorithm::Slt.run(&g.input());
    for a in Algorithm::ALL {
        if skip_chk && a == Algorithm::Chk {
            continue;
        }
        assert!(a.run(&g.input()) == want, "{name}: {} disagrees", a.name());
    }
    want
}

#[test]
fn published_families_at_k3_match_the_thesis() {
    let cases: [(&str, Graph, Vec<u32>); 4] = [
        (
            "itworst",
            families::itworst(3),
            vec![VR, 0, 0, 0, 0, 4, 5, 6, 7, 8, 0, 0, 0],
        ),
        (
            "idfsquad",
            families::idfsquad(3),
            vec![VR, 0, 1, 2, 0, 0, 0, 0, 0, 0],
        ),
        (
            "ibfsquad",
            families::ibfsquad(3),
            vec![VR, 0, 0, 0, 0, 0, 5],
        ),
        (
            "sncaworst",
            families::sncaworst(3),
            vec![VR, 0, 1, 2, 0, 0, 0],
        ),
    ];
    for (name, g, want) in cases {
        assert_eq!(naive::idom(&g.input()), want, "{name}: oracle");
        for a in Algorithm::ALL {
            assert_eq!(a.run(&g.input()), want, "{name}: {}", a.name());
        }
    }
}

#[test]
fn small_instances_of_every_family_match_the_oracle() {
    for k in 1..=12 {
        check_against_oracle("itworst", &families::itworst(k));
        check_against_oracle("idfsquad", &families::idfsquad(k));
        check_against_oracle("ibfsquad", &families::ibfsquad(k));
        check_against_oracle("sncaworst", &families::sncaworst(k));
    }
    for n in [1, 2, 3, 10, 40] {
        check_against_oracle("chain", &families::chain(n));
        check_against_oracle("chain_with_back_edges", &families::chain_with_back_edges(n));
        check_against_oracle("doubly_linked_list", &families::doubly_linked_list(n));
    }
    check_against_oracle(
        "chain_with_back_edges",
        &families::chain_with_back_edges(2100),
    );
    check_against_oracle("weak_retained", &families::weak_retained(4, 3));
    check_against_oracle("orphan_cycles", &families::orphan_cycles(10, 3, 4));
    check_against_oracle("heap_like", &families::heap_like(300, 7));
}

#[test]
fn larger_instances_agree() {
    // CHK is Θ(k) passes on these (that is the point of them): keep it to k = 100.
    for k in [100, 1000] {
        let skip_chk = k > 100;
        check_agree("itworst", &families::itworst(k), skip_chk);
        check_agree("idfsquad", &families::idfsquad(k), skip_chk);
        check_agree("ibfsquad", &families::ibfsquad(k), skip_chk);
        check_agree("sncaworst", &families::sncaworst(k), skip_chk);
    }
}

#[test]
fn weakly_held_objects_become_their_own_roots() {
    // Per group: holder h (from the root), h -x> w (weak), w -> c1 -> c2, c2 -x> h.
    let g = families::weak_retained(2, 2);
    assert_eq!(g.roots, vec![0, 2, 6]);
    let d = check_agree("weak_retained", &g, false);
    assert_eq!(d, vec![VR, 0, VR, 2, 3, 0, VR, 6, 7]);
    let r = retained_sizes(&d, &[1; 9]);
    assert_eq!(r, vec![3, 1, 3, 2, 1, 1, 3, 2, 1]);
}

#[test]
fn cycles_that_only_retain_each_other_are_unreachable() {
    let g = families::orphan_cycles(5, 2, 3);
    assert_eq!(g.roots, vec![0], "every cycle member has a retainer");
    let d = check_agree("orphan_cycles", &g, false);
    assert!(d[5..].iter().all(|&x| x == UNREACHABLE));
    assert_eq!(&d[..5], &[VR, 0, 1, 2, 3]);
}

#[test]
fn million_deep_graphs_do_not_overflow_the_stack() {
    let n = 1_000_000;
    let sizes = vec![1u64; n as usize];
    for g in [
        families::chain(n),
        families::chain_with_back_edges(n),
        families::doubly_linked_list(n),
    ] {
        for a in Algorithm::ALL {
            let (d, r) = a.run_with_retained(&g.input(), &sizes);
            assert_eq!(d[0], VR);
            assert!(
                d.iter().skip(1).enumerate().all(|(i, &x)| x == i as u32),
                "{}",
                a.name()
            );
            assert_eq!(r[0], n as u64, "{}", a.name());
            assert_eq!(r[n as usize - 1], 1);
        }
        let (d, r) = compute_with_retained(&g.input(), &sizes);
        assert!(d.iter().skip(1).enumerate().all(|(i, &x)| x == i as u32));
        assert_eq!((d[0], r[0]), (VR, n as u64));
        let d = Algorithm::DEFAULT.run(&g.input());
        assert_eq!(retained_sizes(&d, &sizes)[0], n as u64);
    }
}
