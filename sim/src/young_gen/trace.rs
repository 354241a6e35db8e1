//! Step mode: the scavenger's progress as data, one record per step — the frames of the
//! talk's Cheney animation (flip, copy roots, scan pointer chasing the allocation pointer,
//! done when they meet). [`crate::Heap::set_step_recording`] keeps every step of every
//! scavenge ([`crate::Heap::steps`]); GC recording ([`crate::heap::gc_trace`]) keeps one
//! chosen scavenge, bounded. Addresses are simulated addresses; to-space offsets are
//! `addr - to_space`.

use crate::heap::roots::RootKind;
use crate::heap::tagged::Address;

#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ScavengeStep {
    /// The semi-spaces swapped roles. `from_top` is where allocation had reached in the
    /// new from-space, `age_mark` where survivors of the previous scavenge end.
    Flip {
        from_space: Address,
        to_space: Address,
        from_top: Address,
        age_mark: Address,
    },
    /// An object was copied: into to-space (`promoted == false`) or old space.
    Copy {
        from: Address,
        to: Address,
        size: usize,
        promoted: bool,
    },
    /// A root slot now points at the object's new place.
    Root {
        kind: RootKind,
        index: usize,
        from: Address,
        to: Address,
    },
    /// An old-to-new remembered slot was processed (`to` is the target's new address).
    RememberedSlot {
        slot: Address,
        from: Address,
        to: Address,
    },
    /// The scan pointer reached an object in to-space; `alloc` is the allocation pointer.
    Scan { scan: Address, alloc: Address },
    /// A promoted object was scanned (promoted objects are scanned too, from a worklist).
    ScanPromoted { object: Address },
    /// A reference to an object that had already been copied was updated (the forwarding
    /// address was found in the old copy's map word).
    Forwarded { from: Address, to: Address },
    /// Scan and allocation pointers met: the scavenge is complete.
    Done { scan: Address, alloc: Address },
}

impl serde::Serialize for RootKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.snapshot_name())
    }
}
