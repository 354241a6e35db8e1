//! heapsim's analyzer property-tested with the simulator's heap strategy
//! (`sim::heap_strategy`, cargo feature `proptest`): on random V8-shaped heaps of every
//! shape, in every format, with and without a GC before the snapshot, its retained size
//! equals the truth's `devtools_retained` on every live object where that is defined. This
//! is the example of `docs/ground-truth.md`, run in CI.

use format::Format;
use proptest::prelude::*;
use sim::heap_strategy::generated_heaps;

fn check(
    format: Format,
) -> impl Fn(sim::heap_strategy::GeneratedHeap) -> Result<(), TestCaseError> {
    move |h| {
        let snapshot = analyzer::reader::read_bytes(&h.snapshot)
            .map_err(|e| TestCaseError::fail(format!("{format}: unreadable: {e}")))?;
        let a = analyzer::analysis::Analysis::new(snapshot);
        for t in h.truth.iter().filter(|t| t.devtools_retained.is_some()) {
            let n = a
                .snapshot
                .find_id(t.id)
                .expect("a live object is in the snapshot");
            prop_assert_eq!(
                Some(a.tree.retained[n as usize]),
                t.devtools_retained,
                "@{} {}",
                t.id,
                t.name
            );
        }
        Ok(())
    }
}

macro_rules! formats {
    ($($test:ident: $format:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(testkit::proptest_cases(8)))]
            $(#[test] fn $test(h in generated_heaps($format, 3000)) { check($format)(h)? })*
        }
    };
}

formats! {
    retained_sizes_match_the_truth_node20: Format::Node20;
    retained_sizes_match_the_truth_node22: Format::Node22;
    retained_sizes_match_the_truth_node24: Format::Node24;
}
