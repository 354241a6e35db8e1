//! Which verification a scavenge gets under `--verify-heap`: the whole heap
//! ([`crate::verify::verifier`]) or the young generation only
//! ([`crate::verify::young_gen_verifier`]).
//!
//! With an interval of *k* ([`crate::Heap::set_full_verification_interval`]) the first
//! verified scavenge, and then every *k*-th, checks the whole heap; the ones between check
//! the young generation, in time proportional to what a scavenge touches. A full GC always
//! checks the whole heap ([`crate::verify::mark_compact_verifier`]), so *k* − 1
//! young-generation checks follow it; turning verification on makes the next check a
//! whole-heap one. A corruption only the whole-heap check sees (a missing write barrier)
//! is reported at most *k* − 1 scavenges late, with the GC that found it. By then the
//! pointer may be stale, so a whole-heap check first checks the structure before the GC
//! (a pointer no object is at would derail the capture) and reports what it finds there.
//! *k* = 1, the default, checks the whole heap at every GC.

use crate::heap::Heap;
use crate::verify::verifier::{check_after_scavenge, err, verify_structure, PreGc, VerifyError};
use crate::verify::young_gen_verifier::{check_young_gen_after_scavenge, PreYoungGc};

/// The verification interval and how far the count has run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Schedule {
    interval: u32,
    /// Young-generation checks left before the next whole-heap one.
    young_left: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: 1,
            young_left: 0,
        }
    }
}

impl Schedule {
    pub(crate) fn set_interval(&mut self, k: u32) {
        assert!(k > 0, "a full verification interval of 0");
        self.interval = k;
        self.young_left = 0;
    }

    /// Makes the next check a whole-heap one.
    pub(crate) fn restart(&mut self) {
        self.young_left = 0;
    }

    /// The whole-heap check just ran.
    pub(crate) fn full_done(&mut self) {
        self.young_left = self.interval - 1;
    }
}

/// What a verified scavenge captured before it ran.
pub(crate) enum PreScavenge {
    Heap(PreGc),
    YoungGen(PreYoungGc),
    /// The whole-heap check found the heap corrupt before the GC.
    Corrupt(VerifyError),
}

impl PreScavenge {
    /// Captures what the scheduled check needs.
    pub(crate) fn capture(heap: &mut Heap) -> PreScavenge {
        if heap.verify_schedule.young_left == 0 {
            heap.verify_schedule.full_done();
            let gc = heap.events.len() + 1;
            match verify_structure(heap, gc) {
                Ok(()) => PreScavenge::Heap(PreGc::capture(heap)),
                Err(e) => PreScavenge::Corrupt(err(gc, format!("before the GC: {}", e.message))),
            }
        } else {
            heap.verify_schedule.young_left -= 1;
            PreScavenge::YoungGen(PreYoungGc::capture(heap))
        }
    }

    /// Checks the heap right after the scavenge.
    pub(crate) fn check(&self, heap: &Heap) -> Result<(), VerifyError> {
        match self {
            PreScavenge::Heap(pre) => check_after_scavenge(heap, pre),
            PreScavenge::YoungGen(pre) => check_young_gen_after_scavenge(heap, pre),
            PreScavenge::Corrupt(e) => Err(e.clone()),
        }
    }
}
