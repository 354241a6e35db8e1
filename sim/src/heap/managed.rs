//! The heap a collector is given: the simulated memory ([`crate::heap::memory`], whose chunks
//! also hold the object ids and the old-to-new remembered set), the five spaces
//! ([`crate::heap::space`]) and the roots ([`crate::heap::roots`]), with what every
//! collector reads off them — object layout from the map word, the root maps, sizes — and
//! the paged-space allocation that promotion and evacuation use.
//!
//! It is the part of V8's `Heap` that its `Scavenger`, `MarkCompactCollector` and
//! `Sweeper` work on; the [`Heap`](crate::Heap) owns it beside the collectors' own state,
//! so a collector borrows its own state and the managed heap at the same time.

use crate::heap::memory::{chunk_of, word_offset, Memory};
use crate::heap::profile::Profile;
use crate::heap::roots::{RootKind, Roots};
use crate::heap::space::large_object_space::LargeObjectSpace;
use crate::heap::space::new_space::NewSpace;
use crate::heap::space::paged_space::{Fillers, PagedSpace};
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Address, Tagged};
use crate::heap::{HeapError, RootIndex};
use crate::object::map::{self, INSTANCE_TYPE};
use crate::object::{Body, InstanceType};

/// Memory, spaces and roots: what the collectors manage.
pub struct ManagedHeap {
    pub(crate) profile: Profile,
    pub(crate) mem: Memory,
    pub(crate) new_space: NewSpace,
    pub(crate) old_space: PagedSpace,
    pub(crate) code_space: PagedSpace,
    pub(crate) map_space: PagedSpace,
    pub(crate) lo_space: LargeObjectSpace,
    pub(crate) roots: Roots,
}

impl ManagedHeap {
    /// Word `i` of the object at `addr` (word 0 is the map word).
    #[inline]
    pub fn word(&self, addr: Address, i: usize) -> Tagged {
        Tagged(self.mem.read(addr + 8 * i as u64))
    }

    #[inline]
    pub fn map_of(&self, addr: Address) -> Address {
        let mw = self.mem.read(addr);
        debug_assert!(!map_word::is_forwarding(mw), "object {addr:#x} was moved");
        Tagged(mw).addr()
    }

    #[inline]
    pub fn instance_type(&self, addr: Address) -> InstanceType {
        self.map_instance_type(self.map_of(addr))
    }

    /// Size and tagged range of the object at `addr` (V8's `SizeFromMap` + body descriptor).
    #[inline]
    pub fn body(&self, addr: Address) -> Body {
        self.body_with_map(addr, self.map_of(addr))
    }

    pub(crate) fn body_with_map(&self, addr: Address, map: Address) -> Body {
        use InstanceType::*;
        let ty = self.map_instance_type(map);
        let (size_words, tagged_end) = match ty {
            t if t.is_fixed_array_like() => {
                let n = 2 + self.word(addr, 1).smi_value() as usize;
                (n, n)
            }
            SeqOneByteString => (
                3 + crate::object::round_words(self.word(addr, 1).smi_value() as usize),
                3,
            ),
            SeqTwoByteString => (
                3 + crate::object::round_words(2 * self.word(addr, 1).smi_value() as usize),
                3,
            ),
            Code => {
                let n = crate::object::code::HEADER_WORDS;
                (
                    n + crate::object::round_words(self.word(addr, 1).smi_value() as usize),
                    n,
                )
            }
            HeapNumber => (2, 1),
            Oddball => (
                crate::object::js_object::ODDBALL_WORDS,
                crate::object::js_object::ODDBALL_WORDS - 1,
            ),
            FreeSpace => (self.word(addr, 1).smi_value() as usize / 8, 1),
            OnePointerFiller => (1, 1),
            TwoPointerFiller => (2, 1),
            _ => {
                let n = self.word(map, map::INSTANCE_SIZE).smi_value() as usize / 8;
                (n, n)
            }
        };
        Body {
            ty,
            size_words,
            tagged_end,
        }
    }

    /// Self size in bytes.
    pub fn size_of(&self, addr: Address) -> usize {
        self.body(addr).size_bytes()
    }

    /// Bytes of the old generation: committed pages of the paged spaces plus large objects.
    pub fn old_generation_size(&self) -> usize {
        self.old_space.committed()
            + self.code_space.committed()
            + self.map_space.committed()
            + self.lo_space.size
    }

    /// Bytes in objects, per space.
    pub fn space_used(&self, s: SpaceId) -> usize {
        match s {
            SpaceId::New => self.new_space.top,
            SpaceId::Old => self.old_space.used(),
            SpaceId::Code => self.code_space.used(),
            SpaceId::Map => self.map_space.used(),
            SpaceId::LargeObject => self.lo_space.size,
        }
    }

    /// Free-list / bump allocation in a paged space, within the old-generation limit.
    pub(crate) fn allocate_paged(
        &mut self,
        s: SpaceId,
        bytes: usize,
    ) -> Result<Address, HeapError> {
        let may_add =
            self.old_generation_size() + self.profile.page_size <= self.profile.max_old_generation;
        let fillers = self.fillers();
        let space = match s {
            SpaceId::Old => &mut self.old_space,
            SpaceId::Code => &mut self.code_space,
            SpaceId::Map => &mut self.map_space,
            _ => unreachable!("not a paged space"),
        };
        space
            .allocate(&mut self.mem, bytes, &fillers, may_add)
            .ok_or_else(|| self.oom(s.v8_name(), bytes))
    }

    pub(crate) fn oom(&self, space: &'static str, requested: usize) -> HeapError {
        HeapError::OutOfMemory {
            space,
            requested,
            used: self.old_generation_size(),
            limit: self.profile.max_old_generation,
        }
    }

    pub fn root(&self, r: RootIndex) -> Tagged {
        self.roots.list(RootKind::StrongRootList)[r as usize]
    }

    /// The default map of an instance type (for JS types: the map of plain instances of the
    /// built-in constructor).
    pub fn root_map(&self, ty: InstanceType) -> Tagged {
        self.roots.list(RootKind::StrongRootList)[ty as usize]
    }

    pub(crate) fn root_map_word(&self, ty: InstanceType) -> u64 {
        self.root_map(ty).0
    }

    pub(crate) fn meta_map_word(&self) -> u64 {
        self.root_map_word(InstanceType::Map)
    }

    pub fn the_hole(&self) -> Tagged {
        self.root(RootIndex::TheHole)
    }

    pub(crate) fn fillers(&self) -> Fillers {
        Fillers {
            free_space_map: self.root_map_word(InstanceType::FreeSpace),
            one_word_map: self.root_map_word(InstanceType::OnePointerFiller),
            two_word_map: self.root_map_word(InstanceType::TwoPointerFiller),
        }
    }

    pub fn map_instance_type(&self, map: Address) -> InstanceType {
        let v = self.word(map, INSTANCE_TYPE).smi_value();
        InstanceType::from_u8(v as u8).expect("corrupt map: unknown instance type")
    }

    /// Bytes in objects of the old generation (old, code, map and large-object space).
    pub fn old_generation_used(&self) -> usize {
        [
            SpaceId::Old,
            SpaceId::Code,
            SpaceId::Map,
            SpaceId::LargeObject,
        ]
        .into_iter()
        .map(|s| self.space_used(s))
        .sum()
    }

    /// `(chunk, bytes in use)` of every old-generation page and large object.
    pub(crate) fn old_generation_ranges(&self) -> Vec<(usize, usize)> {
        let mut r = Vec::new();
        for s in [&self.old_space, &self.code_space, &self.map_space] {
            r.extend(s.pages.iter().copied().zip(s.tops().iter().copied()));
        }
        r.extend(
            self.lo_space
                .chunks
                .iter()
                .map(|&c| (c, self.mem.chunk(c).words.len() * 8)),
        );
        r
    }

    /// Adds one slot to its chunk's old-to-new remembered set.
    #[inline]
    pub(crate) fn record_slot(&mut self, slot: Address) {
        let c = self.mem.chunk_mut(chunk_of(slot));
        let n = c.words.len();
        c.slots.insert(word_offset(slot), n);
    }

    pub(crate) fn paged_space_mut(&mut self, s: SpaceId) -> &mut PagedSpace {
        match s {
            SpaceId::Old => &mut self.old_space,
            SpaceId::Code => &mut self.code_space,
            SpaceId::Map => &mut self.map_space,
            _ => unreachable!("not a paged space"),
        }
    }

    pub(crate) fn paged_space(&self, s: SpaceId) -> &PagedSpace {
        match s {
            SpaceId::Old => &self.old_space,
            SpaceId::Code => &self.code_space,
            SpaceId::Map => &self.map_space,
            _ => unreachable!("not a paged space"),
        }
    }
}
