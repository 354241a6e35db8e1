//! Heap verification, after V8's `--verify-heap` (`src/heap/heap-verifier.cc`): the
//! [`verifier`] checks the heap's structure and a scavenge's effect on the whole heap, the
//! [`young_gen_verifier`] a scavenge's effect on what it touches, the [`schedule`] picks one
//! of the two per scavenge, and the [`mark_compact_verifier`] checks a full GC's.

pub mod mark_compact_verifier;
pub mod schedule;
pub mod verifier;
pub mod young_gen_verifier;
