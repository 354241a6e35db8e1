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

use crate::events::FullGcStats;
use crate::heap::managed::ManagedHeap;
use crate::heap::memory::{chunk_base, chunk_of, word_offset};
use crate::heap::space::SpaceId;
use crate::heap::tagged::Address;
use crate::old_gen::mark_bits::MarkBits;

/// The sweeper of the full collector: what it frees is counted into the cycle's
/// [`FullGcStats`]; it keeps the free-run buffer between pages.
#[derive(Debug, Default)]
pub struct Sweeper {
    runs: Vec<(Address, usize)>,
}

impl Sweeper {
    /// Sweeps one page onto its space's free list; returns whether it is now empty. Dead
    /// objects are counted as freed unless `counted` already (aborted candidates).
    pub(crate) fn sweep_page(
        &mut self,
        heap: &mut ManagedHeap,
        marks: &MarkBits,
        cycle: &mut FullGcStats,
        c: usize,
        end: usize,
        counted: bool,
    ) -> bool {
        let (any_live, dead, dead_bytes) = free_runs(heap, marks, c, end, &mut self.runs);
        let fillers = heap.fillers();
        let s = heap.mem.space_of(chunk_base(c)).expect("a mapped page");
        let space = match s {
            SpaceId::Old => &mut heap.old_space,
            SpaceId::Code => &mut heap.code_space,
            _ => &mut heap.map_space,
        };
        for &(a, n) in &self.runs {
            space.free(&mut heap.mem, a, n, &fillers);
        }
        cycle.pages_swept += 1;
        if !counted {
            cycle.objects_freed += dead;
            cycle.bytes_freed += dead_bytes;
        }
        !any_live
    }

    /// Sweeps every non-candidate page of the paged spaces (rebuilding their free lists),
    /// releases empty pages, frees dead large objects.
    pub(crate) fn sweep_old_generation(
        &mut self,
        heap: &mut ManagedHeap,
        marks: &mut MarkBits,
        cycle: &mut FullGcStats,
        candidates: &[usize],
    ) {
        for s in [SpaceId::Old, SpaceId::Code, SpaceId::Map] {
            let space = heap.paged_space_mut(s);
            space.free_list.clear();
            let current = space.current_page();
            let pages: Vec<(usize, usize)> = space
                .pages
                .iter()
                .copied()
                .zip(space.tops().iter().copied())
                .collect();
            let mut empty = Vec::new();
            for (c, top) in pages {
                if candidates.contains(&c) {
                    continue;
                }
                if self.sweep_page(heap, marks, cycle, c, top, false) && Some(c) != current {
                    empty.push(c);
                }
            }
            release_pages(heap, marks, cycle, s, &empty);
        }
        let dead: Vec<usize> = heap
            .lo_space
            .chunks
            .iter()
            .copied()
            .filter(|&c| !marks.is_marked(chunk_base(c)))
            .collect();
        for c in dead {
            let bytes = heap.mem.chunk(c).words.len() * 8;
            heap.lo_space.free(&mut heap.mem, chunk_base(c));
            marks.clear_chunk(c);
            cycle.large_objects_freed += 1;
            cycle.objects_freed += 1;
            cycle.bytes_freed += bytes;
        }
    }

    /// Drops the remembered slots of dead objects on pages that will not be swept (the
    /// evacuation candidates), so the new-space phase does not treat them as roots, and
    /// counts those objects as freed.
    pub(crate) fn forget_dead_slots_on(
        &mut self,
        heap: &mut ManagedHeap,
        marks: &MarkBits,
        cycle: &mut FullGcStats,
        pages: &[usize],
    ) {
        for &c in pages {
            let old = heap.paged_space(SpaceId::Old);
            let end = old.tops()[old
                .pages
                .iter()
                .position(|&p| p == c)
                .expect("candidate is an old-space page")];
            let (_, dead, dead_bytes) = free_runs(heap, marks, c, end, &mut self.runs);
            cycle.objects_freed += dead;
            cycle.bytes_freed += dead_bytes;
            let chunk = heap.mem.chunk_mut(c);
            for &(a, n) in &self.runs {
                debug_assert_eq!(chunk_of(a), c);
                let w = word_offset(a);
                chunk.slots.remove_range(w, w + n / 8);
            }
        }
    }
}

/// Free runs of one page and whether it holds any live object. A run is a maximal
/// sequence of unmarked objects and fillers; `dead` counts dead objects and their bytes.
/// Objects whose map word is a forwarding address (moved out of an aborted evacuation
/// candidate) count as free, their size read from the copy.
pub(crate) fn free_runs(
    heap: &ManagedHeap,
    marks: &MarkBits,
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
        let mw = heap.mem.read(a);
        let (size, live, filler) = if crate::heap::tagged::map_word::is_forwarding(mw) {
            (heap.size_of(mw), false, true)
        } else {
            let b = heap.body(a);
            (
                b.size_bytes(),
                !b.ty.is_filler() && marks.is_marked(a),
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

/// Unmaps pages of a paged space (empty after sweeping, or evacuated).
pub(crate) fn release_pages(
    heap: &mut ManagedHeap,
    marks: &mut MarkBits,
    cycle: &mut FullGcStats,
    s: SpaceId,
    chunks: &[usize],
) {
    if chunks.is_empty() {
        return;
    }
    for &c in chunks {
        marks.clear_chunk(c);
    }
    let space = match s {
        SpaceId::Old => &mut heap.old_space,
        SpaceId::Code => &mut heap.code_space,
        _ => &mut heap.map_space,
    };
    space.release_pages(&mut heap.mem, chunks);
    cycle.pages_released += chunks.len();
}
