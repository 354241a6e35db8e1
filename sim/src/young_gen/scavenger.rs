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
use crate::heap::gc_trace::ScavengeTrace;
use crate::heap::memory::{chunk_base, chunk_of, word_offset};
use crate::heap::roots::RootKind;
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Address, Tagged};
use crate::heap::Heap;
use crate::young_gen::trace::ScavengeStep;

/// One scavenge: Cheney's two pointers are to-space's bump pointer and `scan` in
/// [`Scavenger::collect`]; this holds the rest of its state — where from-space is, the
/// promotion queue, the counters of the event and the recorder when it is recorded.
#[derive(Default)]
pub(crate) struct Scavenger {
    from_chunk: usize,
    age_mark: Address,
    promoted: Vec<Address>,
    objects_copied: usize,
    bytes_copied: usize,
    objects_promoted: usize,
    bytes_promoted: usize,
    promotion_failures: usize,
    remembered_slots: usize,
    work: u64,
    /// The recorder, when this scavenge is recorded (decided at its start).
    trace: Option<ScavengeTrace>,
}

impl Heap {
    /// Runs one scavenge and returns its event. With `set_verify_heap(true)` the verifier
    /// runs around it (see [`crate::verify::verifier`]).
    pub fn scavenge(&mut self, reason: GcReason) -> &GcEvent {
        Scavenger::collect(self, reason)
    }
}

impl Scavenger {
    /// The scavenge of the module doc, steps 1–4, on `heap`; appends and returns its event.
    fn collect(heap: &mut Heap, reason: GcReason) -> &GcEvent {
        assert!(!heap.in_gc, "scavenge re-entered");
        let pre = heap
            .verify_heap
            .then(|| crate::verify::schedule::PreScavenge::capture(heap));
        heap.in_gc = true;
        let before = heap.heap_sizes();
        let allocation_count = heap.allocations;

        // 1. Flip.
        let from_top = heap.managed.new_space.top;
        let old_age_mark = heap.managed.new_space.age_mark;
        heap.managed.new_space.flip();
        let from_start = chunk_base(heap.managed.new_space.from_chunk());
        let mut sc = Scavenger {
            from_chunk: heap.managed.new_space.from_chunk(),
            age_mark: from_start + old_age_mark as u64,
            trace: heap
                .steps
                .take()
                .map(ScavengeTrace::unbounded)
                .or_else(|| heap.gc_trace.as_ref().and_then(|t| t.scavenge_trace())),
            ..Scavenger::default()
        };
        let to_space = heap.managed.new_space.start();
        sc.step(|| ScavengeStep::Flip {
            from_space: from_start,
            to_space,
            from_top: from_start + from_top as u64,
            age_mark: from_start + old_age_mark as u64,
        });

        // 2a. Roots.
        for kind in RootKind::ALL {
            for index in 0..heap.managed.roots.list(kind).len() {
                let v = heap.managed.roots.list(kind)[index];
                if v.is_heap_object() && chunk_of(v.addr()) == sc.from_chunk {
                    let nv = sc.evacuate(heap, v);
                    heap.managed.roots.list_mut(kind)[index] = nv;
                    sc.step(|| ScavengeStep::Root {
                        kind,
                        index,
                        from: v.addr(),
                        to: nv.addr(),
                    });
                }
            }
        }

        // 2b. Old-to-new remembered set of every old-generation chunk.
        let old_chunks: Vec<usize> = heap
            .managed
            .old_space
            .pages
            .iter()
            .chain(&heap.managed.code_space.pages)
            .chain(&heap.managed.map_space.pages)
            .chain(&heap.managed.lo_space.chunks)
            .copied()
            .collect();
        for c in old_chunks {
            if heap.managed.mem.chunk(c).slots.is_empty() {
                continue;
            }
            let mut set = std::mem::take(&mut heap.managed.mem.chunk_mut(c).slots);
            set.retain(|w| {
                sc.remembered_slots += 1;
                let slot = chunk_base(c) + 8 * w as u64;
                let v = Tagged(heap.managed.mem.read(slot));
                if !v.is_heap_object() {
                    return false;
                }
                if chunk_of(v.addr()) == sc.from_chunk {
                    let nv = sc.evacuate(heap, v);
                    heap.managed.mem.write(slot, nv.0);
                    sc.step(|| ScavengeStep::RememberedSlot {
                        slot,
                        from: v.addr(),
                        to: nv.addr(),
                    });
                    heap.managed.new_space.contains(nv.addr())
                } else {
                    heap.managed.new_space.contains(v.addr())
                }
            });
            // Nothing records into this chunk while its set is out: promoted objects are
            // only scanned in step 3.
            heap.managed.mem.chunk_mut(c).slots = set;
        }

        // 3. Cheney scan, interleaved with the promotion queue.
        let to_start = heap.managed.new_space.start();
        let mut scan = 0usize;
        loop {
            if scan < heap.managed.new_space.top {
                let a = to_start + scan as u64;
                let alloc = to_start + heap.managed.new_space.top as u64;
                sc.step(|| ScavengeStep::Scan { scan: a, alloc });
                scan += sc.scan_object(heap, a, false);
            } else if let Some(p) = sc.promoted.pop() {
                sc.step(|| ScavengeStep::ScanPromoted { object: p });
                sc.scan_object(heap, p, true);
            } else {
                break;
            }
        }
        let end = to_start + heap.managed.new_space.top as u64;
        sc.step(|| ScavengeStep::Done {
            scan: end,
            alloc: end,
        });

        // 4. Age mark, growth, event, recording.
        heap.managed.new_space.age_mark = heap.managed.new_space.top;
        let grown = heap
            .managed
            .new_space
            .maybe_grow(&mut heap.managed.mem, sc.bytes_copied + sc.bytes_promoted);
        heap.in_gc = false;
        let event = GcEvent {
            seq: heap.events.len() + 1,
            kind: GcKind::Scavenge,
            reason,
            allocation_count,
            before,
            after: heap.heap_sizes(),
            objects_copied: sc.objects_copied,
            bytes_copied: sc.bytes_copied,
            objects_promoted: sc.objects_promoted,
            bytes_promoted: sc.bytes_promoted,
            promotion_failures: sc.promotion_failures,
            remembered_slots: sc.remembered_slots,
            work: sc.work,
            new_space_grown: grown,
            full_gc: Default::default(),
        };
        let seq = event.seq;
        heap.events.push(event);
        match sc.trace {
            Some(t) if t.unbounded => heap.steps = Some(t.into_steps()),
            Some(t) => heap.keep_scavenge_trace(seq, t),
            None => {}
        }
        if let Some(pre) = pre {
            heap.verifier.checks += 1;
            if let Err(e) = pre.check(heap) {
                heap.verifier.failures.push(e);
            }
        }
        heap.events.last().expect("just pushed")
    }

    /// Records a step when this scavenge is recorded (the closure builds it only then).
    #[inline]
    fn step(&mut self, f: impl FnOnce() -> ScavengeStep) {
        if let Some(t) = self.trace.as_mut() {
            t.record(f());
        }
    }

    /// Scans one object's tagged words, evacuating from-space targets. `old_host` says the
    /// object is (now) in the old generation, so surviving young targets are remembered.
    /// Returns the object's size in bytes.
    fn scan_object(&mut self, heap: &mut Heap, a: Address, old_host: bool) -> usize {
        let b = heap.body(a);
        self.work += b.size_words as u64;
        for i in 1..b.tagged_end {
            let slot = a + 8 * i as u64;
            let v = Tagged(heap.managed.mem.read(slot));
            if !v.is_heap_object() || chunk_of(v.addr()) != self.from_chunk {
                continue;
            }
            let nv = self.evacuate(heap, v);
            heap.managed.mem.write(slot, nv.0);
            if old_host && heap.managed.new_space.contains(nv.addr()) {
                heap.managed.record_slot(slot);
            }
        }
        b.size_bytes()
    }

    /// Copies (or finds the copy of) the from-space object `v` points to; returns `v`
    /// retargeted to the new address.
    fn evacuate(&mut self, heap: &mut Heap, v: Tagged) -> Tagged {
        let from = v.addr();
        let mw = heap.managed.mem.read(from);
        if map_word::is_forwarding(mw) {
            self.step(|| ScavengeStep::Forwarded { from, to: mw });
            return v.retarget(mw);
        }
        let body = heap.managed.body_with_map(from, Tagged(mw).addr());
        let bytes = body.size_bytes();
        let mut promoted = from < self.age_mark;
        let to = if promoted {
            match heap.managed.allocate_paged(SpaceId::Old, bytes) {
                Ok(a) => a,
                Err(_) => {
                    self.promotion_failures += 1;
                    promoted = false;
                    heap.managed
                        .new_space
                        .allocate(bytes)
                        .expect("to-space has room for every survivor")
                }
            }
        } else {
            heap.managed
                .new_space
                .allocate(bytes)
                .expect("to-space has room for every survivor")
        };
        let (fc, tc) = (chunk_of(from), chunk_of(to));
        let (fw, tw) = (word_offset(from), word_offset(to));
        let n = body.size_words;
        let (src, dst) = heap.managed.mem.two_chunks_mut(fc, tc);
        dst.words[tw..tw + n].copy_from_slice(&src.words[fw..fw + n]);
        dst.ids[tw] = src.ids[fw];
        src.words[fw] = map_word::forwarding(to);
        self.work += n as u64;
        if promoted {
            self.objects_promoted += 1;
            self.bytes_promoted += bytes;
            self.promoted.push(to);
            heap.incremental.on_promotion(&mut heap.mark_compact, to);
        } else {
            self.objects_copied += 1;
            self.bytes_copied += bytes;
        }
        self.step(|| ScavengeStep::Copy {
            from,
            to,
            size: bytes,
            promoted,
        });
        v.retarget(to)
    }
}
