//! The young generation's collector: Cheney's scavenge with promotion ([`scavenger`]),
//! observable step by step ([`trace`]), and what lets it ignore the old generation — the
//! generational write barrier ([`write_barrier`]) filling the old-to-new remembered set
//! ([`remembered_set`]). After V8's `src/heap/scavenger.cc`, `heap-write-barrier-inl.h` and
//! `slot-set.h`.

pub mod remembered_set;
pub mod scavenger;
pub mod trace;
pub mod write_barrier;
