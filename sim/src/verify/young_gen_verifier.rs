//! The heap verifier's young-generation check: a scavenge verified in proportion to what it
//! can touch — the young objects it must keep, the roots and the remembered set's slots —
//! not to the whole heap (issue 16: every verified scavenge walking the old generation made
//! `heapsim stress` cost more per op as its heap grew).
//!
//! A scavenge reads and writes only these (V8's `Scavenger`, `src/heap/scavenger.cc`): it
//! evacuates the young objects reachable from the roots and from the old-to-new remembered
//! set, rewrites those slots and roots, and allocates promoted copies in the old generation.
//! [`PreYoungGc::capture`] records, before the GC, exactly that live young set — found from
//! the roots and the remembered slots through young objects — by stable id, with each
//! pointer replaced by its target's id when the target is in the set and by its address
//! otherwise (old objects do not move in a scavenge), plus the remembered slots that pointed
//! into new space. [`check_young_gen_after_scavenge`] then requires that afterwards:
//! * to-space can be walked object by object and holds only recorded objects;
//! * from the roots and the recorded slots, through recorded objects, every recorded object
//!   is found again with identical contents — nothing lost, nothing altered by the move —
//!   and promoted exactly after its second survival, as [`crate::verify::verifier`] checks;
//! * no root, slot or field of a found object points into from-space, each pointer into new
//!   space is at the start of a to-space object, and each old-to-new pointer of a found or
//!   recorded slot is in the remembered set;
//! * the event's counts agree: as many objects copied as to-space holds, as many promoted
//!   as found recorded objects are now old (so no dead young object was promoted).
//!
//! What it cannot see is a corruption outside that set: an old-to-new pointer the write
//! barrier did not record (the scavenge does not know the slot either, so both miss its
//! target), or damage to an old object the scavenge never reads. The whole-heap check
//! ([`crate::verify::verifier::check_after_scavenge`]) finds those; [`crate::verify::schedule`]
//! decides which scavenges get which.

use crate::heap::memory::{chunk_base, chunk_of};
use crate::heap::roots::RootKind;
use crate::heap::space::SpaceId;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::verify::verifier::{
    by_id, canonical_with, check_survivor, err, not_live_before, walk_range, young_closure,
    AddrSet, IdIndex, Record, VerifyError,
};

/// Marks a canonical word that is a pointer by address (to an object outside the recorded
/// set), so it never equals a pointer by id (`id << 2 | tag`, below 2^34).
const BY_ADDRESS: u64 = 1 << 63;

/// What a scavenge must preserve of the young generation, captured before it.
#[derive(Clone, Debug)]
pub struct PreYoungGc {
    index: IdIndex,
    records: Vec<Record>,
    words: Vec<u64>,
    /// Remembered slots whose value pointed into new space before the GC.
    slots: Vec<Address>,
}

impl PreYoungGc {
    /// Records the young objects a scavenge must keep (assigning ids to them).
    pub fn capture(heap: &mut Heap) -> PreYoungGc {
        let mut slots = Vec::new();
        for c in old_generation_chunks(heap) {
            for w in heap.managed.mem.chunk(c).slots.iter() {
                let slot = chunk_base(c) + 8 * w as u64;
                let v = Tagged(heap.managed.mem.read(slot));
                if v.is_heap_object() && heap.managed.new_space.contains(v.addr()) {
                    slots.push(slot);
                }
            }
        }
        let roots = RootKind::ALL
            .into_iter()
            .flat_map(|kind| heap.managed.roots.list(kind).iter().copied());
        let slot_values = slots
            .iter()
            .map(|&slot| Tagged(heap.managed.mem.read(slot)));
        let live = young_closure(heap, roots.chain(slot_values));
        let mut pre = PreYoungGc {
            index: IdIndex::assign(heap, &live),
            records: Vec::with_capacity(live.len()),
            words: Vec::new(),
            slots,
        };
        let mut words = Vec::new();
        for &a in &live {
            let start = words.len();
            canonical_with(heap, a, &mut words, |v| Some(pre.encode(heap, v)))
                .expect("every pointer has an encoding");
            pre.records.push(Record::new(heap, a, start, &words));
        }
        pre.words = words;
        pre
    }

    fn get(&self, id: u32) -> Option<&Record> {
        Some(&self.records[self.index.get(id)?])
    }

    /// The recorded object with the id of the object at `a`, if any.
    fn recorded(&self, heap: &Heap, a: Address) -> Option<(u32, &Record)> {
        let id = id_at(heap, a)?;
        Some((id, self.get(id)?))
    }

    /// A pointer as canonical words hold it: by id into the recorded set, else by address.
    fn encode(&self, heap: &Heap, v: Tagged) -> u64 {
        match id_at(heap, v.addr()).filter(|&id| self.index.get(id).is_some()) {
            Some(id) => by_id(id, v),
            None => v.0 | BY_ADDRESS,
        }
    }

    /// Number of young objects the GC must keep.
    pub fn live_objects(&self) -> usize {
        self.records.len()
    }
}

/// The id of the object at `a`; `None` also where no chunk maps `a` (this check follows
/// only what the scavenge touched, so it meets old-space pointers nothing has validated).
fn id_at(heap: &Heap, a: Address) -> Option<u32> {
    heap.managed.mem.space_of(a)?;
    heap.existing_object_id(a)
}

/// Chunks of the old generation, which hold the remembered set.
fn old_generation_chunks(heap: &Heap) -> Vec<usize> {
    let m = &heap.managed;
    m.old_space
        .pages
        .iter()
        .chain(&m.code_space.pages)
        .chain(&m.map_space.pages)
        .chain(&m.lo_space.chunks)
        .copied()
        .collect()
}

/// The young-generation check after a scavenge (see the module doc).
pub fn check_young_gen_after_scavenge(heap: &Heap, pre: &PreYoungGc) -> Result<(), VerifyError> {
    let gc = heap.events.len();
    let last = heap.events.last().expect("called after a GC");
    let mut to_space = AddrSet::default();
    let mut copied = 0usize;
    let mut unrecorded = None;
    walk_range(
        heap,
        gc,
        SpaceId::New,
        heap.managed.new_space.to_chunk(),
        heap.managed.new_space.top,
        |a| {
            to_space.insert(heap, a);
            copied += 1;
            if unrecorded.is_none() && pre.recorded(heap, a).is_none() {
                unrecorded = Some(a);
            }
        },
    )?;
    if let Some(a) = unrecorded {
        return Err(not_live_before(heap, gc, a, heap.existing_object_id(a)));
    }
    let check = Pointers {
        heap,
        gc,
        to_space: &to_space,
    };
    let mut found = AddrSet::default();
    let mut queue: Vec<Address> = Vec::new();
    let reach = |v: Tagged, found: &mut AddrSet, queue: &mut Vec<Address>| {
        if v.is_heap_object()
            && pre.recorded(heap, v.addr()).is_some()
            && found.insert(heap, v.addr())
        {
            queue.push(v.addr());
        }
    };
    for kind in RootKind::ALL {
        for (i, &v) in heap.managed.roots.list(kind).iter().enumerate() {
            check.target(&|| format!("root {} #{i}", kind.snapshot_name()), v)?;
            reach(v, &mut found, &mut queue);
        }
    }
    for &slot in &pre.slots {
        let v = Tagged(heap.managed.mem.read(slot));
        check.old_slot(&|| format!("remembered slot {slot:#x}"), slot, v)?;
        reach(v, &mut found, &mut queue);
    }
    let mut scratch = Vec::new();
    let mut promoted = 0usize;
    let mut qi = 0;
    while qi < queue.len() {
        let a = queue[qi];
        qi += 1;
        let (id, r) = pre.recorded(heap, a).expect("queued as recorded");
        let b = heap.body(a);
        let old = !heap.managed.new_space.contains(a);
        for i in 1..b.tagged_end {
            let v = heap.word(a, i);
            let what = || format!("field {i} of {} {a:#x}", b.ty.v8_name());
            if old {
                check.old_slot(&what, a + 8 * i as u64, v)?;
            } else {
                check.target(&what, v)?;
            }
            reach(v, &mut found, &mut queue);
        }
        scratch.clear();
        canonical_with(heap, a, &mut scratch, |v| Some(pre.encode(heap, v)))
            .expect("every pointer has an encoding");
        let before = &pre.words[r.start..r.start + r.len];
        check_survivor(heap, a, id, r, before, &scratch)?;
        promoted += usize::from(old);
    }
    if queue.len() != pre.records.len() {
        return Err(err(
            gc,
            format!(
                "{} live young objects before the GC, {} after: live objects were lost",
                pre.records.len(),
                queue.len()
            ),
        ));
    }
    if copied != queue.len() - promoted
        || copied != last.objects_copied
        || promoted != last.objects_promoted
    {
        return Err(err(
            gc,
            format!(
                "the scavenge reports {} objects copied and {} promoted, but to-space holds {copied} objects and {promoted} live young objects are now old",
                last.objects_copied, last.objects_promoted
            ),
        ));
    }
    Ok(())
}

/// The pointer checks of a young-generation check.
struct Pointers<'a> {
    heap: &'a Heap,
    gc: usize,
    /// Starts of the objects in to-space.
    to_space: &'a AddrSet,
}

impl Pointers<'_> {
    /// A pointer must not point into from-space, and into to-space only at an object's start.
    fn target(&self, what: &dyn Fn() -> String, v: Tagged) -> Result<(), VerifyError> {
        if !v.is_heap_object() || !self.heap.managed.new_space.contains(v.addr()) {
            return Ok(());
        }
        let t = v.addr();
        if chunk_of(t) == self.heap.managed.new_space.from_chunk() {
            return Err(err(
                self.gc,
                format!("{} points into from-space ({t:#x})", what()),
            ));
        }
        if !self.to_space.contains(t) {
            return Err(err(
                self.gc,
                format!(
                    "{} points at {t:#x}, which is not the start of a live object",
                    what()
                ),
            ));
        }
        Ok(())
    }

    /// A pointer in an old-generation slot: [`Pointers::target`]'s checks, and in the
    /// remembered set when it points into new space.
    fn old_slot(
        &self,
        what: &dyn Fn() -> String,
        slot: Address,
        v: Tagged,
    ) -> Result<(), VerifyError> {
        self.target(what, v)?;
        if v.is_heap_object()
            && self.heap.managed.new_space.contains(v.addr())
            && !self.heap.is_remembered(slot)
        {
            return Err(err(
                self.gc,
                format!(
                    "old-to-new pointer in {} (to {:#x}) is not in the remembered set",
                    what(),
                    v.addr()
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::verifier::tests::heap_with_pair;
    use crate::GcReason;

    fn check(heap: &mut Heap, corrupt: impl FnOnce(&mut Heap)) -> Result<(), VerifyError> {
        let pre = PreYoungGc::capture(heap);
        corrupt(heap);
        heap.scavenge(GcReason::Explicit);
        check_young_gen_after_scavenge(heap, &pre)
    }

    #[test]
    fn a_clean_scavenge_passes_and_records_only_the_young_generation() {
        let (mut heap, _, _) = heap_with_pair();
        let pre = PreYoungGc::capture(&mut heap);
        assert!(pre.live_objects() >= 2);
        assert!(
            pre.live_objects() < heap.objects().count() / 4,
            "old objects not recorded"
        );
        heap.scavenge(GcReason::Explicit);
        check_young_gen_after_scavenge(&heap, &pre).unwrap();
        // The second scavenge promotes them, found through the roots.
        check(&mut heap, |_| {}).unwrap();
        assert!(heap.events().last().unwrap().objects_promoted >= 2);
    }

    #[test]
    fn an_altered_young_object_is_caught() {
        let (mut heap, ha, _) = heap_with_pair();
        let e = check(&mut heap, |heap| {
            let a = heap.get(ha);
            heap.set_field(a, 3, Tagged::smi(7));
        })
        .unwrap_err();
        assert!(e.message.contains("changed across the GC"), "{e}");
    }

    #[test]
    fn a_pointer_to_unmapped_memory_is_caught_not_followed() {
        let (mut heap, ha, _) = heap_with_pair();
        let pre = PreYoungGc::capture(&mut heap);
        heap.scavenge(GcReason::Explicit);
        let a = heap.get(ha).addr();
        // Chunk 0 is never mapped.
        heap.managed.mem.write(a + 8 * 3, Tagged::strong(8).0);
        let e = check_young_gen_after_scavenge(&heap, &pre).unwrap_err();
        assert!(e.message.contains("changed across the GC"), "{e}");
    }

    #[test]
    fn a_lost_young_object_is_caught() {
        let (mut heap, _, _) = heap_with_pair();
        let c = heap.alloc_string("only rooted by a handle").unwrap();
        let hc = heap.handle(c);
        let e = check(&mut heap, |heap| {
            let u = heap.undefined_value();
            heap.set_handle(hc, u);
        })
        .unwrap_err();
        assert!(e.message.contains("lost"), "{e}");
    }

    #[test]
    fn a_resurrected_young_object_is_caught() {
        let (mut heap, _, _) = heap_with_pair();
        let e = check(&mut heap, |heap| {
            let s = heap.alloc_string("late").unwrap();
            heap.handle(s);
        })
        .unwrap_err();
        assert!(e.message.contains("was not live before the GC"), "{e}");
    }

    #[test]
    fn a_missed_promotion_is_caught() {
        let (mut heap, _, _) = heap_with_pair();
        heap.scavenge(GcReason::Explicit);
        let e = check(&mut heap, |heap| heap.managed.new_space.age_mark = 0).unwrap_err();
        assert!(e.message.contains("was not promoted"), "{e}");
    }

    /// An old array (promoted by two scavenges) and a young string, both rooted.
    fn old_host_and_young_target(heap: &mut Heap) -> (crate::GlobalHandle, crate::Handle) {
        let host = heap.alloc_fixed_array(1).unwrap();
        let host = heap.new_global_handle(host);
        heap.scavenge(GcReason::Explicit);
        heap.scavenge(GcReason::Explicit);
        let young = heap.alloc_string("young").unwrap();
        (host, heap.handle(young))
    }

    #[test]
    fn a_remembered_slot_left_pointing_into_from_space_is_caught() {
        let (mut heap, _, _) = heap_with_pair();
        let (host, young) = old_host_and_young_target(&mut heap);
        let a = heap.get_global(host);
        heap.fixed_array_set(a, 0, heap.get(young));
        let slot = a.addr() + 8 * (heap.body(a.addr()).tagged_end - 1) as u64;
        assert!(heap.is_remembered(slot));
        let pre = PreYoungGc::capture(&mut heap);
        let stale = heap.managed.mem.read(slot);
        heap.scavenge(GcReason::Explicit);
        // The scavenger's update of the slot undone: what skipping a remembered slot does.
        heap.managed.mem.write(slot, stale);
        let e = check_young_gen_after_scavenge(&heap, &pre).unwrap_err();
        assert!(e.message.contains("points into from-space"), "{e}");
    }

    #[test]
    fn an_unrecorded_old_to_new_pointer_is_left_to_the_whole_heap_check() {
        let (mut heap, _, _) = heap_with_pair();
        let (host, young) = old_host_and_young_target(&mut heap);
        heap.set_full_verification_interval(4);
        heap.set_verify_heap(true);
        heap.scavenge(GcReason::Explicit); // whole heap: the baseline
        let a = heap.get_global(host).addr();
        let slot = a + 8 * (heap.body(a).tagged_end - 1) as u64;
        // A raw store that bypasses the write barrier.
        heap.managed.mem.write(slot, heap.get(young).0);
        for _ in 0..3 {
            heap.scavenge(GcReason::Explicit); // young generation only: blind to it
        }
        assert!(heap.verifier_stats().failures.is_empty());
        heap.scavenge(GcReason::Explicit); // the 4th: whole heap
        let f = &heap.verifier_stats().failures;
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].gc, heap.events().len(), "caught by the latest GC");
        // By then the target has moved on: the pointer is stale before that GC starts.
        assert!(f[0].message.starts_with("before the GC: "), "{}", f[0]);
        assert_eq!(heap.verifier_stats().checks, 5);
    }
}
