//! Compaction: evacuation candidates, evacuation and pointer updating, after V8's
//! `MarkCompactCollector::CollectEvacuationCandidates`, `EvacuatePagesInParallel` and
//! `UpdatePointersAfterEvacuation` (`src/heap/mark-compact.cc`, V8 6.x).
//!
//! **Candidates.** Marking measures each old-space page's live bytes. A page is a candidate
//! when at least `fragmentation_percent` (V8's `kTargetFragmentationPercent`, 70 %) of it is
//! free; candidates are taken emptiest first while the live bytes to move stay within
//! `max_evacuated_bytes` (V8's `kMaxEvacuatedBytes`, 4 MB). The stress mode
//! `compact_every_gc` takes every page. Objects of the root table (fixed maps, oddballs,
//! canonical empty objects) never move: V8 keeps them immovable (`Page::NEVER_EVACUATE`,
//! later the read-only space) and embedders may hold them across allocations; a candidate
//! holding one is evacuated around it. Only old space is compacted (V8 6.x never compacted map space).
//!
//! **Evacuation.** Each live object of a candidate is copied to a free-list or fresh block
//! of a non-candidate page with its id; the old copy's map word becomes the forwarding
//! address (as in the scavenger); old-to-new slots of the copy are recorded again. If
//! there is no room, the page's evacuation is *aborted* (V8's aborted evacuation): what was
//! moved stays moved, the rest stays put, and the page is swept instead of released — as
//! is a candidate that keeps a root-table object. `pages_evacuated` counts candidates
//! evacuated, `pages_aborted` those of them kept and swept.
//!
//! **Pointer updating.** V8 records old-to-old slots into candidates during marking; the
//! simulator chooses candidates after marking from exact live bytes, so it updates by
//! walking every live object and root once instead: each word pointing into a candidate is
//! replaced by the target's forwarding address (strong or weak tag kept). Map words come
//! first, so an object whose map moved is still read through the old copy's intact body.
//! Evacuated candidates are then released.

use crate::heap::managed::ManagedHeap;
use crate::heap::memory::{chunk_base, chunk_of, word_offset};
use crate::heap::roots::RootKind;
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Tagged};
use crate::old_gen::mark_compact::MarkCompactCollector;
use crate::old_gen::sweeper::release_pages;

impl MarkCompactCollector {
    /// Live bytes of an old-space page under the current mark bits.
    fn live_bytes(&self, heap: &ManagedHeap, c: usize, end: usize) -> usize {
        let mut off = 0;
        let mut live = 0;
        while off < end {
            let a = chunk_base(c) + off as u64;
            let n = heap.body(a).size_bytes();
            if self.marks.is_marked(a) {
                live += n;
            }
            off += n;
        }
        live
    }

    /// Chooses the old-space pages to evacuate (see the module doc).
    pub(crate) fn select_evacuation_candidates(&self, heap: &ManagedHeap) -> Vec<usize> {
        let cfg = &self.config;
        let page = heap.old_space.page_bytes;
        let mut pages: Vec<(usize, usize)> = heap
            .old_space
            .pages
            .iter()
            .zip(heap.old_space.tops())
            .map(|(&c, &top)| (self.live_bytes(heap, c, top), c))
            .collect();
        if cfg.compact_every_gc {
            return pages.into_iter().map(|(_, c)| c).collect();
        }
        pages.retain(|&(live, _)| (page - live) * 100 >= cfg.fragmentation_percent * page);
        pages.sort_unstable();
        let mut total = 0;
        let mut out = Vec::new();
        for (live, c) in pages {
            if live > 0 && total + live > cfg.max_evacuated_bytes {
                break;
            }
            total += live;
            out.push(c);
        }
        out
    }

    /// Evacuates the candidates' live objects, updates every pointer, releases the emptied
    /// pages and sweeps the aborted ones.
    pub(crate) fn evacuate_candidates(&mut self, heap: &mut ManagedHeap, candidates: &[usize]) {
        if candidates.is_empty() {
            return;
        }
        let mut pinned: Vec<u64> = heap
            .roots
            .list(RootKind::StrongRootList)
            .iter()
            .filter(|v| v.is_heap_object())
            .map(|v| v.addr())
            .collect();
        pinned.sort_unstable();
        let mut aborted = Vec::new();
        let mut live = Vec::new();
        for &c in candidates {
            let i = heap
                .old_space
                .pages
                .iter()
                .position(|&p| p == c)
                .expect("old page");
            let end = heap.old_space.tops()[i];
            live.clear();
            let mut off = 0;
            while off < end {
                let a = chunk_base(c) + off as u64;
                let b = heap.body(a);
                if !b.ty.is_filler() && self.marks.is_marked(a) {
                    live.push((a, b.size_words, b.tagged_end));
                }
                off += b.size_bytes();
            }
            let mut keep_page = false;
            for &(from, words, tagged_end) in &live {
                if pinned.binary_search(&from).is_ok() {
                    keep_page = true;
                    continue;
                }
                let Ok(to) = heap.allocate_paged(SpaceId::Old, words * 8) else {
                    keep_page = true;
                    break;
                };
                let (fw, tw) = (word_offset(from), word_offset(to));
                let (src, dst) = heap.mem.two_chunks_mut(c, chunk_of(to));
                dst.words[tw..tw + words].copy_from_slice(&src.words[fw..fw + words]);
                dst.ids[tw] = src.ids[fw];
                src.words[fw] = map_word::forwarding(to);
                for i in 1..tagged_end {
                    let v = heap.word(to, i);
                    if v.is_heap_object() && heap.new_space.contains(v.addr()) {
                        heap.record_slot(to + 8 * i as u64);
                    }
                }
                let cy = &mut self.cycle;
                cy.objects_evacuated += 1;
                cy.bytes_evacuated += words * 8;
            }
            if keep_page {
                aborted.push(c);
            }
        }
        self.update_pointers_after_evacuation(heap, candidates, &aborted);
        for &c in &aborted {
            let i = heap
                .old_space
                .pages
                .iter()
                .position(|&p| p == c)
                .expect("old page");
            let end = heap.old_space.tops()[i];
            self.sweeper
                .sweep_page(heap, &self.marks, &mut self.cycle, c, end, true);
        }
        let released: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|c| !aborted.contains(c))
            .collect();
        let cy = &mut self.cycle;
        cy.pages_aborted += aborted.len();
        cy.pages_evacuated += candidates.len();
        release_pages(
            heap,
            &mut self.marks,
            &mut self.cycle,
            SpaceId::Old,
            &released,
        );
    }

    fn update_pointers_after_evacuation(
        &self,
        heap: &mut ManagedHeap,
        candidates: &[usize],
        aborted: &[usize],
    ) {
        let max = candidates.iter().copied().max().unwrap_or(0);
        let mut is_cand = vec![false; max + 1];
        for &c in candidates {
            is_cand[c] = true;
        }
        let forward = |heap: &ManagedHeap, v: Tagged| -> Option<Tagged> {
            if !v.is_heap_object() || !is_cand.get(chunk_of(v.addr())).copied().unwrap_or(false) {
                return None;
            }
            let mw = heap.mem.read(v.addr());
            map_word::is_forwarding(mw).then(|| v.retarget(mw))
        };
        for kind in RootKind::ALL {
            for i in 0..heap.roots.list(kind).len() {
                if let Some(nv) = forward(heap, heap.roots.list(kind)[i]) {
                    heap.roots.list_mut(kind)[i] = nv;
                }
            }
        }
        let mut ranges = vec![(heap.new_space.to_chunk(), heap.new_space.top)];
        ranges.extend(
            heap.old_generation_ranges().into_iter().filter(|&(c, _)| {
                !is_cand.get(c).copied().unwrap_or(false) || aborted.contains(&c)
            }),
        );
        for (c, end) in ranges {
            let in_cand = is_cand.get(c).copied().unwrap_or(false);
            let mut off = 0;
            while off < end {
                let a = chunk_base(c) + off as u64;
                let mw = heap.mem.read(a);
                if map_word::is_forwarding(mw) {
                    off += heap.size_of(mw);
                    continue;
                }
                if let Some(nm) = forward(heap, Tagged(mw)) {
                    heap.mem.write(a, nm.0);
                }
                let b = heap.body(a);
                off += b.size_bytes();
                if b.ty.is_filler() || (in_cand && !self.marks.is_marked(a)) {
                    continue;
                }
                for i in 1..b.tagged_end {
                    let slot = a + 8 * i as u64;
                    if let Some(nv) = forward(heap, Tagged(heap.mem.read(slot))) {
                        heap.mem.write(slot, nv.0);
                    }
                }
            }
        }
    }
}
