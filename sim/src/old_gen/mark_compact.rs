//! The full (old-generation) collector: tri-colour mark-sweep / mark-compact, after V8's
//! `MarkCompactCollector` (`src/heap/mark-compact.cc`, V8 5.x–6.x) and the talk's account of
//! it. One full GC is:
//!
//! 1. **Mark.** Every object starts white. Roots are greyed and pushed on the bounded
//!    marking worklist ([`crate::old_gen::marking_worklist`]); popping a grey object visits its
//!    tagged words (map included), greying and pushing each white target, then blackens it.
//!    Weak slots are not traced but remembered for clearing; a WeakMap's
//!    `EphemeronHashTable` traces neither keys nor values but is remembered for the
//!    ephemeron fixpoint ([`crate::old_gen::weakness`]).
//!    **Overflow** (the talk, and V8 before its 2017 worklist rewrite:
//!    `MarkingDeque::SetOverflowed`, `RefillMarkingDeque`): when the worklist is full the
//!    target is greyed but not pushed and the overflowed flag is set. When the worklist
//!    drains with the flag set, the collector clears it and rescans the spaces for grey
//!    objects, pushing them until the worklist is full again (which sets the flag again);
//!    it repeats until a drain ends without the flag, i.e. a whole rescan found every grey
//!    object room. Counted as `overflows` (objects not pushed) and `rescans` (heap passes).
//!    If incremental marking ([`crate::old_gen::incremental_marking`]) ran, this pause *finalizes* it:
//!    roots are rescanned, young objects (never marked incrementally, they move) are traced
//!    from the roots and from the old-to-young slots the marker recorded, and marking
//!    completes atomically.
//! 2. **Weak processing** ([`crate::old_gen::weakness`]): the ephemeron fixpoint, then weak slots and
//!    WeakMap entries whose target/key stayed white are cleared.
//! 3. **Evacuation candidates** ([`crate::old_gen::evacuation`]): fragmented old-space pages, chosen
//!    from the live bytes marking just measured.
//! 4. **Sweep** ([`crate::old_gen::sweeper`]): every other page of old, code and map space is swept
//!    onto the free lists; empty pages and dead large objects are released.
//! 5. **New space** is evacuated as a scavenge does ([`crate::young_gen::scavenger`]): after sweeping,
//!    only marked objects still point into it, so the scavenge copies exactly the marked
//!    young objects (V8's full GC likewise evacuates new space, promoting objects below the
//!    age mark).
//! 6. **Compaction** ([`crate::old_gen::evacuation`]): live objects of the candidates move to other
//!    pages, every pointer to them is updated (roots, objects, old-to-new remembered slots
//!    of the moved objects), and the emptied pages are released.
//! 7. Mark bits are cleared and the next old-generation allocation limit is set from the
//!    surviving size (V8's heap growing factor).

use crate::events::{FullGcStats, GcEvent, GcKind, GcReason};
use crate::heap::gc_trace::MarkingTrace;
use crate::heap::managed::ManagedHeap;
use crate::heap::memory::chunk_base;
use crate::heap::roots::RootKind;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::object::{collections, InstanceType};
use crate::old_gen::mark_bits::{Colour, MarkBits};
use crate::old_gen::marking_trace::{GreySource, MarkingStep};
use crate::old_gen::marking_worklist::{MarkingWorklist, DEFAULT_CAPACITY};
use crate::old_gen::sweeper::Sweeper;

/// Old-generation collector settings, including V8's stress modes. Defaults are V8-like.
#[derive(Clone, Debug, PartialEq)]
pub struct OldGenConfig {
    /// Marking worklist capacity (entries).
    pub worklist_capacity: usize,
    /// Stress: a full GC before every `n`-th allocation (V8's `--gc-interval` for full GCs).
    pub full_gc_interval: Option<u64>,
    /// Stress: every old-space page except the allocation page is an evacuation candidate
    /// (V8's `--stress-compaction`, here on every page).
    pub compact_every_gc: bool,
    /// Use incremental marking (V8's `--incremental-marking`, on by default).
    pub incremental: bool,
    /// Stress: start incremental marking at the first allocation after any full GC
    /// (V8's `--stress-incremental-marking`).
    pub start_marking_early: bool,
    /// A marking step runs per this many bytes allocated (V8's
    /// `IncrementalMarking::kAllocatedThreshold`, 64 KB).
    pub step_allocated_bytes: usize,
    /// Bytes marked per byte allocated in a step (V8's marking speed; 1 keeps pace, the
    /// default marks three times faster than the program allocates, V8's `kFastMarking`).
    pub marking_speed: usize,
    /// Allocation limit after a full GC = survivors × factor (V8's heap growing factor,
    /// between `kMinHeapGrowingFactor` 1.1 and `kMaxHeapGrowingFactor` 4; 1.5 here), and at
    /// least `min_allocation_limit`.
    pub heap_growing_factor: f64,
    pub min_allocation_limit: usize,
    /// A page is an evacuation candidate when at least this percentage of it is free (V8's
    /// `kTargetFragmentationPercent`, 70)...
    pub fragmentation_percent: usize,
    /// ...and the live bytes evacuated in one GC stay below this (V8's
    /// `kMaxEvacuatedBytes`, 4 MB).
    pub max_evacuated_bytes: usize,
    /// Mutator stress: stores into arrays store weak references (see [`crate::mutator`]).
    pub weak_stores: bool,
}

impl Default for OldGenConfig {
    fn default() -> OldGenConfig {
        OldGenConfig {
            worklist_capacity: DEFAULT_CAPACITY,
            full_gc_interval: None,
            compact_every_gc: false,
            incremental: true,
            start_marking_early: false,
            step_allocated_bytes: 64 * 1024,
            marking_speed: 3,
            heap_growing_factor: 1.5,
            min_allocation_limit: 8 * 1024 * 1024,
            fragmentation_percent: 70,
            max_evacuated_bytes: 4 * 1024 * 1024,
            weak_stores: false,
        }
    }
}

/// The stress modes of `heapsim stress --mode`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StressMode {
    /// Scavenges only (the old generation collects when its limit is reached).
    Scavenge,
    /// A tiny marking worklist: every full GC overflows and rescans.
    Overflow,
    /// Every full GC evacuates every old-space page it can.
    Compact,
    /// Incremental marking started as early as possible with tiny steps.
    Incremental,
    /// Weak stores in the mutator, with frequent full GCs.
    Weak,
}

impl StressMode {
    pub const ALL: [StressMode; 5] = [
        StressMode::Scavenge,
        StressMode::Overflow,
        StressMode::Compact,
        StressMode::Incremental,
        StressMode::Weak,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StressMode::Scavenge => "scavenge",
            StressMode::Overflow => "overflow",
            StressMode::Compact => "compact",
            StressMode::Incremental => "incremental",
            StressMode::Weak => "weak",
        }
    }

    pub fn parse(s: &str) -> Option<StressMode> {
        StressMode::ALL.into_iter().find(|m| m.name() == s)
    }

    /// The collector settings of this mode; `full_gc_interval` is the "GC every N
    /// allocations" knob shared by the modes that need full GCs.
    pub fn config(self, full_gc_interval: u64) -> OldGenConfig {
        let d = OldGenConfig::default();
        let n = Some(full_gc_interval.max(1));
        match self {
            // A small limit, so that the old generation's garbage (which every verified
            // scavenge walks) reaches its collect-and-regrow cycle within short runs too
            // and the cost per op stays flat as runs grow (issue 16).
            StressMode::Scavenge => OldGenConfig {
                min_allocation_limit: 2 * 1024 * 1024,
                ..d
            },
            StressMode::Overflow => OldGenConfig {
                worklist_capacity: crate::old_gen::marking_worklist::STRESS_CAPACITY,
                full_gc_interval: n,
                incremental: false,
                ..d
            },
            StressMode::Compact => OldGenConfig {
                compact_every_gc: true,
                full_gc_interval: n,
                incremental: false,
                ..d
            },
            StressMode::Incremental => OldGenConfig {
                start_marking_early: true,
                step_allocated_bytes: 256,
                marking_speed: 1,
                worklist_capacity: 64,
                ..d
            },
            StressMode::Weak => OldGenConfig {
                weak_stores: true,
                full_gc_interval: n,
                ..d
            },
        }
    }
}

/// Whether incremental marking is running.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MarkingPhase {
    Idle,
    Incremental,
}

/// Totals over the heap's lifetime (for `heapsim stress`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OldGenTotals {
    pub full_gcs: usize,
    pub incremental_steps: usize,
    pub overflows: usize,
    pub rescans: usize,
    pub pages_evacuated: usize,
    pub barrier_greyings: usize,
}

/// The full collector, after V8's `MarkCompactCollector`: its marking state (mark bits,
/// worklist, the slots and tables marking collected), its settings and counters, and the
/// [`Sweeper`]. It works on the [`ManagedHeap`] it is given; the [`Heap`] owns both and
/// runs the phases in [`Heap::collect_garbage`].
#[derive(Debug)]
pub struct MarkCompactCollector {
    pub config: OldGenConfig,
    pub(crate) marks: MarkBits,
    pub(crate) worklist: MarkingWorklist,
    /// Slots of black old objects that held a young pointer when visited or written during
    /// incremental marking: the final pause traces their current values.
    pub(crate) young_slots: Vec<Address>,
    /// Slots holding weak pointers seen by the marker or the barrier.
    pub(crate) weak_slots: Vec<Address>,
    /// Ephemeron tables visited this cycle.
    pub(crate) ephemeron_tables: Vec<Address>,
    /// Counters of the cycle in progress.
    pub(crate) cycle: FullGcStats,
    pub(crate) allocation_limit: usize,
    pub(crate) totals: OldGenTotals,
    pub(crate) sweeper: Sweeper,
    /// The recorder, when this marking cycle is recorded (decided at its start).
    pub(crate) trace: Option<Box<MarkingTrace>>,
}

impl MarkCompactCollector {
    pub fn new(config: OldGenConfig) -> MarkCompactCollector {
        MarkCompactCollector {
            worklist: MarkingWorklist::new(config.worklist_capacity),
            allocation_limit: config.min_allocation_limit,
            config,
            marks: MarkBits::default(),
            young_slots: Vec::new(),
            weak_slots: Vec::new(),
            ephemeron_tables: Vec::new(),
            cycle: FullGcStats::default(),
            totals: OldGenTotals::default(),
            sweeper: Sweeper::default(),
            trace: None,
        }
    }
}

impl Default for MarkCompactCollector {
    fn default() -> MarkCompactCollector {
        MarkCompactCollector::new(OldGenConfig::default())
    }
}

impl Heap {
    /// The old-generation collector's settings.
    pub fn old_gen_config(&self) -> &OldGenConfig {
        &self.mark_compact.config
    }

    /// Changes the settings; takes effect at the next marking cycle (the worklist capacity
    /// and limits immediately when no marking runs).
    pub fn set_old_gen_config(&mut self, config: OldGenConfig) {
        if self.incremental.phase == MarkingPhase::Idle {
            self.mark_compact
                .worklist
                .set_capacity(config.worklist_capacity);
            self.mark_compact.allocation_limit = config.min_allocation_limit;
        }
        self.mark_compact.config = config;
    }

    /// A recorder for a marking cycle about to start, if GC recording wants one.
    pub(crate) fn marking_trace(&self) -> Option<Box<MarkingTrace>> {
        let capacity = self.mark_compact.config.worklist_capacity;
        self.gc_trace.as_ref()?.marking_trace(capacity)
    }

    /// Lifetime totals of the old-generation collector.
    pub fn old_gen_totals(&self) -> OldGenTotals {
        self.mark_compact.totals
    }

    /// The colour of an object in the current marking cycle (white when none runs).
    pub fn colour(&self, addr: Address) -> Colour {
        self.mark_compact.marks.colour(addr)
    }

    /// Whether incremental marking is running.
    pub fn is_marking(&self) -> bool {
        self.incremental.phase == MarkingPhase::Incremental
    }

    /// The old-generation size at which the next full GC (or incremental marking) starts.
    pub fn old_generation_allocation_limit(&self) -> usize {
        self.mark_compact.allocation_limit
    }
}

// ----- marking core ----------------------------------------------------------------------

impl MarkCompactCollector {
    /// Records a step when this cycle is recorded (the closure builds it only then).
    #[inline]
    pub(crate) fn step(&mut self, f: impl FnOnce() -> MarkingStep) {
        if let Some(t) = self.trace.as_mut() {
            t.record(f());
        }
    }

    /// Greys a white object and pushes it; a full worklist flags overflow instead.
    /// `source` is why, for the recording.
    #[inline]
    pub(crate) fn grey_and_push(&mut self, a: Address, source: GreySource) -> bool {
        if !self.marks.white_to_grey(a) {
            return false;
        }
        let pushed = self.worklist.push(a);
        if !pushed {
            self.cycle.overflows += 1;
        }
        self.step(|| MarkingStep::Grey {
            object: a,
            source,
            pushed,
        });
        true
    }

    /// Greys the targets of every root (a root slot is strong whatever its tag). With
    /// `defer_young`, young targets are skipped (incremental marking never marks objects
    /// that a scavenge may move; the final pause rescans the roots).
    pub(crate) fn mark_roots(&mut self, heap: &ManagedHeap, defer_young: bool) {
        for kind in RootKind::ALL {
            for &v in heap.roots.list(kind) {
                if v.is_heap_object() && !(defer_young && heap.new_space.contains(v.addr())) {
                    self.grey_and_push(v.addr(), GreySource::Root { kind });
                }
            }
        }
    }

    /// Visits a grey object's fields and blackens it; returns the words visited.
    fn visit_grey(&mut self, heap: &ManagedHeap, a: Address, defer_young: bool) -> usize {
        let b = heap.body(a);
        let mut end = b.tagged_end;
        if b.ty == InstanceType::EphemeronHashTable {
            // Keys and values are traced by the ephemeron fixpoint, not here.
            let nb = heap.word(a, collections::NUMBER_OF_BUCKETS).smi_value() as usize;
            end = (collections::BUCKETS + nb).min(end);
            self.ephemeron_tables.push(a);
        }
        for i in 0..end {
            let slot = a + 8 * i as u64;
            let v = Tagged(heap.mem.read(slot));
            if v.is_weak() {
                self.weak_slots.push(slot);
            } else if v.is_strong() {
                let t = v.addr();
                if defer_young && heap.new_space.contains(t) {
                    self.young_slots.push(slot);
                } else {
                    let source = if i == 0 {
                        GreySource::MapWord { host: a }
                    } else {
                        GreySource::Field { host: a }
                    };
                    self.grey_and_push(t, source);
                }
            }
        }
        self.marks.grey_to_black(a);
        self.step(|| MarkingStep::Black { object: a });
        let c = &mut self.cycle;
        c.objects_marked += 1;
        c.bytes_marked += b.size_bytes();
        c.marking_work += b.size_words as u64;
        b.size_words
    }

    /// Processes the worklist, rescanning the heap after an overflow, until no grey object
    /// is left (returns true) or `budget` words were visited (returns false).
    pub(crate) fn drain_marking(
        &mut self,
        heap: &ManagedHeap,
        budget: Option<u64>,
        defer_young: bool,
    ) -> bool {
        let mut work = 0u64;
        loop {
            while let Some(a) = self.worklist.pop() {
                if self.marks.colour(a) != Colour::Grey {
                    continue;
                }
                self.step(|| MarkingStep::Pop { object: a });
                work += self.visit_grey(heap, a, defer_young) as u64;
                if budget.is_some_and(|b| work >= b) {
                    return self.worklist.is_empty() && !self.worklist.overflowed;
                }
            }
            if !self.worklist.overflowed {
                return true;
            }
            self.worklist.overflowed = false;
            self.cycle.rescans += 1;
            let n = self.cycle.rescans;
            self.step(|| MarkingStep::Rescan { n });
            work += self.refill_from_heap(heap, !defer_young);
        }
    }

    /// The overflow rescan: walks the spaces pushing grey objects until the worklist is
    /// full (which flags overflow again). Returns the words walked.
    fn refill_from_heap(&mut self, heap: &ManagedHeap, include_young: bool) -> u64 {
        let mut ranges = heap.old_generation_ranges();
        if include_young {
            ranges.push((heap.new_space.to_chunk(), heap.new_space.top));
        }
        let mut walked = 0u64;
        let mut greys = Vec::new();
        for (c, end) in ranges {
            greys.clear();
            let mut off = 0usize;
            while off < end {
                let a = chunk_base(c) + off as u64;
                let b = heap.body(a);
                if !b.ty.is_filler() && self.marks.colour(a) == Colour::Grey {
                    greys.push(a);
                }
                off += b.size_bytes();
                walked += 1;
            }
            for &a in &greys {
                if !self.worklist.push(a) {
                    return walked;
                }
                self.step(|| MarkingStep::Refill { object: a });
            }
        }
        walked
    }

    /// Resets the marking state for a new cycle, recorded by `trace` if given.
    pub(crate) fn begin_marking_cycle(
        &mut self,
        incremental: bool,
        trace: Option<Box<MarkingTrace>>,
    ) {
        self.trace = trace;
        self.marks.clear_all();
        self.worklist.clear();
        self.worklist.set_capacity(self.config.worklist_capacity);
        self.young_slots.clear();
        self.weak_slots.clear();
        self.ephemeron_tables.clear();
        self.cycle = FullGcStats {
            incremental,
            ..FullGcStats::default()
        };
    }

    /// The atomic pause's marking: finishes what incremental marking left (or marks from
    /// scratch), young objects included, then the ephemeron fixpoint and weak clearing.
    fn mark_live_objects(&mut self, heap: &mut ManagedHeap) {
        self.mark_roots(heap, false);
        for s in std::mem::take(&mut self.young_slots) {
            let v = Tagged(heap.mem.read(s));
            if v.is_strong() {
                self.grey_and_push(v.addr(), GreySource::YoungSlot);
            }
        }
        self.drain_marking(heap, None, false);
        self.ephemeron_fixpoint(heap);
        self.step(|| MarkingStep::Done);
        self.clear_dead_weak_references(heap);
    }

    /// Stops bump allocation, chooses the evacuation candidates and sweeps every other page
    /// (every page may be either once bump allocation stops). Returns the candidates.
    fn sweep_around_candidates(&mut self, heap: &mut ManagedHeap) -> Vec<usize> {
        let fillers = heap.fillers();
        for s in [
            &mut heap.old_space,
            &mut heap.code_space,
            &mut heap.map_space,
        ] {
            s.retire_current(&mut heap.mem, &fillers);
        }
        let candidates = self.select_evacuation_candidates(heap);
        self.sweeper
            .forget_dead_slots_on(heap, &self.marks, &mut self.cycle, &candidates);
        self.sweeper
            .sweep_old_generation(heap, &mut self.marks, &mut self.cycle, &candidates);
        candidates
    }

    /// Ends the cycle: clears the marking state, sets the next allocation limit from the
    /// survivors (V8's heap growing factor) and adds the cycle to the totals.
    fn finish_cycle(&mut self, heap: &ManagedHeap) -> FullGcStats {
        self.marks.clear_all();
        self.worklist.clear();
        self.weak_slots.clear();
        self.ephemeron_tables.clear();
        let cfg = &self.config;
        self.allocation_limit = ((heap.old_generation_used() as f64 * cfg.heap_growing_factor)
            as usize)
            .max(cfg.min_allocation_limit)
            .min(heap.profile.max_old_generation);
        let stats = self.cycle;
        let t = &mut self.totals;
        t.full_gcs += 1;
        t.incremental_steps += stats.incremental_steps;
        t.overflows += stats.overflows;
        t.rescans += stats.rescans;
        t.pages_evacuated += stats.pages_evacuated;
        t.barrier_greyings += stats.barrier_greyings;
        stats
    }
}

// ----- the full GC -------------------------------------------------------------------------

impl Heap {
    /// Runs a full GC (finalizing incremental marking if it runs) and returns its event.
    /// With `set_verify_heap(true)` the verifier checks it (see
    /// [`crate::verify::mark_compact_verifier`]).
    pub fn collect_garbage(&mut self, reason: GcReason) -> &GcEvent {
        assert!(!self.in_gc, "full GC re-entered");
        let pre = self
            .verify_heap
            .then(|| crate::verify::mark_compact_verifier::PreFullGc::capture(self));
        let before = self.heap_sizes();
        let allocation_count = self.allocations;
        let young_before = self.managed.new_space.top;
        self.in_gc = true;

        // 1.-2. Mark (or finish incremental marking) in one pause; weak processing.
        if self.incremental.phase == MarkingPhase::Idle {
            let trace = self.marking_trace();
            self.mark_compact.begin_marking_cycle(false, trace);
        } else {
            self.mark_compact.step(|| MarkingStep::Finalize);
        }
        self.incremental.phase = MarkingPhase::Idle;
        self.mark_compact.mark_live_objects(&mut self.managed);
        if let Some(t) = self.mark_compact.trace.take() {
            self.keep_marking_trace(self.events.len() + 1, *t);
        }

        // 3.-4. Candidates, sweep.
        let candidates = self.mark_compact.sweep_around_candidates(&mut self.managed);

        // 5. New space: a scavenge now copies exactly the marked young objects.
        let sc = self.scavenge_inside_full_gc(reason);
        let young_survived = sc.bytes_copied + sc.bytes_promoted;
        self.mark_compact.cycle.bytes_freed += young_before.saturating_sub(young_survived);

        // 6. Compaction.
        self.mark_compact
            .evacuate_candidates(&mut self.managed, &candidates);

        // 7. Done.
        let stats = self.mark_compact.finish_cycle(&self.managed);
        self.in_gc = false;
        let event = GcEvent {
            seq: self.events.len() + 1,
            kind: if stats.pages_evacuated > 0 {
                GcKind::MarkCompact
            } else {
                GcKind::MarkSweep
            },
            reason,
            allocation_count,
            before,
            after: self.heap_sizes(),
            work: stats.marking_work + sc.work + stats.bytes_evacuated as u64 / 8,
            full_gc: stats,
            // Copies, promotions and remembered slots are the new-space phase's.
            ..sc
        };
        self.events.push(event);
        if let Some(pre) = pre {
            self.verifier.checks += 1;
            self.verify_schedule.full_done();
            if let Err(e) = crate::verify::mark_compact_verifier::check_after_full_gc(self, &pre) {
                self.verifier.failures.push(e);
            }
        }
        self.events.last().expect("just pushed")
    }

    /// Runs the scavenger as the new-space phase of a full GC: its event is folded into the
    /// full GC's, and neither the verifier nor step recording sees it separately.
    fn scavenge_inside_full_gc(&mut self, reason: GcReason) -> GcEvent {
        let (verify, steps, trace) = (self.verify_heap, self.steps.take(), self.gc_trace.take());
        self.verify_heap = false;
        self.in_gc = false;
        self.scavenge(reason);
        self.in_gc = true;
        self.verify_heap = verify;
        self.steps = steps;
        self.gc_trace = trace;
        self.events.pop().expect("the scavenge's event")
    }
}
