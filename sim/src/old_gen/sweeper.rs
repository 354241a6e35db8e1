//! The sweeper, after V8's `Sweeper::RawSweep` (`src/heap/sweeper.cc`; `mark-compact.cc`
//! in V8 5.x): after marking, each page of old, code and map space that is not an
//! evacuation candidate is walked object by object; every maximal run of dead objects and
//! fillers between live (marked) objects becomes one free block — a filler over it so the
//! page stays iterable, and an entry in the space's size-class free list
//! ([`crate::heap::space::free_list`]) — which also drops the run's old-to-new remembered slots.
//! A page left without any live object is released (V8 releases empty pages after
//! sweeping; the full GC stopped bump allocation first, so any page qualifies). Large objects are freed
//! whole: a dead large object's chunk is unmapped. Sweeping here is atomic, inside the GC
//! pause (V8 sweeps concurrently; the result is the same free lists).

use crate::heap::memory::{chunk_base, chunk_of, word_offset};
use crate::heap::space::SpaceId;
use crate::heap::tagged::Address;
use crate::heap::Heap;

impl Heap {
    fn paged_space_mut(&mut self, s: SpaceId) -> &mut crate::heap::space::paged_space::PagedSpace {
        match s {
            SpaceId::Old => &mut self.old_space,
            SpaceId::Code => &mut self.code_space,
            SpaceId::Map => &mut self.map_space,
            _ => unreachable!("not a paged space"),
        }
    }

    pub(crate) fn paged_space(&self, s: SpaceId) -> &crate::heap::space::paged_space::PagedSpace {
        match s {
            SpaceId::Old => &self.old_space,
            SpaceId::Code => &self.code_space,
            SpaceId::Map => &self.map_space,
            _ => unreachable!("not a paged space"),
        }
    }

    /// Free runs of one page and whether it holds any live object. A run is a maximal
    /// sequence of unmarked objects and fillers; `dead` counts dead objects and their bytes.
    /// Objects whose map word is a forwarding address (moved out of an aborted evacuation
    /// candidate) count as free, their size read from the copy.
    pub(crate) fn free_runs(
        &self,
        c: usize,
        end: usize,
        runs: &mut Vec<(Address, usize)>,
    ) -> (bool, usize, usize) {
        runs.clear();
        let (mut any_live, mut dead, mut dead_bytes) = (false, 0, 0);
        let mut run: Option<Address> = None;
        let mut off = 0usize;
        while off < end {
            let a = chunk_base(c) + off as u64;
            let mw = self.mem.read(a);
            let (size, live, filler) = if crate::heap::tagged::map_word::is_forwarding(mw) {
                (self.size_of(mw), false, true)
            } else {
                let b = self.body(a);
                (
                    b.size_bytes(),
                    !b.ty.is_filler() && self.old_gen.marks.is_marked(a),
                    b.ty.is_filler(),
                )
            };
            if live {
                any_live = true;
                if let Some(s) = run.take() {
                    runs.push((s, (a - s) as usize));
                }
            } else {
                if !filler {
                    dead += 1;
                    dead_bytes += size;
                }
                run.get_or_insert(a);
            }
            off += size;
        }
        if let Some(s) = run {
            runs.push((s, (chunk_base(c) + end as u64 - s) as usize));
        }
        (any_live, dead, dead_bytes)
    }

    /// Sweeps one page onto its space's free list; returns whether it is now empty. Dead
    /// objects are counted as freed unless `counted` already (aborted candidates).
    pub(crate) fn sweep_page(&mut self, s: SpaceId, c: usize, end: usize, counted: bool) -> bool {
        let mut runs = Vec::new();
        let (any_live, dead, dead_bytes) = self.free_runs(c, end, &mut runs);
        let fillers = self.fillers();
        for &(a, n) in &runs {
            let space = match s {
                SpaceId::Old => &mut self.old_space,
                SpaceId::Code => &mut self.code_space,
                _ => &mut self.map_space,
            };
            space.free(&mut self.mem, a, n, &fillers);
        }
        let cy = &mut self.old_gen.cycle;
        cy.pages_swept += 1;
        if !counted {
            cy.objects_freed += dead;
            cy.bytes_freed += dead_bytes;
        }
        !any_live
    }

    /// Sweeps every non-candidate page of the paged spaces (rebuilding their free lists),
    /// releases empty pages, frees dead large objects.
    pub(crate) fn sweep_old_generation(&mut self, candidates: &[usize]) {
        for s in [SpaceId::Old, SpaceId::Code, SpaceId::Map] {
            let space = self.paged_space_mut(s);
            space.free_list.clear();
            let current = space.current_page();
            let pages: Vec<(usize, usize)> = space
                .pages
                .iter()
                .copied()
                .zip(space.tops.iter().copied())
                .collect();
            let mut empty = Vec::new();
            for (c, top) in pages {
                if candidates.contains(&c) {
                    continue;
                }
                if self.sweep_page(s, c, top, false) && Some(c) != current {
                    empty.push(c);
                }
            }
            self.release_pages(s, &empty);
        }
        let dead: Vec<usize> = self
            .lo_space
            .chunks
            .iter()
            .copied()
            .filter(|&c| !self.old_gen.marks.is_marked(chunk_base(c)))
            .collect();
        for c in dead {
            let bytes = self.mem.chunk(c).words.len() * 8;
            self.lo_space.free(&mut self.mem, chunk_base(c));
            self.old_gen.marks.clear_chunk(c);
            let cy = &mut self.old_gen.cycle;
            cy.large_objects_freed += 1;
            cy.objects_freed += 1;
            cy.bytes_freed += bytes;
        }
    }

    /// Unmaps pages of a paged space (empty after sweeping, or evacuated).
    pub(crate) fn release_pages(&mut self, s: SpaceId, chunks: &[usize]) {
        if chunks.is_empty() {
            return;
        }
        for &c in chunks {
            self.old_gen.marks.clear_chunk(c);
        }
        let space = match s {
            SpaceId::Old => &mut self.old_space,
            SpaceId::Code => &mut self.code_space,
            _ => &mut self.map_space,
        };
        space.release_pages(&mut self.mem, chunks);
        self.old_gen.cycle.pages_released += chunks.len();
    }

    /// Drops the remembered slots of dead objects on pages that will not be swept (the
    /// evacuation candidates), so the new-space phase does not treat them as roots, and
    /// counts those objects as freed.
    pub(crate) fn forget_dead_slots_on(&mut self, pages: &[usize]) {
        let mut runs = Vec::new();
        for &c in pages {
            let end = self.paged_space(SpaceId::Old).tops[self
                .old_space
                .pages
                .iter()
                .position(|&p| p == c)
                .expect("candidate is an old-space page")];
            let (_, dead, dead_bytes) = self.free_runs(c, end, &mut runs);
            let cy = &mut self.old_gen.cycle;
            cy.objects_freed += dead;
            cy.bytes_freed += dead_bytes;
            let chunk = self.mem.chunk_mut(c);
            for &(a, n) in &runs {
                debug_assert_eq!(chunk_of(a), c);
                let w = word_offset(a);
                chunk.slots.remove_range(w, w + n / 8);
            }
        }
    }
}
