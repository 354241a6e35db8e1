//! Property tests of the old-generation collector: random mutator programs interleaved with
//! incremental marking steps, scavenges and full GCs under every stress mode, with the
//! verifier around every GC (nothing reachable freed or changed; after an atomic full GC
//! nothing unreachable left; weak slots and WeakMap entries of dead targets cleared, since
//! they would otherwise dangle) and the tri-colour invariant checked after every mutator
//! step while marking runs. And the oracle property: `retained_by_gc` equals the size of
//! the set the object dominates, computed here independently from the snapshot edge view
//! (`Heap::fields`) by naive removal reachability; and the bit-parallel oracle
//! (`retained_by_gc_many`, 64 objects per traversal) equals the one-marking-per-object
//! oracle (`retained_by_gc_each`) on random mutator heaps with WeakMaps and weak slots.
//! `PROPTEST_CASES` raises the case count.

use std::collections::HashSet;

use proptest::prelude::*;
use sim::mutator::{Mutator, Op};
use sim::verify::mark_compact_verifier::reachable;
use sim::{Address, FieldKind, GcReason, Heap, Profile, RootKind, StressMode, Tagged};

fn tiny() -> Profile {
    // Small pages so that compaction has several pages to choose from.
    Profile {
        page_size: 16 * 1024,
        large_object_threshold: 4 * 1024,
        ..Profile::v8_6()
    }
    .with_semi_space(32 * 1024, 128 * 1024)
}

fn failures(heap: &Heap) -> Result<(), TestCaseError> {
    match heap.verifier_stats().failures.first() {
        None => Ok(()),
        Some(e) => Err(TestCaseError::fail(e.to_string())),
    }
}

fn run_mode(mode: StressMode, ops: &[u64], acts: &[u8], modern: bool) -> Result<(), TestCaseError> {
    let profile = if modern {
        Profile {
            page_size: 16 * 1024,
            large_object_threshold: 4 * 1024,
            ..Profile::modern()
        }
        .with_semi_space(32 * 1024, 128 * 1024)
    } else {
        tiny()
    };
    let mut heap = Heap::new(profile);
    heap.set_old_gen_config(mode.config(37));
    heap.set_verify_heap(true);
    let mut m = Mutator::new(&mut heap);
    for (step, (&x, &act)) in ops.iter().zip(acts.iter().cycle()).enumerate() {
        m.step(&mut heap, Op::decode(x))
            .map_err(|e| TestCaseError::fail(format!("step {step}: {e}")))?;
        if let Err(e) = heap.check_tricolour_invariant() {
            return Err(TestCaseError::fail(format!("step {step}: {e}")));
        }
        match act % 16 {
            0 => {
                heap.start_incremental_marking();
                if heap.incremental_marking_step(512) {
                    heap.collect_garbage(GcReason::FinalizeMarking);
                }
            }
            1 => {
                heap.scavenge(GcReason::Explicit);
            }
            2 => {
                heap.collect_garbage(GcReason::Explicit);
            }
            _ => {}
        }
        heap.check_tricolour_invariant()
            .map_err(|e| TestCaseError::fail(format!("step {step} after GC action: {e}")))?;
        failures(&heap).map_err(|e| TestCaseError::fail(format!("step {step}: {e}")))?;
    }
    m.finish(&mut heap);
    // Finish any marking cycle (floating garbage may survive it), then an atomic GC must
    // leave exactly what is reachable.
    heap.collect_garbage(GcReason::Explicit);
    heap.collect_garbage(GcReason::Explicit);
    failures(&heap)?;
    heap.verify()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let live = reachable(&heap);
    let all: Vec<Address> = heap.objects().collect();
    prop_assert_eq!(
        all.len(),
        live.len(),
        "unreachable objects left after an atomic full GC"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(testkit::proptest_cases(24)))]

    #[test]
    fn every_stress_mode_keeps_the_heap_correct(
        mode in 0usize..5,
        ops in prop::collection::vec(any::<u64>(), 1..400),
        acts in prop::collection::vec(any::<u8>(), 1..64),
        modern in any::<bool>(),
    ) {
        run_mode(StressMode::ALL[mode], &ops, &acts, modern)?;
    }

    #[test]
    fn batched_oracle_equals_one_marking_per_object(
        ops in prop::collection::vec(any::<u64>(), 1..600),
        weak_stores in any::<bool>(),
        repeat in any::<prop::sample::Index>(),
    ) {
        let mut heap = Heap::new(tiny());
        let mode = if weak_stores { StressMode::Weak } else { StressMode::Scavenge };
        heap.set_old_gen_config(mode.config(37));
        let mut m = Mutator::new(&mut heap);
        for (step, &x) in ops.iter().enumerate() {
            m.step(&mut heap, Op::decode(x))
                .map_err(|e| TestCaseError::fail(format!("step {step}: {e}")))?;
        }
        // Garbage objects too (answer 0), more than one batch of 64, and one object twice.
        let mut objs: Vec<Address> = heap.objects().collect();
        objs.push(objs[repeat.index(objs.len())]);
        let batched = heap.retained_by_gc_many(&objs);
        let each = heap.retained_by_gc_each(&objs);
        for (i, (b, e)) in batched.iter().zip(&each).enumerate() {
            prop_assert_eq!(b, e, "object {} of {}", i, objs.len());
        }
        m.finish(&mut heap);
    }

    #[test]
    fn retained_by_gc_is_the_dominated_size(
        n in 2usize..30,
        edges in prop::collection::vec((0usize..30, 0usize..30, any::<bool>()), 0..80),
        rooted in prop::collection::vec(0usize..30, 1..4),
    ) {
        let mut heap = Heap::new(tiny());
        let scope = heap.open_handle_scope();
        let hs: Vec<_> = (0..n)
            .map(|i| {
                let o = heap.alloc_object_of_class("Node", 2 + i % 3).unwrap();
                heap.handle(o)
            })
            .collect();
        for (k, &(a, b, weak)) in edges.iter().enumerate() {
            let (a, b) = (heap.get(hs[a % n]), heap.get(hs[b % n]));
            let v = if weak { Tagged::weak(b.addr()) } else { b };
            heap.set_property(a, &format!("e{}", k % 7), v).unwrap();
        }
        let globals: Vec<_> = rooted.iter().map(|&r| heap.new_global_handle(heap.get(hs[r % n]))).collect();
        let objs: Vec<Address> = hs.iter().map(|&h| heap.get(h).addr()).collect();
        heap.close_handle_scope(scope);
        let got = heap.retained_by_gc_many(&objs);
        for (i, &o) in objs.iter().enumerate() {
            prop_assert!(!got[i].ephemeron_dependent);
            prop_assert_eq!(got[i].bytes, naive_dominated_bytes(&heap, o), "node {}", i);
        }
        prop_assert_eq!(globals.len(), rooted.len());
    }
}

/// Bytes of the objects every root path to which passes through `x` (`x` included), by
/// removal reachability over the snapshot's strong edges.
fn naive_dominated_bytes(heap: &Heap, x: Address) -> u64 {
    let reach = |skip: Option<Address>| -> HashSet<Address> {
        let mut seen = HashSet::new();
        let mut stack = Vec::new();
        for kind in RootKind::ALL {
            for &v in heap.roots().list(kind) {
                if v.is_heap_object() && Some(v.addr()) != skip && seen.insert(v.addr()) {
                    stack.push(v.addr());
                }
            }
        }
        while let Some(a) = stack.pop() {
            for f in heap.fields(a) {
                if f.kind == FieldKind::Weak {
                    continue;
                }
                let t = f.value.addr();
                if Some(t) != skip && seen.insert(t) {
                    stack.push(t);
                }
            }
        }
        seen
    };
    let all = reach(None);
    if !all.contains(&x) {
        return 0;
    }
    let without = reach(Some(x));
    all.difference(&without)
        .map(|&a| heap.size_of(a) as u64)
        .sum()
}

#[test]
fn ephemeron_dependence_is_reported() {
    let mut heap = Heap::new(tiny());
    let scope = heap.open_handle_scope();
    let wm = heap.alloc_js_weak_map().unwrap();
    let hw = heap.handle(wm);
    let k = heap.alloc_object_of_class("Key", 1).unwrap();
    let hk = heap.handle(k);
    let v = heap.alloc_object_of_class("Value", 1).unwrap();
    let vsize = heap.size_of(v.addr()) as u64;
    let (w, k) = (heap.get(hw), heap.get(hk));
    heap.collection_set(w, k, v).unwrap();
    let g1 = heap.new_global_handle(heap.get(hw));
    let g2 = heap.new_global_handle(heap.get(hk));
    let (w, k) = (heap.get(hw).addr(), heap.get(hk).addr());
    heap.close_handle_scope(scope);
    let r = heap.retained_by_gc_many(&[w, k]);
    assert!(r[0].ephemeron_dependent && r[1].ephemeron_dependent);
    assert!(
        r[0].bytes > heap.size_of(w) as u64,
        "the table takes the value along"
    );
    assert_eq!(
        r[1].bytes,
        heap.size_of(k) as u64 + vsize,
        "so does the key"
    );
    heap.destroy_global_handle(g1);
    heap.destroy_global_handle(g2);
}

/// Each stress mode exercises what it is named for (a long seeded program per mode, with
/// the verifier on).
#[test]
fn each_stress_mode_exercises_its_mechanism() {
    for mode in StressMode::ALL {
        let mut heap = Heap::new(tiny());
        heap.set_old_gen_config(mode.config(97));
        heap.set_verify_heap(true);
        let out = sim::mutator::run(
            &mut heap,
            &sim::mutator::Program::random(11, 20_000),
            sim::mutator::RunOptions {
                gc_interval: None,
                verify: true,
            },
        );
        assert!(out.stop.is_none(), "{}: {:?}", mode.name(), out.stop);
        heap.collect_garbage(GcReason::Explicit);
        assert!(
            heap.verifier_stats().failures.is_empty(),
            "{:?}",
            heap.verifier_stats().failures
        );
        let t = heap.old_gen_totals();
        let f = |k: fn(&sim::FullGcStats) -> usize| -> usize {
            heap.events().iter().map(|e| k(&e.full_gc)).sum()
        };
        match mode {
            StressMode::Scavenge => assert_eq!(t.full_gcs, 1, "only the final explicit one"),
            StressMode::Overflow => assert!(t.overflows > 0 && t.rescans > 0, "{t:?}"),
            StressMode::Compact => assert!(
                t.pages_evacuated > 0,
                "{t:?}, old space {} bytes in {} pages",
                heap.space_used(sim::SpaceId::Old),
                heap.space_committed(sim::SpaceId::Old) / (16 * 1024)
            ),
            StressMode::Incremental => {
                assert!(t.incremental_steps > 0 && t.full_gcs > 1, "{t:?}");
                assert!(f(|s| s.black_allocated) > 0);
            }
            StressMode::Weak => assert!(f(|s| s.weak_cleared) > 0, "{t:?}"),
        }
    }
}
