//! The heap verifier, the simulator's counterpart of V8's `--verify-heap`
//! (`Heap::Verify`, `src/heap/heap.cc`, and the `*Verify` methods of `objects-debug.cc`).
//!
//! [`crate::Heap::verify`] checks the heap's structure at any quiescent point:
//! * every space can be walked object by object: each map word points at a map (an object
//!   whose own map is the meta map), each size stays inside its page or semi-space;
//! * every pointer — in objects and in roots — points at the start of a live object in a
//!   live space, and never into from-space;
//! * every old-to-new pointer is in the remembered set.
//!
//! Around a scavenge ([`crate::Heap::set_verify_heap`]) it also checks what the collection
//! must preserve. [`PreGc::capture`] records, before the GC, every object the scavenger must
//! keep — those reachable from the roots, plus the whole old generation (a scavenge treats
//! all old objects as live) — by stable id, with its contents where each pointer is
//! replaced by its target's id. [`check_after_scavenge`] then requires that afterwards:
//! * the heap holds exactly those objects (nothing lost, nothing unreachable kept) with
//!   identical contents (nothing altered by the move);
//! * every young survivor that had already survived once (below the age mark) is now in
//!   old space and every other one is still young — promotion exactly after the second
//!   survival (unless old space was full, which the event reports);
//! * the structural checks above hold.

use crate::heap::memory::{chunk_base, chunk_of};
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Address, Tagged};
use crate::heap::Heap;
use crate::object::InstanceType;

/// A verifier finding: which GC (0 = a direct call) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct VerifyError {
    pub gc: usize,
    pub message: String,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.gc == 0 {
            write!(f, "heap verification failed: {}", self.message)
        } else {
            write!(
                f,
                "heap verification failed after GC #{}: {}",
                self.gc, self.message
            )
        }
    }
}

impl std::error::Error for VerifyError {}

/// Counts of the verification runs made with `set_verify_heap(true)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifierStats {
    pub checks: u64,
    pub failures: Vec<VerifyError>,
}

impl Heap {
    /// Checks the heap's structure (see the module doc).
    pub fn verify(&self) -> Result<(), VerifyError> {
        verify_structure(self, 0)
    }
}

/// The young objects reachable from `from` (pointers into new space, and through young
/// objects from there), each once, in breadth-first order: what a scavenge must keep, given
/// the pointers it starts from. Shared by the whole-heap and the young-generation captures.
pub(crate) fn young_closure(heap: &Heap, from: impl IntoIterator<Item = Tagged>) -> Vec<Address> {
    let mut seen = AddrSet::default();
    let mut found: Vec<Address> = Vec::new();
    let push_young = |v: Tagged, seen: &mut AddrSet, found: &mut Vec<Address>| {
        if v.is_heap_object()
            && heap.managed.new_space.contains(v.addr())
            && seen.insert(heap, v.addr())
        {
            found.push(v.addr());
        }
    };
    for v in from {
        push_young(v, &mut seen, &mut found);
    }
    let mut qi = 0;
    while qi < found.len() {
        let a = found[qi];
        qi += 1;
        let b = heap.body(a);
        for &w in &heap.words_at(a, b.tagged_end)[1..] {
            push_young(Tagged(w), &mut seen, &mut found);
        }
    }
    found
}

/// A set of addresses as one bitmap per chunk (one bit per word): flat and allocation-light.
#[derive(Default)]
pub(crate) struct AddrSet {
    bits: Vec<Vec<u64>>,
}

impl AddrSet {
    pub(crate) fn insert(&mut self, heap: &Heap, a: Address) -> bool {
        let c = chunk_of(a);
        if self.bits.len() <= c {
            self.bits.resize(c + 1, Vec::new());
        }
        let b = &mut self.bits[c];
        if b.is_empty() {
            b.resize(heap.managed.mem.chunk(c).words.len().div_ceil(64), 0);
        }
        let w = crate::heap::memory::word_offset(a);
        let m = 1u64 << (w % 64);
        let fresh = b[w / 64] & m == 0;
        b[w / 64] |= m;
        fresh
    }

    pub(crate) fn contains(&self, a: Address) -> bool {
        let w = crate::heap::memory::word_offset(a);
        self.bits
            .get(chunk_of(a))
            .and_then(|b| b.get(w / 64))
            .is_some_and(|x| x & (1 << (w % 64)) != 0)
    }
}

pub(crate) fn err(gc: usize, message: String) -> VerifyError {
    VerifyError { gc, message }
}

/// Whether `addr` is a plausible map: inside a mapped chunk, holding the meta map.
fn is_map(heap: &Heap, addr: Address) -> bool {
    addr.is_multiple_of(8)
        && heap
            .managed
            .mem
            .space_of(addr)
            .is_some_and(|s| s == SpaceId::Map || s == SpaceId::Old)
        && heap.managed.mem.read(addr) == heap.managed.meta_map_word()
}

/// Walks the objects of chunk `c` up to byte offset `end` (a space's top), checking each
/// header — a map word that is a map and no forwarding address, a size inside the range, a
/// large object filling its chunk — and calls `f` on every object that is not a filler.
pub(crate) fn walk_range(
    heap: &Heap,
    gc: usize,
    space: SpaceId,
    c: usize,
    end: usize,
    mut f: impl FnMut(Address),
) -> Result<(), VerifyError> {
    let mut off = 0usize;
    while off < end {
        let a = chunk_base(c) + off as u64;
        let mw = heap.managed.mem.read(a);
        if map_word::is_forwarding(mw) {
            return Err(err(
                gc,
                format!(
                    "{} object {a:#x} has a forwarding address {mw:#x} in its map word",
                    space.v8_name()
                ),
            ));
        }
        if !Tagged(mw).is_strong() || !is_map(heap, Tagged(mw).addr()) {
            return Err(err(
                gc,
                format!(
                    "{} object {a:#x} has map word {mw:#x}, which is not a map",
                    space.v8_name()
                ),
            ));
        }
        let b = heap.body(a);
        if b.size_words == 0 || off + b.size_bytes() > end {
            return Err(err(
                gc,
                format!(
                    "{} {} at {a:#x} has size {} past its space's end",
                    space.v8_name(),
                    b.ty.v8_name(),
                    b.size_bytes()
                ),
            ));
        }
        if space == SpaceId::LargeObject && off + b.size_bytes() != end {
            return Err(err(
                gc,
                format!("large object {a:#x} does not fill its chunk"),
            ));
        }
        if !b.ty.is_filler() {
            f(a);
        }
        off += b.size_bytes();
    }
    Ok(())
}

pub(crate) fn verify_structure(heap: &Heap, gc: usize) -> Result<(), VerifyError> {
    // Walk every space, collecting object starts.
    let mut ranges: Vec<(SpaceId, usize, usize)> = vec![(
        SpaceId::New,
        heap.managed.new_space.to_chunk(),
        heap.managed.new_space.top,
    )];
    for s in [
        &heap.managed.old_space,
        &heap.managed.code_space,
        &heap.managed.map_space,
    ] {
        ranges.extend(s.pages.iter().zip(s.tops()).map(|(&c, &t)| (s.id, c, t)));
    }
    ranges.extend(heap.managed.lo_space.chunks.iter().map(|&c| {
        (
            SpaceId::LargeObject,
            c,
            heap.managed.mem.chunk(c).words.len() * 8,
        )
    }));
    let mut starts = AddrSet::default();
    let mut objects: Vec<Address> = Vec::new();
    for &(space, c, end) in &ranges {
        walk_range(heap, gc, space, c, end, |a| {
            starts.insert(heap, a);
            objects.push(a);
        })?;
    }
    let from = heap.managed.new_space.from_chunk();
    let check_target = |what: &dyn Fn() -> String, v: Tagged| -> Result<(), VerifyError> {
        if !v.is_heap_object() {
            return Ok(());
        }
        let t = v.addr();
        if chunk_of(t) == from {
            return Err(err(
                gc,
                format!("{} points into from-space ({t:#x})", what()),
            ));
        }
        if !starts.contains(t) {
            return Err(err(
                gc,
                format!(
                    "{} points at {t:#x}, which is not the start of a live object",
                    what()
                ),
            ));
        }
        Ok(())
    };
    for &a in &objects {
        let b = heap.body(a);
        let old = !heap.managed.new_space.contains(a);
        for i in 1..b.tagged_end {
            let v = heap.word(a, i);
            check_target(&|| format!("field {i} of {} {a:#x}", b.ty.v8_name()), v)?;
            if old
                && v.is_heap_object()
                && heap.managed.new_space.contains(v.addr())
                && !heap.is_remembered(a + 8 * i as u64)
            {
                return Err(err(gc, format!("old-to-new pointer in field {i} of {} {a:#x} (to {:#x}) is not in the remembered set", b.ty.v8_name(), v.addr())));
            }
        }
    }
    for kind in crate::heap::roots::RootKind::ALL {
        for (i, &v) in heap.managed.roots.list(kind).iter().enumerate() {
            check_target(&|| format!("root {} #{i}", kind.snapshot_name()), v)?;
        }
    }
    Ok(())
}

/// One object as the verifier remembers it; its words are `PreGc::words[start..start+len]`
/// with pointers replaced by `id << 2 | tag` of their target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) ty: InstanceType,
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) young: bool,
    pub(crate) survived_once: bool,
}

impl Record {
    /// The record of the object at `a`, whose canonical words `words[start..]` were just
    /// appended.
    pub(crate) fn new(heap: &Heap, a: Address, start: usize, words: &[u64]) -> Record {
        let young = heap.managed.new_space.contains(a);
        Record {
            ty: heap.instance_type(a),
            start,
            len: words.len() - start,
            young,
            survived_once: young && heap.survived_once(a),
        }
    }
}

/// The verifier's records found by object id: `(id, record index)` sorted by id, the size
/// of the recorded set, not of every id ever handed out (which grows with the program, and
/// so would every GC's verification).
#[derive(Clone, Debug)]
pub(crate) struct IdIndex(Vec<(u32, u32)>);

impl IdIndex {
    /// Gives every object of `objects` an id; record `i` is `objects[i]`'s.
    pub(crate) fn assign(heap: &mut Heap, objects: &[Address]) -> IdIndex {
        let mut index: Vec<(u32, u32)> = objects
            .iter()
            .enumerate()
            .map(|(i, &a)| (heap.object_id(a), i as u32))
            .collect();
        index.sort_unstable();
        IdIndex(index)
    }

    /// The record of the object with id `id`.
    #[inline]
    pub(crate) fn get(&self, id: u32) -> Option<usize> {
        let i = self.0.binary_search_by_key(&id, |e| e.0).ok()?;
        Some(self.0[i].1 as usize)
    }
}

/// What a scavenge must preserve, captured before it runs. Flat: records found by id,
/// contents in one word arena.
#[derive(Clone, Debug)]
pub struct PreGc {
    index: IdIndex,
    records: Vec<Record>,
    words: Vec<u64>,
    young_bytes: usize,
}

/// A pointer `v` to the object with id `id`, as canonical words hold it.
pub(crate) fn by_id(id: u32, v: Tagged) -> u64 {
    ((id as u64) << 2) | (v.0 & 3)
}

/// Appends the words of the object at `a` to `out`, each pointer replaced by `encode` of it;
/// `Err` is the first pointer target `encode` cannot name.
pub(crate) fn canonical_with(
    heap: &Heap,
    a: Address,
    out: &mut Vec<u64>,
    encode: impl Fn(Tagged) -> Option<u64>,
) -> Result<(), Address> {
    let b = heap.body(a);
    for (i, &w) in heap.words_at(a, b.size_words).iter().enumerate() {
        let v = Tagged(w);
        if i < b.tagged_end && v.is_heap_object() {
            out.push(encode(v).ok_or(v.addr())?);
        } else {
            out.push(w);
        }
    }
    Ok(())
}

/// Appends the canonical words of the object at `a` to `out`, every pointer by its
/// target's id; `Err` names a pointer target without an id.
fn canonical(heap: &Heap, a: Address, out: &mut Vec<u64>) -> Result<(), Address> {
    canonical_with(heap, a, out, |v| {
        heap.existing_object_id(v.addr()).map(|id| by_id(id, v))
    })
}

impl PreGc {
    /// Records the objects a scavenge must keep (assigning ids to them).
    pub fn capture(heap: &mut Heap) -> PreGc {
        // The live set: all old objects, plus young objects reachable from roots and old
        // objects.
        let mut live: Vec<Address> = heap
            .objects()
            .filter(|&a| !heap.managed.new_space.contains(a))
            .collect();
        let old_fields = live
            .iter()
            .flat_map(|&a| heap.words_at(a, heap.body(a).tagged_end)[1..].iter())
            .map(|&w| Tagged(w));
        let roots = crate::heap::roots::RootKind::ALL
            .into_iter()
            .flat_map(|kind| heap.managed.roots.list(kind).iter().copied());
        let queue = young_closure(heap, roots.chain(old_fields));
        live.extend(&queue);
        let mut pre = PreGc {
            index: IdIndex::assign(heap, &live),
            records: Vec::with_capacity(live.len()),
            words: Vec::new(),
            young_bytes: 0,
        };
        for &a in &live {
            let start = pre.words.len();
            canonical(heap, a, &mut pre.words).expect("live objects point at live objects");
            let record = Record::new(heap, a, start, &pre.words);
            if record.young {
                pre.young_bytes += heap.size_of(a);
            }
            pre.records.push(record);
        }
        pre
    }

    fn get(&self, id: u32) -> Option<&Record> {
        Some(&self.records[self.index.get(id)?])
    }

    /// Number of objects the GC must keep.
    pub fn live_objects(&self) -> usize {
        self.records.len()
    }

    /// Bytes of young objects the GC must keep.
    pub fn live_young_bytes(&self) -> usize {
        self.young_bytes
    }
}

/// Checks a heap right after a scavenge against what was captured before it.
pub fn check_after_scavenge(heap: &Heap, pre: &PreGc) -> Result<(), VerifyError> {
    let gc = heap.events.len();
    assert!(gc > 0, "called after a GC");
    verify_structure(heap, gc)?;
    let mut found = 0usize;
    let mut scratch = Vec::new();
    for a in heap.objects() {
        let id = heap.existing_object_id(a);
        let Some((id, r)) = id.and_then(|id| Some((id, pre.get(id)?))) else {
            return Err(not_live_before(heap, gc, a, id));
        };
        found += 1;
        scratch.clear();
        canonical(heap, a, &mut scratch).map_err(|t| {
            err(
                gc,
                format!(
                    "{} @{id} points at {t:#x}, an object without an id",
                    heap.instance_type(a).v8_name()
                ),
            )
        })?;
        let before = &pre.words[r.start..r.start + r.len];
        check_survivor(heap, a, id, r, before, &scratch)?;
    }
    if found != pre.records.len() {
        return Err(err(
            gc,
            format!(
                "{} live objects before the GC, {} after: live objects were lost",
                pre.records.len(),
                found
            ),
        ));
    }
    Ok(())
}

/// Checks a survivor of the scavenge that just ran against its record: the same type and
/// contents (`now`, canonical like the record's `before`), promoted exactly after its
/// second survival.
pub(crate) fn check_survivor(
    heap: &Heap,
    a: Address,
    id: u32,
    r: &Record,
    before: &[u64],
    now: &[u64],
) -> Result<(), VerifyError> {
    let gc = heap.events.len();
    let promotion_failures = heap.events.last().map_or(0, |e| e.promotion_failures);
    let ty = heap.instance_type(a);
    if r.ty != ty || before != now {
        let i = before
            .iter()
            .zip(now)
            .position(|(x, y)| x != y)
            .unwrap_or(before.len().min(now.len()));
        return Err(err(
            gc,
            format!(
                "{} @{id} changed across the GC (first difference at word {i})",
                ty.v8_name()
            ),
        ));
    }
    if !r.young {
        return Ok(());
    }
    let young_now = heap.managed.new_space.contains(a);
    if r.survived_once && young_now && promotion_failures == 0 {
        return Err(err(
            gc,
            format!(
                "{} @{id} survived its second scavenge but was not promoted",
                ty.v8_name()
            ),
        ));
    }
    if !r.survived_once && !young_now {
        return Err(err(
            gc,
            format!(
                "{} @{id} was promoted after its first scavenge",
                ty.v8_name()
            ),
        ));
    }
    if young_now && !heap.survived_once(a) {
        return Err(err(
            gc,
            format!(
                "{} @{id} survived but sits above the age mark",
                ty.v8_name()
            ),
        ));
    }
    Ok(())
}

/// The error for an object that survived a scavenge without having been live before it:
/// `id` is `None` when it has no id (the verifier gave one to every live object).
pub(crate) fn not_live_before(heap: &Heap, gc: usize, a: Address, id: Option<u32>) -> VerifyError {
    let ty = heap.instance_type(a);
    match id {
        None => err(
            gc,
            format!(
                "{} {a:#x} in {} was not live before the GC but survived it",
                ty.v8_name(),
                space_name(heap, a)
            ),
        ),
        Some(id) => err(
            gc,
            format!(
                "{} @{id} at {a:#x} was unreachable before the GC but survived it",
                ty.v8_name()
            ),
        ),
    }
}

fn space_name(heap: &Heap, a: Address) -> &'static str {
    heap.space_of(a).map_or("no space", |s| s.v8_name())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{GcReason, Profile};

    /// A heap with a young object `a` holding a young string, both rooted by handles.
    pub(crate) fn heap_with_pair() -> (Heap, crate::Handle, crate::Handle) {
        let mut heap = Heap::new(Profile::v8_6().with_semi_space(64 * 1024, 64 * 1024));
        let _scope = heap.open_handle_scope();
        let a = heap.alloc_object_of_class("A", 2).unwrap();
        let ha = heap.handle(a);
        let b = heap.alloc_string("payload").unwrap();
        let hb = heap.handle(b);
        let a = heap.get(ha);
        heap.set_property(a, "b", heap.get(hb)).unwrap();
        (heap, ha, hb)
    }

    #[test]
    fn a_clean_heap_verifies() {
        let (heap, _, _) = heap_with_pair();
        heap.verify().unwrap();
    }

    #[test]
    fn an_unrecorded_old_to_new_pointer_is_caught() {
        let (mut heap, _, hb) = heap_with_pair();
        let g = heap.global().addr();
        // A raw store that bypasses the write barrier.
        heap.managed.mem.write(
            g + 8 * crate::object::js_object::PROPERTIES as u64,
            heap.get(hb).0,
        );
        let e = heap.verify().unwrap_err();
        assert!(e.message.contains("not in the remembered set"), "{e}");
    }

    #[test]
    fn an_interior_pointer_is_caught() {
        let (mut heap, ha, hb) = heap_with_pair();
        let inner = Tagged::strong(heap.get(hb).addr() + 8);
        heap.managed.mem.write(heap.get(ha).addr() + 8 * 3, inner.0);
        let e = heap.verify().unwrap_err();
        assert!(e.message.contains("not the start of a live object"), "{e}");
    }

    #[test]
    fn a_pointer_into_from_space_is_caught() {
        let (mut heap, ha, _) = heap_with_pair();
        let stale = heap.get(ha);
        heap.scavenge(GcReason::Explicit);
        heap.managed
            .roots
            .list_mut(crate::RootKind::Extensions)
            .push(stale);
        let e = heap.verify().unwrap_err();
        assert!(e.message.contains("from-space"), "{e}");
    }

    #[test]
    fn a_bad_map_word_is_caught() {
        let (mut heap, _, hb) = heap_with_pair();
        heap.managed.mem.write(
            heap.get(hb).addr(),
            Tagged::strong(heap.undefined_value().addr()).0,
        );
        let e = heap.verify().unwrap_err();
        assert!(e.message.contains("not a map"), "{e}");
    }

    #[test]
    fn altered_lost_and_resurrected_objects_are_caught() {
        let (mut heap, ha, hb) = heap_with_pair();
        // Altered: a field changes between capture and check.
        let pre = PreGc::capture(&mut heap);
        let a = heap.get(ha);
        heap.set_field(a, 3, Tagged::smi(7));
        heap.scavenge(GcReason::Explicit);
        let e = check_after_scavenge(&heap, &pre).unwrap_err();
        assert!(
            e.message.contains("changed across the GC") || e.message.contains("lost"),
            "{e}"
        );

        // Lost: a live object becomes unreachable behind the verifier's back.
        let (mut heap, _, _) = heap_with_pair();
        let c = heap.alloc_string("only rooted by a handle").unwrap();
        let hc = heap.handle(c);
        let pre = PreGc::capture(&mut heap);
        let u = heap.undefined_value();
        heap.set_handle(hc, u);
        heap.scavenge(GcReason::Explicit);
        let e = check_after_scavenge(&heap, &pre).unwrap_err();
        assert!(e.message.contains("lost"), "{e}");

        // Resurrected: an object allocated after the capture survives it.
        let _ = hb;
        let (mut heap, _, _) = heap_with_pair();
        let pre = PreGc::capture(&mut heap);
        let s = heap.alloc_string("late").unwrap();
        heap.handle(s);
        heap.scavenge(GcReason::Explicit);
        let e = check_after_scavenge(&heap, &pre).unwrap_err();
        assert!(e.message.contains("was not live before the GC"), "{e}");
    }

    #[test]
    fn a_missed_promotion_is_caught() {
        let (mut heap, _, _) = heap_with_pair();
        heap.scavenge(GcReason::Explicit);
        let pre = PreGc::capture(&mut heap);
        // Pretend nothing had survived: the scavenger then keeps survivors young.
        heap.managed.new_space.age_mark = 0;
        heap.scavenge(GcReason::Explicit);
        let e = check_after_scavenge(&heap, &pre).unwrap_err();
        assert!(e.message.contains("was not promoted"), "{e}");
    }

    #[test]
    fn verify_heap_mode_counts_checks() {
        let (mut heap, _, _) = heap_with_pair();
        heap.set_verify_heap(true);
        heap.scavenge(GcReason::Explicit);
        heap.scavenge(GcReason::Explicit);
        assert_eq!(heap.verifier_stats().checks, 2);
        assert!(heap.verifier_stats().failures.is_empty());
    }
}
