//! Stable object ids, after V8's `HeapObjectsMap` (`src/profiler/heap-snapshot-generator.cc`).
//!
//! V8 gives heap objects odd ids in steps of 2 (even ids are for native objects), assigned
//! on first need and carried along when the GC moves an object, so two snapshots of one
//! process can be matched by id. Ids 1 (the synthetic root), 3 (`(GC roots)`) and one per
//! root kind after that are reserved: the first object id is
//! `5 + 2 × number of root kinds` (V8's `kFirstAvailableObjectId`).
//!
//! The simulator stores an object's id in the `ids` column of its chunk, at the word
//! offset of the object's start (0 = no id yet). Allocation writes 0 there; a copy moves
//! the id with the object — one array store, no hash map on the scavenger's path.

use crate::heap::roots::RootKind;

/// The synthetic snapshot root.
pub const ROOT_ID: u32 = 1;
/// `(GC roots)`.
pub const GC_ROOTS_ID: u32 = 3;
/// The sub-root for root kind `k` has id `FIRST_SUBROOT_ID + 2 × k`.
pub const FIRST_SUBROOT_ID: u32 = 5;
/// The first id given to a heap object.
pub const FIRST_OBJECT_ID: u32 = FIRST_SUBROOT_ID + 2 * RootKind::COUNT as u32;

/// Id of the snapshot sub-root for a root kind.
pub fn subroot_id(kind: RootKind) -> u32 {
    FIRST_SUBROOT_ID + 2 * kind as u32
}

/// Hands out ids.
#[derive(Clone, Debug)]
pub struct IdAllocator {
    next: u32,
}

impl Default for IdAllocator {
    fn default() -> Self {
        IdAllocator {
            next: FIRST_OBJECT_ID,
        }
    }
}

impl IdAllocator {
    /// The next id. Ids are `u32` like V8's `SnapshotObjectId`; after 2^31 ids the counter
    /// would wrap, which no simulated heap reaches (ids are assigned lazily, only to objects
    /// someone asked about).
    pub fn next_id(&mut self) -> u32 {
        let id = self.next;
        self.next = self
            .next
            .checked_add(2)
            .expect("object ids exhausted (2^31 ids handed out)");
        id
    }

    /// Ids handed out so far.
    pub fn assigned(&self) -> u32 {
        (self.next - FIRST_OBJECT_ID) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_odd_and_step_two_after_the_reserved_ones() {
        let mut a = IdAllocator::default();
        let x = a.next_id();
        let y = a.next_id();
        assert_eq!(x, FIRST_OBJECT_ID);
        assert_eq!(x % 2, 1);
        assert_eq!(y, x + 2);
        assert_eq!(a.assigned(), 2);
        assert!(subroot_id(RootKind::Unknown) < FIRST_OBJECT_ID);
        assert_eq!(subroot_id(RootKind::StringTable), 5);
    }
}
