//! GC recording: the collectors' own steps, kept for the `heapsim gc-viz` page's animations
//! (one scavenge, one marking cycle) and its timeline (the incremental marking steps; the
//! GCs themselves are the event stream, [`crate::events`]). Off by default; turn it on with
//! [`Heap::set_gc_recording`], read it with [`Heap::gc_recording`].
//!
//! **Cost.** The decision is made once per collection: a collection that is recorded gets a
//! recorder ([`ScavengeTrace`], [`MarkingTrace`]) handed to it at its start, and every hook
//! is a test of that `Option`, so with recording off nothing is built or stored. Once a
//! collection showing every feature with a full set of objects is kept, later collections
//! of its kind are not recorded at all.
//!
//! **Which collection.** Every collection is recorded (bounded, below) and the one showing
//! the most of the talk's features is kept; on a tie the one showing the rarer ones (the
//! later in these lists), then the one with more objects drawn, then the earliest. Scavenge
//! features: a copy within new space, a promotion, a forwarding address found, an
//! old-to-new remembered slot. Marking features: an overflow, a rescan, an incremental
//! step, a write-barrier greying.
//!
//! **Bounds (which objects).** A recorded collection draws at most [`MAX_OBJECTS`] objects
//! and keeps at most [`MAX_STEPS`] steps; steps about other objects are counted in
//! `dropped_steps`, not kept.
//! - Scavenge: the first [`MAX_OBJECTS`] objects copied. Because Cheney's scan is
//!   breadth-first in copy order, every drawn object's referrer (a root or an earlier copy)
//!   is drawn too. A forwarding step is kept when both the scanned object and the target
//!   are drawn.
//! - Marking: a connected piece of the marking. Objects greyed from the program's roots
//!   (every root kind but the VM's tables: string table, root list, builtins) are drawn, at
//!   most [`MAX_ROOT_OBJECTS`] of them, then objects greyed through a field of a drawn
//!   object; promotions, recorded young slots and ephemerons count as roots. A write-barrier
//!   greying is drawn with its black host from a reserve of [`MAX_BARRIER_OBJECTS`], so the
//!   barrier shows even when it strikes outside the drawn piece. Objects greyed as a map
//!   (a hidden class, through an object's map word) are never drawn: every object points at
//!   one, and the talk's drawing leaves them out.
//! - Timeline ([`Heap::gc_timeline`]): the used bytes of every space before and after each
//!   of the first [`MAX_TIMELINE_GCS`] GCs, and the allocation count of the first
//!   [`MAX_INCREMENTAL_MARKS`] incremental marking steps.

use crate::events::{GcEvent, GcKind};
use crate::heap::roots::RootKind;
use crate::heap::space::SpaceId;
use crate::heap::tagged::Address;
use crate::heap::Heap;
use crate::old_gen::marking_trace::{GreySource, MarkingStep};
use crate::young_gen::trace::ScavengeStep;

/// Objects drawn per animation (besides the barrier's reserve).
pub const MAX_OBJECTS: usize = 48;
/// Of those, objects a marking draws because a root points at them.
pub const MAX_ROOT_OBJECTS: usize = 8;
/// Objects a marking may add for write-barrier greyings (the greyed object and its host).
pub const MAX_BARRIER_OBJECTS: usize = 8;
/// Steps kept per recorded collection.
pub const MAX_STEPS: usize = 2_000;
/// Incremental marking steps kept for the timeline.
pub const MAX_INCREMENTAL_MARKS: usize = 10_000;
/// GCs on the timeline.
pub const MAX_TIMELINE_GCS: usize = 10_000;

/// What GC recording kept (see the module doc).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct GcRecording {
    pub scavenge: Option<Recorded<ScavengeStep>>,
    pub marking: Option<Recorded<MarkingStep>>,
    /// Allocation counts ([`Heap::allocation_count`]) at which incremental marking steps
    /// ran.
    pub incremental_steps: Vec<u64>,
    /// Incremental steps beyond [`MAX_INCREMENTAL_MARKS`], not listed.
    pub more_incremental_steps: usize,
}

/// The heap over the run, for the timeline: time is the allocation count.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GcTimeline {
    /// V8's names of the spaces, the order of `before` and `after`.
    pub spaces: [&'static str; 5],
    pub gcs: Vec<TimelineGc>,
    /// GCs beyond [`MAX_TIMELINE_GCS`], not listed.
    pub more_gcs: usize,
    /// Allocations at the end of the run.
    pub allocations: u64,
    /// Allocation counts at which incremental marking steps ran (from GC recording).
    pub incremental_steps: Vec<u64>,
    pub more_incremental_steps: usize,
}

/// One GC on the timeline (from its [`crate::GcEvent`]).
#[derive(Clone, Debug, serde::Serialize)]
pub struct TimelineGc {
    pub seq: usize,
    pub kind: GcKind,
    pub reason: &'static str,
    pub allocation_count: u64,
    /// Used bytes per space.
    pub before: [usize; 5],
    pub after: [usize; 5],
    pub bytes_promoted: usize,
}

impl TimelineGc {
    fn of(e: &GcEvent) -> TimelineGc {
        TimelineGc {
            seq: e.seq,
            kind: e.kind,
            reason: e.reason.v8_name(),
            allocation_count: e.allocation_count,
            before: e.before.0.map(|s| s.used),
            after: e.after.0.map(|s| s.used),
            bytes_promoted: e.bytes_promoted,
        }
    }
}

/// One recorded collection.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Recorded<S> {
    /// The GC's [`crate::GcEvent::seq`] (for marking: the full GC that finished it).
    pub seq: usize,
    /// The marking worklist's capacity (marking only, 0 for a scavenge).
    pub worklist_capacity: usize,
    pub steps: Vec<S>,
    /// The drawn objects, in the order the collection reached them, at their address after
    /// the collection's copying (scavenge) or during marking.
    pub objects: Vec<TracedObject>,
    /// Steps about objects not drawn, or past [`MAX_STEPS`].
    pub dropped_steps: usize,
}

/// A drawn object.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TracedObject {
    pub addr: Address,
    pub size: usize,
    /// The constructor's name for JS objects, else V8's instance type name.
    pub label: String,
    pub space: Option<SpaceId>,
}

/// The objects of one collection that are drawn: the first `max` admitted.
#[derive(Debug)]
pub(crate) struct Admission {
    objects: Vec<Address>,
    max: usize,
}

impl Admission {
    fn first(max: usize) -> Admission {
        Admission {
            objects: Vec::new(),
            max,
        }
    }

    /// Every object, none stored (step recording).
    fn all() -> Admission {
        Admission::first(usize::MAX)
    }

    fn contains(&self, a: Address) -> bool {
        self.max == usize::MAX || self.objects.contains(&a)
    }

    fn has_room(&self, n: usize) -> bool {
        self.objects.len() + n <= self.max
    }

    /// Draws `a` if there is room; returns whether it is drawn.
    fn admit(&mut self, a: Address) -> bool {
        if self.contains(a) {
            return true;
        }
        if !self.has_room(1) {
            return false;
        }
        self.objects.push(a);
        true
    }
}

/// Steps kept for one collection, with the bound on their number.
#[derive(Debug)]
struct StepLog<S> {
    steps: Vec<S>,
    max: usize,
    dropped: usize,
}

impl<S> StepLog<S> {
    fn new(max: usize) -> StepLog<S> {
        StepLog {
            steps: Vec::new(),
            max,
            dropped: 0,
        }
    }

    /// Keeps `s` when `wanted` and under the bound; `last` steps pass the bound, so a
    /// recording always shows its end.
    fn keep(&mut self, s: S, wanted: bool, last: bool) {
        if wanted && (last || self.steps.len() < self.max) {
            self.steps.push(s);
        } else {
            self.dropped += 1;
        }
    }
}

/// The recorder one scavenge carries (see [`crate::young_gen::scavenger`]).
#[derive(Debug)]
pub(crate) struct ScavengeTrace {
    log: StepLog<ScavengeStep>,
    drawn: Admission,
    /// The object being scanned (`None` while roots are processed).
    host: Option<Address>,
    /// Whether this is [`Heap::set_step_recording`]'s unbounded log.
    pub(crate) unbounded: bool,
}

impl ScavengeTrace {
    /// Every step of the scavenge, appended to `steps`.
    pub(crate) fn unbounded(steps: Vec<ScavengeStep>) -> ScavengeTrace {
        ScavengeTrace {
            log: StepLog {
                steps,
                max: usize::MAX,
                dropped: 0,
            },
            drawn: Admission::all(),
            host: None,
            unbounded: true,
        }
    }

    fn bounded() -> ScavengeTrace {
        ScavengeTrace {
            log: StepLog::new(MAX_STEPS),
            drawn: Admission::first(MAX_OBJECTS),
            host: None,
            unbounded: false,
        }
    }

    pub(crate) fn record(&mut self, s: ScavengeStep) {
        let wanted = match s {
            ScavengeStep::Flip { .. } | ScavengeStep::Done { .. } => true,
            ScavengeStep::Copy { to, .. } => self.drawn.admit(to),
            ScavengeStep::Root { to, .. } | ScavengeStep::RememberedSlot { to, .. } => {
                self.drawn.contains(to)
            }
            ScavengeStep::Scan { scan: host, .. } | ScavengeStep::ScanPromoted { object: host } => {
                self.host = Some(host);
                self.drawn.contains(host)
            }
            ScavengeStep::Forwarded { to, .. } => {
                self.drawn.contains(to) && self.host.is_none_or(|h| self.drawn.contains(h))
            }
        };
        let last = matches!(s, ScavengeStep::Done { .. });
        self.log.keep(s, wanted, last);
    }

    /// The unbounded log's steps.
    pub(crate) fn into_steps(self) -> Vec<ScavengeStep> {
        self.log.steps
    }
}

/// The recorder one marking cycle carries (see [`crate::old_gen::mark_compact`]).
#[derive(Debug)]
pub(crate) struct MarkingTrace {
    log: StepLog<MarkingStep>,
    drawn: Admission,
    root_objects: usize,
    /// Where the steps since the last kept step about a drawn object start.
    quiet_since: usize,
    barrier: Admission,
    worklist_capacity: usize,
}

impl MarkingTrace {
    fn new(worklist_capacity: usize) -> MarkingTrace {
        MarkingTrace {
            log: StepLog::new(MAX_STEPS),
            drawn: Admission::first(MAX_OBJECTS),
            root_objects: 0,
            quiet_since: 0,
            barrier: Admission::first(MAX_BARRIER_OBJECTS),
            worklist_capacity,
        }
    }

    fn is_drawn(&self, a: Address) -> bool {
        self.drawn.contains(a) || self.barrier.contains(a)
    }

    /// Whether a grey step from `source` is drawn (admitting its object).
    fn admit_grey(&mut self, object: Address, source: GreySource) -> bool {
        match source {
            GreySource::Root { kind } if is_vm_table(kind) => false,
            GreySource::MapWord { .. } => false,
            GreySource::Field { host } => self.is_drawn(host) && self.drawn.admit(object),
            GreySource::Barrier { host } => {
                let (o, h) = (self.is_drawn(object), self.is_drawn(host));
                let need = usize::from(!o) + usize::from(!h);
                if !self.barrier.has_room(need) {
                    return false;
                }
                if !o {
                    self.barrier.admit(object);
                }
                if !h {
                    self.barrier.admit(host);
                }
                true
            }
            GreySource::Root { .. }
            | GreySource::Promotion
            | GreySource::YoungSlot
            | GreySource::Ephemeron => {
                if self.root_objects >= MAX_ROOT_OBJECTS || !self.drawn.admit(object) {
                    return false;
                }
                self.root_objects += 1;
                true
            }
        }
    }

    pub(crate) fn record(&mut self, s: MarkingStep) {
        let wanted = match s {
            MarkingStep::Grey { object, source, .. } => self.admit_grey(object, source),
            MarkingStep::Pop { object }
            | MarkingStep::Black { object }
            | MarkingStep::Refill { object } => self.is_drawn(object),
            MarkingStep::StepEnd { n } => {
                // A step that touched no drawn object is not shown at all.
                let start = self.log.steps[self.quiet_since..].iter().rposition(
                    |s| matches!(s, MarkingStep::IncrementalStep { n: m, .. } if *m == n),
                );
                if let Some(i) = start {
                    let at = self.quiet_since + i;
                    self.log.dropped += self.log.steps.len() - at + 1;
                    self.log.steps.truncate(at);
                    return;
                }
                true
            }
            MarkingStep::Rescan { .. } => {
                // Rescans that refilled no drawn object show as the last of them.
                if let Some(MarkingStep::Rescan { .. }) = self.log.steps.last() {
                    self.log.steps.pop();
                    self.log.dropped += 1;
                }
                true
            }
            MarkingStep::IncrementalStep { .. } | MarkingStep::Finalize | MarkingStep::Done => true,
        };
        let last = matches!(s, MarkingStep::Done);
        let about_object = s.object().is_some();
        self.log.keep(s, wanted, last);
        if wanted && about_object {
            self.quiet_since = self.log.steps.len();
        }
    }

    fn objects(&self) -> impl Iterator<Item = Address> + '_ {
        self.drawn
            .objects
            .iter()
            .chain(&self.barrier.objects)
            .copied()
    }
}

/// The VM's own tables among the roots: their targets (maps, internalized strings, builtins)
/// are not the program's objects and are not drawn.
fn is_vm_table(kind: RootKind) -> bool {
    matches!(
        kind,
        RootKind::StringTable
            | RootKind::ExternalStringsTable
            | RootKind::StrongRootList
            | RootKind::SmiRootList
            | RootKind::Builtins
    )
}

/// A step kind's contribution to a recording's features (one bit each).
trait Features {
    /// Every feature bit a recording of this kind can show.
    const ALL: u32;
    fn feature(&self) -> u32;
}

impl Features for ScavengeStep {
    const ALL: u32 = 0b1111;
    fn feature(&self) -> u32 {
        match self {
            ScavengeStep::Copy {
                promoted: false, ..
            } => 1,
            ScavengeStep::Copy { promoted: true, .. } => 2,
            ScavengeStep::Forwarded { .. } => 4,
            ScavengeStep::RememberedSlot { .. } => 8,
            _ => 0,
        }
    }
}

impl Features for MarkingStep {
    const ALL: u32 = 0b1111;
    fn feature(&self) -> u32 {
        match self {
            MarkingStep::Grey { source, pushed, .. } => {
                let barrier = matches!(source, GreySource::Barrier { .. });
                u32::from(!pushed) | u32::from(barrier) << 3
            }
            MarkingStep::Rescan { .. } => 2,
            MarkingStep::IncrementalStep { .. } => 4,
            _ => 0,
        }
    }
}

/// How good a recording is: features shown, then the rarer ones (higher bits), then
/// objects drawn.
fn score<S: Features>(steps: &[S], objects: usize) -> (u32, u32, usize) {
    let bits = steps.iter().fold(0, |b, s| b | s.feature());
    (bits.count_ones(), bits, objects)
}

fn is_complete<S: Features>(r: &Recorded<S>) -> bool {
    score(&r.steps, r.objects.len()) >= (S::ALL.count_ones(), S::ALL, MAX_OBJECTS)
}

/// Keeps `candidate` if it scores better than `kept`; `label` names its objects (only
/// then, which needs the heap).
fn choose<S: Features>(
    kept: &mut Option<Recorded<S>>,
    seq: usize,
    worklist_capacity: usize,
    log: StepLog<S>,
    objects: Vec<Address>,
    label: impl Fn(Address) -> TracedObject,
) {
    let new = score(&log.steps, objects.len());
    if kept
        .as_ref()
        .is_some_and(|k| score(&k.steps, k.objects.len()) >= new)
    {
        return;
    }
    *kept = Some(Recorded {
        seq,
        worklist_capacity,
        steps: log.steps,
        objects: objects.into_iter().map(label).collect(),
        dropped_steps: log.dropped,
    });
}

/// The heap's recorder: what was kept so far.
#[derive(Debug, Default)]
pub(crate) struct GcTrace {
    recording: GcRecording,
}

impl GcTrace {
    /// A recorder for the next scavenge, unless the kept one cannot be beaten.
    pub(crate) fn scavenge_trace(&self) -> Option<ScavengeTrace> {
        let done = self.recording.scavenge.as_ref().is_some_and(is_complete);
        (!done).then(ScavengeTrace::bounded)
    }

    /// A recorder for the next marking cycle, unless the kept one cannot be beaten.
    pub(crate) fn marking_trace(&self, worklist_capacity: usize) -> Option<Box<MarkingTrace>> {
        let done = self.recording.marking.as_ref().is_some_and(is_complete);
        (!done).then(|| Box::new(MarkingTrace::new(worklist_capacity)))
    }

    pub(crate) fn incremental_step(&mut self, allocation_count: u64) {
        let r = &mut self.recording;
        if r.incremental_steps.len() < MAX_INCREMENTAL_MARKS {
            r.incremental_steps.push(allocation_count);
        } else {
            r.more_incremental_steps += 1;
        }
    }
}

impl Heap {
    /// Turns GC recording on (fresh) or off (dropping what was kept); see the module doc.
    pub fn set_gc_recording(&mut self, on: bool) {
        self.gc_trace = on.then(Box::default);
    }

    /// The timeline of the run so far (incremental steps only when recording is on).
    pub fn gc_timeline(&self) -> GcTimeline {
        let events = self.events();
        let empty = GcRecording::default();
        let r = self.gc_recording().unwrap_or(&empty);
        GcTimeline {
            spaces: SpaceId::ALL.map(SpaceId::v8_name),
            gcs: events
                .iter()
                .take(MAX_TIMELINE_GCS)
                .map(TimelineGc::of)
                .collect(),
            more_gcs: events.len().saturating_sub(MAX_TIMELINE_GCS),
            allocations: self.allocation_count(),
            incremental_steps: r.incremental_steps.clone(),
            more_incremental_steps: r.more_incremental_steps,
        }
    }

    /// What GC recording kept so far; `None` when it is off.
    pub fn gc_recording(&self) -> Option<&GcRecording> {
        self.gc_trace.as_ref().map(|t| &t.recording)
    }

    /// Offers the scavenge `seq`'s recorder back when it ends.
    pub(crate) fn keep_scavenge_trace(&mut self, seq: usize, t: ScavengeTrace) {
        let Some(mut gc) = self.gc_trace.take() else {
            return;
        };
        choose(
            &mut gc.recording.scavenge,
            seq,
            0,
            t.log,
            t.drawn.objects,
            |a| self.traced_object(a),
        );
        self.gc_trace = Some(gc);
    }

    /// Offers a marking cycle's recorder back when marking is complete, before anything
    /// moves; `seq` is the full GC that finishes it.
    pub(crate) fn keep_marking_trace(&mut self, seq: usize, t: MarkingTrace) {
        let Some(mut gc) = self.gc_trace.take() else {
            return;
        };
        let objects = t.objects().collect();
        choose(
            &mut gc.recording.marking,
            seq,
            t.worklist_capacity,
            t.log,
            objects,
            |a| self.traced_object(a),
        );
        self.gc_trace = Some(gc);
    }

    fn traced_object(&self, addr: Address) -> TracedObject {
        let ty = self.instance_type(addr);
        let class = ty
            .is_js_object()
            .then(|| self.class_name(addr))
            .flatten()
            .map(|s| self.string_content(s.addr()));
        TracedObject {
            addr,
            size: self.size_of(addr),
            label: class.unwrap_or_else(|| ty.v8_name().to_string()),
            space: self.space_of(addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_stops_at_its_bound_and_keeps_what_it_admitted() {
        let mut a = Admission::first(2);
        assert!(a.admit(8) && a.admit(16) && a.admit(8));
        assert!(!a.admit(24));
        assert!(a.contains(16) && !a.contains(24));
        assert!(Admission::all().contains(24));
    }

    #[test]
    fn a_step_log_past_its_bound_keeps_the_last_step() {
        let mut log = StepLog::new(1);
        log.keep(1, true, false);
        log.keep(2, true, false);
        log.keep(3, false, false);
        log.keep(4, true, true);
        assert_eq!(log.steps, [1, 4]);
        assert_eq!(log.dropped, 2);
    }
}
