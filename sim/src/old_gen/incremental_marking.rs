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
use crate::heap::gc_trace::MarkingTrace;
use crate::heap::managed::ManagedHeap;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::object::{collections, InstanceType};
use crate::old_gen::mark_bits::Colour;
use crate::old_gen::mark_compact::{MarkCompactCollector, MarkingPhase};
use crate::old_gen::marking_trace::{GreySource, MarkingStep};

/// Incremental marking's own state; the marking itself (bits, worklist, recorded slots) is
/// the [`MarkCompactCollector`]'s, which these steps drive.
#[derive(Debug)]
pub struct IncrementalMarking {
    pub(crate) phase: MarkingPhase,
    /// Bytes allocated since the last step.
    allocated_since_step: usize,
}

impl Default for IncrementalMarking {
    fn default() -> IncrementalMarking {
        IncrementalMarking {
            phase: MarkingPhase::Idle,
            allocated_since_step: 0,
        }
    }
}

impl IncrementalMarking {
    fn is_running(&self) -> bool {
        self.phase == MarkingPhase::Incremental
    }

    fn start(
        &mut self,
        mc: &mut MarkCompactCollector,
        heap: &ManagedHeap,
        trace: Option<Box<MarkingTrace>>,
    ) {
        mc.begin_marking_cycle(true, trace);
        self.allocated_since_step = 0;
        self.phase = MarkingPhase::Incremental;
        mc.mark_roots(heap, true);
    }

    /// One step of `budget_bytes`; young objects are deferred to the final pause.
    fn step(&self, mc: &mut MarkCompactCollector, heap: &ManagedHeap, budget_bytes: usize) -> bool {
        mc.cycle.incremental_steps += 1;
        let (step, budget_words) = (mc.cycle.incremental_steps, (budget_bytes as u64 / 8).max(1));
        mc.step(|| MarkingStep::IncrementalStep {
            n: step,
            budget_words,
        });
        let done = mc.drain_marking(heap, Some(budget_words), true);
        mc.step(|| MarkingStep::StepEnd { n: step });
        done
    }

    fn complete(&self, mc: &MarkCompactCollector) -> bool {
        self.is_running() && mc.worklist.is_empty() && !mc.worklist.overflowed
    }

    /// Counts an allocation of `bytes`; returns the budget of the step it triggers, if any.
    fn step_due(&mut self, mc: &MarkCompactCollector, bytes: usize) -> Option<usize> {
        self.allocated_since_step += bytes;
        if self.allocated_since_step < mc.config.step_allocated_bytes {
            return None;
        }
        let budget = self.allocated_since_step * mc.config.marking_speed;
        self.allocated_since_step = 0;
        Some(budget)
    }

    /// Black allocation: an old object allocated while marking runs is born black.
    #[inline]
    pub(crate) fn on_allocation(&self, mc: &mut MarkCompactCollector, a: Address, young: bool) {
        if self.is_running() && !young && mc.marks.white_to_black(a) {
            mc.cycle.black_allocated += 1;
        }
    }

    /// The marking half of the write barrier (Dijkstra), called for every store outside a
    /// GC; `young` says whether `value` points into new space.
    #[inline]
    pub(crate) fn barrier(
        &self,
        mc: &mut MarkCompactCollector,
        host: Address,
        slot: Address,
        value: Tagged,
        young: bool,
    ) {
        if !self.is_running() || !value.is_heap_object() || !mc.marks.is_black(host) {
            return;
        }
        if value.is_weak() {
            mc.weak_slots.push(slot);
        } else if young {
            mc.young_slots.push(slot);
        } else if mc.grey_and_push(value.addr(), GreySource::Barrier { host }) {
            mc.cycle.barrier_greyings += 1;
        }
    }

    /// Called by the scavenger for each object it promotes: during incremental marking the
    /// copy is greyed, since black objects may now point at it.
    #[inline]
    pub(crate) fn on_promotion(&self, mc: &mut MarkCompactCollector, to: Address) {
        if self.is_running() {
            mc.grey_and_push(to, GreySource::Promotion);
        }
    }
}

impl Heap {
    /// Starts incremental marking now (no-op if it runs already or a GC is in progress).
    pub fn start_incremental_marking(&mut self) {
        if self.in_gc || self.incremental.is_running() {
            return;
        }
        let trace = self.marking_trace();
        self.incremental
            .start(&mut self.mark_compact, &self.managed, trace);
    }

    /// Runs one marking step of `budget_bytes` (at least one object). Returns whether
    /// marking has no grey object left (the final pause may run).
    pub fn incremental_marking_step(&mut self, budget_bytes: usize) -> bool {
        if !self.incremental.is_running() || self.in_gc {
            return false;
        }
        if let Some(t) = self.gc_trace.as_mut() {
            t.incremental_step(self.allocations);
        }
        self.incremental
            .step(&mut self.mark_compact, &self.managed, budget_bytes)
    }

    /// Whether incremental marking runs and has no grey object left.
    pub fn incremental_marking_complete(&self) -> bool {
        self.incremental.complete(&self.mark_compact)
    }

    /// Hook run by every allocation before memory is taken: stress full GCs, incremental
    /// steps, start and finalization of marking, the allocation limit. May run a full GC
    /// (never in bulk mode, [`Heap::in_bulk`]).
    pub(crate) fn old_gen_before_allocation(&mut self, bytes: usize) {
        if self.in_gc || self.bulk {
            return;
        }
        let cfg = &self.mark_compact.config;
        if let Some(n) = cfg.full_gc_interval {
            if self.allocations.is_multiple_of(n) {
                self.collect_garbage(GcReason::Testing);
                return;
            }
        }
        let used = self.old_generation_used();
        let limit = self.mark_compact.allocation_limit;
        if self.incremental.is_running() {
            if let Some(budget) = self.incremental.step_due(&self.mark_compact, bytes) {
                self.incremental_marking_step(budget);
            }
            if self.incremental_marking_complete() {
                self.collect_garbage(GcReason::FinalizeMarking);
            }
        } else if cfg.incremental
            && (cfg.start_marking_early || used + self.managed.new_space.capacity >= limit)
        {
            self.start_incremental_marking();
        } else if used >= limit {
            self.collect_garbage(GcReason::AllocationLimit);
        }
    }

    /// Hook run after an allocation succeeded: black allocation.
    pub(crate) fn old_gen_after_allocation(&mut self, a: Address) {
        if !self.in_gc {
            let young = self.managed.new_space.contains(a);
            self.incremental
                .on_allocation(&mut self.mark_compact, a, young);
        }
    }

    /// Checks the strong tri-colour invariant while incremental marking runs: no black
    /// object points at a white old object (weak slots and ephemeron entries excepted, they
    /// do not keep their targets alive), and every young pointer of a black object is in a
    /// recorded slot, so the final pause will trace it. Without marking it holds trivially.
    pub fn check_tricolour_invariant(&self) -> Result<(), String> {
        if self.incremental.phase != MarkingPhase::Incremental {
            return Ok(());
        }
        let young: HashSet<Address> = self.mark_compact.young_slots.iter().copied().collect();
        for (c, end) in self.managed.old_generation_ranges() {
            let mut off = 0usize;
            while off < end {
                let a = crate::heap::memory::chunk_base(c) + off as u64;
                let b = self.body(a);
                off += b.size_bytes();
                if b.ty.is_filler() || self.mark_compact.marks.colour(a) != Colour::Black {
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
                    if self.managed.new_space.contains(t) {
                        if !young.contains(&slot) {
                            return Err(format!("black {} {a:#x} holds young {t:#x} in word {i}, a slot the marker does not know", b.ty.v8_name()));
                        }
                    } else if self.mark_compact.marks.colour(t) == Colour::White {
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
