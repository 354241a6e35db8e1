//! Paged spaces (old, code, map), after V8 6.x's `PagedSpace` (`src/heap/spaces.h`).
//!
//! A paged space is a list of fixed-size pages. Allocation first asks the free list
//! ([`super::free_list`]); failing that it bumps the current page's high-water mark `top`;
//! failing that it retires the current page (its unused tail becomes a free block) and maps
//! a new page, if the heap's old-generation limit allows. Every free block is overwritten by
//! a filler object (`FreeSpace`, or the one-/two-word fillers), so a page can always be
//! walked object by object from its start to `top` (V8's "iterable heap" invariant).

use super::free_list::{FreeList, MIN_BLOCK};
use crate::heap::memory::{chunk_base, word_offset, Memory};
use crate::heap::space::SpaceId;
use crate::heap::tagged::{Address, Tagged};

/// Map words of the three filler kinds, provided by the heap's root table.
#[derive(Clone, Copy, Debug)]
pub struct Fillers {
    pub free_space_map: u64,
    pub one_word_map: u64,
    pub two_word_map: u64,
}

impl Fillers {
    /// Overwrites `bytes` bytes at `addr` with one filler object (layout in
    /// [`crate::object`]: `FreeSpace` is map, size as Smi, next).
    pub fn write(&self, mem: &mut Memory, addr: Address, bytes: usize) {
        match bytes {
            0 => {}
            8 => mem.write(addr, self.one_word_map),
            16 => {
                mem.write(addr, self.two_word_map);
                mem.write(addr + 8, 0);
            }
            _ => {
                mem.write(addr, self.free_space_map);
                mem.write(addr + 8, Tagged::smi(bytes as i32).0);
                mem.write(addr + 16, 0);
            }
        }
        let c = mem.chunk_mut(crate::heap::memory::chunk_of(addr));
        let w = word_offset(addr);
        c.ids[w] = 0;
        c.slots.remove_range(w, w + bytes / 8);
    }
}

#[derive(Debug)]
pub struct PagedSpace {
    pub id: SpaceId,
    pub page_bytes: usize,
    /// Chunk numbers of the pages, in the order they were mapped.
    pub pages: Vec<usize>,
    /// Per page: bytes from the page start to its high-water mark (read with
    /// [`PagedSpace::tops`]; written only here, so that `high_water` stays their sum).
    tops: Vec<usize>,
    /// The sum of `tops`: [`PagedSpace::used`] runs before every allocation (the
    /// old-generation limit check), so it must not walk the pages.
    high_water: usize,
    pub free_list: FreeList,
    current: Option<usize>,
}

impl PagedSpace {
    pub fn new(id: SpaceId, page_bytes: usize) -> PagedSpace {
        PagedSpace {
            id,
            page_bytes,
            pages: Vec::new(),
            tops: Vec::new(),
            high_water: 0,
            free_list: FreeList::default(),
            current: None,
        }
    }

    /// Allocates `bytes` (a multiple of 8, at most a page). `may_add_page` is the heap's
    /// verdict on its old-generation limit. `None` means the space is full.
    pub fn allocate(
        &mut self,
        mem: &mut Memory,
        bytes: usize,
        fillers: &Fillers,
        may_add_page: bool,
    ) -> Option<Address> {
        debug_assert!(bytes.is_multiple_of(8) && bytes <= self.page_bytes);
        if let Some((addr, size)) = self.free_list.take(bytes) {
            let rest = size - bytes;
            if rest > 0 {
                fillers.write(mem, addr + bytes as u64, rest);
                self.free_list.add(addr + bytes as u64, rest);
            }
            return Some(addr);
        }
        if let Some(p) = self.current {
            if self.tops[p] + bytes <= self.page_bytes {
                let addr = chunk_base(self.pages[p]) + self.tops[p] as u64;
                self.tops[p] += bytes;
                self.high_water += bytes;
                return Some(addr);
            }
        }
        if !may_add_page {
            return None;
        }
        if let Some(p) = self.current {
            let tail = self.page_bytes - self.tops[p];
            if tail > 0 {
                let addr = chunk_base(self.pages[p]) + self.tops[p] as u64;
                fillers.write(mem, addr, tail);
                self.free_list.add(addr, tail);
                self.tops[p] = self.page_bytes;
                self.high_water += tail;
            }
        }
        let c = mem.map_chunk(self.id, self.page_bytes);
        self.pages.push(c);
        self.tops.push(bytes);
        self.high_water += bytes;
        self.current = Some(self.pages.len() - 1);
        Some(chunk_base(c))
    }

    /// Puts a dead object's bytes back on the free list (used by the sweeper, issue 6).
    pub fn free(&mut self, mem: &mut Memory, addr: Address, bytes: usize, fillers: &Fillers) {
        fillers.write(mem, addr, bytes);
        self.free_list.add(addr, bytes);
    }

    /// Ends bump allocation in the current page: its unused tail becomes a free block
    /// (V8's `FreeLinearAllocationArea`, done at the start of every full GC so that every
    /// page can be swept, released or evacuated).
    pub fn retire_current(&mut self, mem: &mut Memory, fillers: &Fillers) {
        if let Some(p) = self.current.take() {
            let tail = self.page_bytes - self.tops[p];
            if tail > 0 {
                let addr = chunk_base(self.pages[p]) + self.tops[p] as u64;
                fillers.write(mem, addr, tail);
                self.free_list.add(addr, tail);
                self.tops[p] = self.page_bytes;
                self.high_water += tail;
            }
        }
    }

    /// The page allocation bumps in, if any (never released or evacuated by a full GC).
    pub fn current_page(&self) -> Option<usize> {
        self.current.map(|i| self.pages[i])
    }

    /// Unmaps pages (emptied by a full GC) and drops their free-list blocks.
    pub fn release_pages(&mut self, mem: &mut Memory, chunks: &[usize]) {
        for &c in chunks {
            let Some(i) = self.pages.iter().position(|&p| p == c) else {
                continue;
            };
            let base = chunk_base(c);
            self.free_list.evict(base, base + self.page_bytes as u64);
            self.pages.remove(i);
            self.high_water -= self.tops.remove(i);
            self.current = match self.current {
                Some(k) if k == i => None,
                Some(k) if k > i => Some(k - 1),
                k => k,
            };
            mem.unmap_chunk(c);
        }
    }

    /// Bytes mapped for this space.
    pub fn committed(&self) -> usize {
        self.pages.len() * self.page_bytes
    }

    /// Bytes in objects (including unlisted fillers below the free list's minimum block).
    pub fn used(&self) -> usize {
        self.high_water - self.free_list.available()
    }

    /// Per page, in [`PagedSpace::pages`] order: bytes from the page start to its
    /// high-water mark.
    pub fn tops(&self) -> &[usize] {
        &self.tops
    }

    /// Whether a block would be listed (for callers that want to know about waste).
    pub fn listable(bytes: usize) -> bool {
        bytes >= MIN_BLOCK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fillers() -> Fillers {
        Fillers {
            free_space_map: 0x1001,
            one_word_map: 0x2001,
            two_word_map: 0x3001,
        }
    }

    #[test]
    fn bump_then_new_page_then_free_list() {
        let mut mem = Memory::new();
        let mut s = PagedSpace::new(SpaceId::Old, 256);
        let f = fillers();
        let a = s.allocate(&mut mem, 200, &f, true).unwrap();
        assert_eq!(s.used(), 200);
        assert_eq!(
            s.allocate(&mut mem, 96, &f, false),
            None,
            "no room without a new page"
        );
        let b = s.allocate(&mut mem, 96, &f, true).unwrap();
        assert_ne!(
            crate::heap::memory::chunk_of(a),
            crate::heap::memory::chunk_of(b)
        );
        // The 56-byte tail of page 1 became a FreeSpace filler on the free list.
        assert_eq!(mem.read(a + 200), 0x1001);
        assert_eq!(Tagged(mem.read(a + 208)).smi_value(), 56);
        assert_eq!(s.free_list.available(), 56);
        assert_eq!(s.used(), 296);
        let c = s.allocate(&mut mem, 32, &f, false).unwrap();
        assert_eq!(c, a + 200, "served from the free list");
        // The 24-byte remainder is listed again, with a FreeSpace filler over it.
        assert_eq!(s.free_list.available(), 24);
        assert_eq!(mem.read(a + 232), 0x1001);
        s.free(&mut mem, b, 16, &f);
        assert_eq!(mem.read(b), 0x3001, "16 bytes get the two-word filler");
        assert_eq!(s.committed(), 512);
    }
}
