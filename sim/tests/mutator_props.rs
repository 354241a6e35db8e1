//! Property tests: random mutator programs interleaved with scavenges under stress mode
//! (`gc every N allocations`), with the verifier around every GC. The verifier checks that
//! no reachable object is lost or altered (by stable id and contents), that unreachable
//! young objects are reclaimed, and that promotion happens exactly after the second
//! survival (see `sim::verify::verifier`). `PROPTEST_CASES` raises the case count.

use proptest::prelude::*;
use sim::mutator::{run, Op, Program, RunOptions, Stop};
use sim::{GcReason, Heap, Profile, SpaceId};

fn tiny(profile: Profile) -> Profile {
    // Small semi-spaces so allocation failures trigger scavenges too, and small pages so
    // paged-space bookkeeping is exercised.
    Profile {
        page_size: 64 * 1024,
        large_object_threshold: 16 * 1024,
        ..profile
    }
    .with_semi_space(32 * 1024, 128 * 1024)
}

fn check(profile: Profile, ops: Vec<u64>, interval: u64) -> Result<(), TestCaseError> {
    let program = Program {
        ops: ops.into_iter().map(Op::decode).collect(),
    };
    let mut heap = Heap::new(profile);
    let out = run(
        &mut heap,
        &program,
        RunOptions {
            gc_interval: Some(interval),
            verify: true,
        },
    );
    match &out.stop {
        None => {}
        Some(Stop::VerifierFailure { step, error }) => {
            return Err(TestCaseError::fail(format!("step {step}: {error}")))
        }
        Some(Stop::OutOfMemory { step, error }) => {
            return Err(TestCaseError::fail(format!("step {step}: {error}")))
        }
    }
    prop_assert_eq!(out.verifier_checks as usize, out.scavenges);
    heap.verify()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    // With the program's roots gone, two more scavenges leave new space empty: every young
    // object was either unreachable (reclaimed) or promoted.
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
    prop_assert!(
        heap.verifier_stats().failures.is_empty(),
        "{:?}",
        heap.verifier_stats().failures
    );
    let young_reachable_from_old = heap.objects_in(SpaceId::New).count();
    prop_assert_eq!(
        young_reachable_from_old,
        0,
        "young objects left after two scavenges without roots"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(testkit::proptest_cases(64)))]

    #[test]
    fn v8_6_programs_keep_the_heap_valid(ops in prop::collection::vec(any::<u64>(), 1..400), interval in 1u64..40) {
        check(tiny(Profile::v8_6()), ops, interval)?;
    }

    #[test]
    fn modern_programs_keep_the_heap_valid(ops in prop::collection::vec(any::<u64>(), 1..400), interval in 1u64..40) {
        check(tiny(Profile::modern()), ops, interval)?;
    }
}

/// A longer seeded run at the default profile: many natural scavenges and promotions.
#[test]
fn seeded_stress_run_at_the_default_profile() {
    let mut heap = Heap::new(Profile::v8_6());
    let out = run(
        &mut heap,
        &Program::random(42, 5000),
        RunOptions {
            gc_interval: Some(97),
            verify: true,
        },
    );
    assert_eq!(out.stop, None);
    assert!(out.scavenges >= 40, "{out:?}");
    assert!(out.promoted > 0, "{out:?}");
    assert_eq!(out.verifier_checks as usize, out.scavenges);
}
