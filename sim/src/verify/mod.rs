//! Heap verification, after V8's `--verify-heap` (`src/heap/heap-verifier.cc`): the
//! [`verifier`] checks the heap's structure and a scavenge's effect, the
//! [`mark_compact_verifier`] a full GC's.

pub mod mark_compact_verifier;
pub mod verifier;
