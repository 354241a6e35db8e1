//! New space: two semi-spaces, after V8 6.x's `NewSpace`/`SemiSpace` (`src/heap/spaces.h`).
//!
//! Only the *to-space* (the active half) is allocated in, by bumping `top`. A scavenge flips
//! the halves: the old to-space becomes from-space and survivors are copied into the new
//! to-space from its start. The **age mark** is to-space's `top` at the end of a scavenge:
//! every object below it has survived one scavenge, so when the next scavenge finds an
//! object below the age mark in from-space it promotes it (V8's
//! `Heap::ShouldBePromoted`). The semi-spaces double (up to the profile's maximum) once the
//! bytes surviving since the last growth exceed the capacity
//! (`Heap::CheckNewSpaceExpansionCriteria`).

use crate::heap::memory::{chunk_base, Memory};
use crate::heap::space::SpaceId;
use crate::heap::tagged::Address;

#[derive(Debug)]
pub struct NewSpace {
    /// Chunk numbers of the two halves.
    pub semi: [usize; 2],
    /// Which of `semi` is to-space.
    pub to: usize,
    /// Bytes allocated in to-space.
    pub top: usize,
    /// Bytes of to-space below which objects survived one scavenge.
    pub age_mark: usize,
    /// Current capacity of each half in bytes.
    pub capacity: usize,
    pub max_capacity: usize,
    pub survived_since_expansion: usize,
}

impl NewSpace {
    pub fn new(mem: &mut Memory, initial: usize, max: usize) -> NewSpace {
        let a = mem.map_chunk(SpaceId::New, initial);
        let b = mem.map_chunk(SpaceId::New, initial);
        NewSpace {
            semi: [a, b],
            to: 0,
            top: 0,
            age_mark: 0,
            capacity: initial,
            max_capacity: max,
            survived_since_expansion: 0,
        }
    }

    pub fn to_chunk(&self) -> usize {
        self.semi[self.to]
    }

    pub fn from_chunk(&self) -> usize {
        self.semi[self.to ^ 1]
    }

    /// Start address of to-space.
    pub fn start(&self) -> Address {
        chunk_base(self.to_chunk())
    }

    /// Bump-pointer allocation; `None` when to-space is full.
    #[inline]
    pub fn allocate(&mut self, bytes: usize) -> Option<Address> {
        (self.top + bytes <= self.capacity).then(|| {
            let a = self.start() + self.top as u64;
            self.top += bytes;
            a
        })
    }

    /// Swaps the halves; to-space starts empty.
    pub fn flip(&mut self) {
        self.to ^= 1;
        self.top = 0;
    }

    /// Doubles both halves when survivors since the last growth exceed the capacity.
    /// Returns whether it grew.
    pub fn maybe_grow(&mut self, mem: &mut Memory, survived: usize) -> bool {
        self.survived_since_expansion += survived;
        if self.survived_since_expansion <= self.capacity || self.capacity >= self.max_capacity {
            return false;
        }
        self.capacity = (self.capacity * 2).min(self.max_capacity);
        self.survived_since_expansion = 0;
        for &c in &self.semi {
            let chunk = mem.chunk_mut(c);
            chunk.words.resize(self.capacity / 8, 0);
            chunk.ids.resize(self.capacity / 8, 0);
        }
        true
    }

    pub fn contains(&self, addr: Address) -> bool {
        let c = crate::heap::memory::chunk_of(addr);
        c == self.semi[0] || c == self.semi[1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bump_allocation_flip_and_growth() {
        let mut mem = Memory::new();
        let mut ns = NewSpace::new(&mut mem, 64, 256);
        let a = ns.allocate(24).unwrap();
        let b = ns.allocate(40).unwrap();
        assert_eq!(b, a + 24);
        assert_eq!(ns.allocate(8), None, "to-space is full");
        let old_to = ns.to_chunk();
        ns.flip();
        assert_eq!(ns.from_chunk(), old_to);
        assert_eq!(ns.top, 0);
        assert!(
            !ns.maybe_grow(&mut mem, 64),
            "64 survived bytes do not exceed 64 capacity"
        );
        assert!(ns.maybe_grow(&mut mem, 8));
        assert_eq!(ns.capacity, 128);
        assert_eq!(mem.chunk(ns.to_chunk()).words.len(), 16);
        assert!(ns.maybe_grow(&mut mem, 200));
        assert!(!ns.maybe_grow(&mut mem, 1000), "capped at the maximum");
        assert_eq!(ns.capacity, 256);
    }
}
