//! Incremental marking, after V8's `IncrementalMarking` (`src/heap/incremental-marking.cc`,
//! V8 5.x–6.x) and the talk's last GC slide: past a size limit, marking the whole old
//! generation in one pause is too long, so it is spread over many small steps that the
//! program's allocations pay for.
//!
//! * **Start**: when the old generation's used bytes come within one semi-space of the
//!   allocation limit (V8's `IncrementalMarkingLimitReached`: old-generation space available
//!   ≤ new-space capacity), or at the first allocation after a full GC in the
//!   `start_marking_early` stress mode (V8's `--stress-incremental-marking`). The roots'
//!   old targets are greyed.
//! * **Steps**: every `step_allocated_bytes` allocated (V8's `kAllocatedThreshold`, 64 KB),
//!   the marker visits `marking_speed` × that many bytes of grey objects (overflow and
//!   rescans included, [`crate::old_gen::mark_compact`]). The mutator runs in between.
//! * **Dijkstra write barrier** (E. W. Dijkstra et al., "On-the-fly garbage collection",
//!   CACM 1978; V8's `IncrementalMarking::RecordWrite`): a store of a white object into a
//!   black one greys the value, so no black object ever points at a white one (the strong
//!   tri-colour invariant, checked by [`Heap::check_tricolour_invariant`]).
//! * **Black allocation** (V8's `StartBlackAllocation`): old-generation objects allocated
//!   during marking are born black; their initialising stores go through the barrier.
//! * **Young objects** are never marked incrementally, because a scavenge may move them:
//!   the marker and the barrier record the *slot* of every young pointer held by a black
//!   object (those hosts are old and do not move), and the final pause traces their current
//!   values along with the roots. Scavenges may run during marking: an object promoted
//!   meanwhile is greyed (V8 marks promoted objects in the same situation), so a black
//!   object whose slot the scavenger redirects to it never points at white.
//! * **Finalization**: when a step finds no grey object left, the next allocation runs the
//!   final atomic pause, [`Heap::collect_garbage`] with reason `FinalizeMarking`. Objects that
//!   die during the cycle after being marked survive it (floating garbage) and are freed by
//!   the next full GC.

use std::collections::HashSet;

use crate::events::GcReason;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::object::{collections, InstanceType};
use crate::old_gen::mark_bits::Colour;
use crate::old_gen::mark_compact::MarkingPhase;

impl Heap {
    /// Starts incremental marking now (no-op if it runs already or a GC is in progress).
    pub fn start_incremental_marking(&mut self) {
        if self.in_gc || self.old_gen.phase == MarkingPhase::Incremental {
            return;
        }
        self.begin_marking_cycle(true);
        self.mark_roots(true);
    }

    /// Runs one marking step of `budget_bytes` (at least one object). Returns whether
    /// marking has no grey object left (the final pause may run).
    pub fn incremental_marking_step(&mut self, budget_bytes: usize) -> bool {
        if self.old_gen.phase != MarkingPhase::Incremental || self.in_gc {
            return false;
        }
        self.old_gen.cycle.incremental_steps += 1;
        self.drain_marking(Some((budget_bytes as u64 / 8).max(1)), true)
    }

    /// Whether incremental marking runs and has no grey object left.
    pub fn incremental_marking_complete(&self) -> bool {
        self.old_gen.phase == MarkingPhase::Incremental
            && self.old_gen.worklist.is_empty()
            && !self.old_gen.worklist.overflowed
    }

    /// Hook run by every allocation before memory is taken: stress full GCs, incremental
    /// steps, start and finalization of marking, the allocation limit. May run a full GC.
    pub(crate) fn old_gen_before_allocation(&mut self, bytes: usize) {
        if self.in_gc {
            return;
        }
        if let Some(n) = self.old_gen.config.full_gc_interval {
            if self.allocations % n == 0 {
                self.collect_garbage(GcReason::Testing);
                return;
            }
        }
        let cfg = &self.old_gen.config;
        let used = self.old_generation_used();
        let limit = self.old_gen.allocation_limit;
        match self.old_gen.phase {
            MarkingPhase::Incremental => {
                self.old_gen.allocated_since_step += bytes;
                if self.old_gen.allocated_since_step >= cfg.step_allocated_bytes {
                    let budget = self.old_gen.allocated_since_step * cfg.marking_speed;
                    self.old_gen.allocated_since_step = 0;
                    self.incremental_marking_step(budget);
                }
                if self.incremental_marking_complete() {
                    self.collect_garbage(GcReason::FinalizeMarking);
                }
            }
            MarkingPhase::Idle => {
                if cfg.incremental
                    && (cfg.start_marking_early || used + self.new_space.capacity >= limit)
                {
                    self.start_incremental_marking();
                } else if used >= limit {
                    self.collect_garbage(GcReason::AllocationLimit);
                }
            }
        }
    }

    /// Hook run after an allocation succeeded: black allocation.
    pub(crate) fn old_gen_after_allocation(&mut self, a: Address) {
        if self.old_gen.phase == MarkingPhase::Incremental
            && !self.in_gc
            && !self.new_space.contains(a)
            && self.old_gen.marks.white_to_black(a)
        {
            self.old_gen.cycle.black_allocated += 1;
        }
    }

    /// The marking half of the write barrier (Dijkstra), called for every store.
    #[inline]
    pub(crate) fn marking_barrier(&mut self, host: Address, slot: Address, value: Tagged) {
        if self.old_gen.phase != MarkingPhase::Incremental
            || self.in_gc
            || !value.is_heap_object()
            || !self.old_gen.marks.is_black(host)
        {
            return;
        }
        if value.is_weak() {
            self.old_gen.weak_slots.push(slot);
            return;
        }
        let t = value.addr();
        if self.new_space.contains(t) {
            self.old_gen.young_slots.push(slot);
        } else if self.grey_and_push(t) {
            self.old_gen.cycle.barrier_greyings += 1;
        }
    }

    /// Called by the scavenger for each object it promotes: during incremental marking the
    /// copy is greyed, since black objects may now point at it.
    #[inline]
    pub(crate) fn marking_on_promotion(&mut self, to: Address) {
        if self.old_gen.phase == MarkingPhase::Incremental {
            self.grey_and_push(to);
        }
    }

    /// Checks the strong tri-colour invariant while incremental marking runs: no black
    /// object points at a white old object (weak slots and ephemeron entries excepted, they
    /// do not keep their targets alive), and every young pointer of a black object is in a
    /// recorded slot, so the final pause will trace it. Without marking it holds trivially.
    pub fn check_tricolour_invariant(&self) -> Result<(), String> {
        if self.old_gen.phase != MarkingPhase::Incremental {
            return Ok(());
        }
        let young: HashSet<Address> = self.old_gen.young_slots.iter().copied().collect();
        for (c, end) in self.old_generation_ranges() {
            let mut off = 0usize;
            while off < end {
                let a = crate::heap::memory::chunk_base(c) + off as u64;
                let b = self.body(a);
                off += b.size_bytes();
                if b.ty.is_filler() || self.old_gen.marks.colour(a) != Colour::Black {
                    continue;
                }
                let mut last = b.tagged_end;
                if b.ty == InstanceType::EphemeronHashTable {
                    let nb = self.word(a, collections::NUMBER_OF_BUCKETS).smi_value() as usize;
                    last = last.min(collections::BUCKETS + nb);
                }
                for i in 0..last {
                    let v = self.word(a, i);
                    if !v.is_strong() {
                        continue;
                    }
                    let t = v.addr();
                    let slot = a + 8 * i as u64;
                    if self.new_space.contains(t) {
                        if !young.contains(&slot) {
                            return Err(format!("black {} {a:#x} holds young {t:#x} in word {i}, a slot the marker does not know", b.ty.v8_name()));
                        }
                    } else if self.old_gen.marks.colour(t) == Colour::White {
                        return Err(format!(
                            "black {} {a:#x} points at white {} {t:#x} (word {i})",
                            b.ty.v8_name(),
                            self.instance_type(t).v8_name()
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
