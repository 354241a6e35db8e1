//! The scavenger: Cheney's copying collection of new space with promotion, after
//! C. J. Cheney, "A nonrecursive list compacting algorithm" (CACM 13(11), 1970) and V8 6.x's
//! `Scavenger` (`src/heap/scavenger.cc`, `Heap::Scavenge` in `src/heap/heap.cc`).
//!
//! 1. **Flip**: to-space becomes from-space; the new to-space is empty. Its bump pointer is
//!    Cheney's *allocation pointer*; a second pointer, the *scan pointer*, starts beside it.
//! 2. **Roots**: every root slot and every old-to-new remembered slot pointing into
//!    from-space is *evacuated*: the object is copied (into to-space, or into old space if
//!    it lies below the age mark, i.e. survives its second scavenge), its old map word is
//!    overwritten with the new address (the *forwarding address*), and the slot is updated.
//!    A slot whose target was already copied just takes the forwarding address.
//! 3. **Scan**: while the scan pointer is behind the allocation pointer, the object under
//!    it is scanned — each of its tagged words is evacuated as in 2 — and the scan pointer
//!    moves past it. Copies land at the allocation pointer, so the scan is breadth-first
//!    and needs no stack. Promoted objects are not in to-space, so they are queued and
//!    scanned too (V8's promotion list); any new-space pointer they keep is recorded in the
//!    remembered set, since they are now old. The collection ends when the pointers meet
//!    and the promotion queue is empty.
//! 4. **Afterwards**: remembered slots whose target was promoted are dropped (V8's
//!    `REMOVE_SLOT`), the age mark moves to the allocation pointer, and the semi-spaces may
//!    grow.
//!
//! Large objects live in their own space and are never copied; like all old objects they
//! reach new space only through remembered slots. If old space cannot take a promotion, the
//! object stays young (counted as a promotion failure), which to-space always has room for.

use crate::events::{GcEvent, GcKind, GcReason};
use crate::heap::memory::{chunk_base, chunk_of, word_offset};
use crate::heap::roots::RootKind;
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Address, Tagged};
use crate::heap::Heap;
use crate::young_gen::trace::ScavengeStep;

#[derive(Default)]
struct State {
    from_chunk: usize,
    from_start: Address,
    age_mark: Address,
    promoted: Vec<Address>,
    objects_copied: usize,
    bytes_copied: usize,
    objects_promoted: usize,
    bytes_promoted: usize,
    promotion_failures: usize,
    remembered_slots: usize,
    work: u64,
}

impl Heap {
    /// Runs one scavenge and returns its event. With `set_verify_heap(true)` the verifier
    /// runs around it (see [`crate::verify::verifier`]).
    pub fn scavenge(&mut self, reason: GcReason) -> &GcEvent {
        assert!(!self.in_gc, "scavenge re-entered");
        let pre = self
            .verify_heap
            .then(|| crate::verify::verifier::PreGc::capture(self));
        self.in_gc = true;
        let before = self.heap_sizes();
        let allocation_count = self.allocations;

        // 1. Flip.
        let from_top = self.new_space.top;
        let old_age_mark = self.new_space.age_mark;
        self.new_space.flip();
        let mut st = State {
            from_chunk: self.new_space.from_chunk(),
            from_start: chunk_base(self.new_space.from_chunk()),
            ..State::default()
        };
        st.age_mark = st.from_start + old_age_mark as u64;
        let to_space = self.new_space.start();
        self.step(|| ScavengeStep::Flip {
            from_space: st.from_start,
            to_space,
            from_top: st.from_start + from_top as u64,
            age_mark: st.age_mark,
        });

        // 2a. Roots.
        for kind in RootKind::ALL {
            for index in 0..self.roots.list(kind).len() {
                let v = self.roots.list(kind)[index];
                if v.is_heap_object() && chunk_of(v.addr()) == st.from_chunk {
                    let nv = self.evacuate(&mut st, v);
                    self.roots.list_mut(kind)[index] = nv;
                    self.step(|| ScavengeStep::Root {
                        kind,
                        index,
                        from: v.addr(),
                        to: nv.addr(),
                    });
                }
            }
        }

        // 2b. Old-to-new remembered set of every old-generation chunk.
        let old_chunks: Vec<usize> = self
            .old_space
            .pages
            .iter()
            .chain(&self.code_space.pages)
            .chain(&self.map_space.pages)
            .chain(&self.lo_space.chunks)
            .copied()
            .collect();
        for c in old_chunks {
            if self.mem.chunk(c).slots.is_empty() {
                continue;
            }
            let mut set = std::mem::take(&mut self.mem.chunk_mut(c).slots);
            set.retain(|w| {
                st.remembered_slots += 1;
                let slot = chunk_base(c) + 8 * w as u64;
                let v = Tagged(self.mem.read(slot));
                if !v.is_heap_object() {
                    return false;
                }
                if chunk_of(v.addr()) == st.from_chunk {
                    let nv = self.evacuate(&mut st, v);
                    self.mem.write(slot, nv.0);
                    self.step(|| ScavengeStep::RememberedSlot {
                        slot,
                        from: v.addr(),
                        to: nv.addr(),
                    });
                    self.new_space.contains(nv.addr())
                } else {
                    self.new_space.contains(v.addr())
                }
            });
            // Nothing records into this chunk while its set is out: promoted objects are
            // only scanned in step 3.
            self.mem.chunk_mut(c).slots = set;
        }

        // 3. Cheney scan, interleaved with the promotion queue.
        let to_start = self.new_space.start();
        let mut scan = 0usize;
        loop {
            if scan < self.new_space.top {
                let a = to_start + scan as u64;
                let alloc = to_start + self.new_space.top as u64;
                self.step(|| ScavengeStep::Scan { scan: a, alloc });
                scan += self.scan_object(&mut st, a, false);
            } else if let Some(p) = st.promoted.pop() {
                self.step(|| ScavengeStep::ScanPromoted { object: p });
                self.scan_object(&mut st, p, true);
            } else {
                break;
            }
        }
        let end = to_start + self.new_space.top as u64;
        self.step(|| ScavengeStep::Done {
            scan: end,
            alloc: end,
        });

        // 4. Age mark, growth, event.
        self.new_space.age_mark = self.new_space.top;
        let grown = self
            .new_space
            .maybe_grow(&mut self.mem, st.bytes_copied + st.bytes_promoted);
        self.in_gc = false;
        let event = GcEvent {
            seq: self.events.len() + 1,
            kind: GcKind::Scavenge,
            reason,
            allocation_count,
            before,
            after: self.heap_sizes(),
            objects_copied: st.objects_copied,
            bytes_copied: st.bytes_copied,
            objects_promoted: st.objects_promoted,
            bytes_promoted: st.bytes_promoted,
            promotion_failures: st.promotion_failures,
            remembered_slots: st.remembered_slots,
            work: st.work,
            new_space_grown: grown,
            full_gc: Default::default(),
        };
        self.events.push(event);
        if let Some(pre) = pre {
            self.verifier.checks += 1;
            if let Err(e) = crate::verify::verifier::check_after_scavenge(self, &pre) {
                self.verifier.failures.push(e);
            }
        }
        self.events.last().expect("just pushed")
    }

    /// Scans one object's tagged words, evacuating from-space targets. `old_host` says the
    /// object is (now) in the old generation, so surviving young targets are remembered.
    /// Returns the object's size in bytes.
    fn scan_object(&mut self, st: &mut State, a: Address, old_host: bool) -> usize {
        let b = self.body(a);
        st.work += b.size_words as u64;
        for i in 1..b.tagged_end {
            let slot = a + 8 * i as u64;
            let v = Tagged(self.mem.read(slot));
            if !v.is_heap_object() || chunk_of(v.addr()) != st.from_chunk {
                continue;
            }
            let nv = self.evacuate(st, v);
            self.mem.write(slot, nv.0);
            if old_host && self.new_space.contains(nv.addr()) {
                self.record_slot(slot);
            }
        }
        b.size_bytes()
    }

    /// Copies (or finds the copy of) the from-space object `v` points to; returns `v`
    /// retargeted to the new address.
    fn evacuate(&mut self, st: &mut State, v: Tagged) -> Tagged {
        let from = v.addr();
        let mw = self.mem.read(from);
        if map_word::is_forwarding(mw) {
            self.step(|| ScavengeStep::Forwarded { from, to: mw });
            return v.retarget(mw);
        }
        let body = self.body_with_map(from, Tagged(mw).addr());
        let bytes = body.size_bytes();
        let mut promoted = from < st.age_mark;
        let to = if promoted {
            match self.allocate_paged(SpaceId::Old, bytes) {
                Ok(a) => a,
                Err(_) => {
                    st.promotion_failures += 1;
                    promoted = false;
                    self.new_space
                        .allocate(bytes)
                        .expect("to-space has room for every survivor")
                }
            }
        } else {
            self.new_space
                .allocate(bytes)
                .expect("to-space has room for every survivor")
        };
        let (fc, tc) = (chunk_of(from), chunk_of(to));
        let (fw, tw) = (word_offset(from), word_offset(to));
        let n = body.size_words;
        let (src, dst) = self.mem.two_chunks_mut(fc, tc);
        dst.words[tw..tw + n].copy_from_slice(&src.words[fw..fw + n]);
        dst.ids[tw] = src.ids[fw];
        src.words[fw] = map_word::forwarding(to);
        st.work += n as u64;
        if promoted {
            st.objects_promoted += 1;
            st.bytes_promoted += bytes;
            st.promoted.push(to);
            self.marking_on_promotion(to);
        } else {
            st.objects_copied += 1;
            st.bytes_copied += bytes;
        }
        self.step(|| ScavengeStep::Copy {
            from,
            to,
            size: bytes,
            promoted,
        });
        v.retarget(to)
    }

    #[inline]
    fn step(&mut self, f: impl FnOnce() -> ScavengeStep) {
        if let Some(s) = self.steps.as_mut() {
            s.push(f());
        }
    }
}
