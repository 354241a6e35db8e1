//! The old generation's collector: tri-colour mark-sweep / mark-compact ([`mark_compact`])
//! over [`mark_bits`] and the bounded [`marking_worklist`], with weak references and
//! ephemerons ([`weakness`]), the [`sweeper`] and compaction ([`evacuation`]), optionally
//! marked incrementally ([`incremental_marking`]), observable step by step ([`marking_trace`]). After V8's `src/heap/mark-compact.cc`,
//! `incremental-marking.cc` and `sweeper.cc`, one file per mechanism.

pub mod evacuation;
pub mod incremental_marking;
pub mod mark_bits;
pub mod mark_compact;
pub mod marking_trace;
pub mod marking_worklist;
pub mod sweeper;
pub mod weakness;
