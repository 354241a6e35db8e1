//! The `Heap` façade: the embedding API of the simulator, after V8's `Heap` and `Factory`
//! (`src/heap/heap.h`, `src/heap/factory.h`).
//!
//! A `Heap` owns the [`ManagedHeap`] — the simulated memory ([`memory`]), the five spaces
//! ([`space`]) and the roots ([`roots`]) — and composes the collectors, each a type with its
//! own state working on the managed heap it is given, as V8's `Heap` holds its
//! `Scavenger`, `MarkCompactCollector`, `IncrementalMarking` and `Sweeper`:
//! [`Heap::scavenge`] runs a [`Scavenger`](crate::young_gen::scavenger) and
//! [`Heap::collect_garbage`] the [`MarkCompactCollector`] (with its
//! [`Sweeper`](crate::old_gen::sweeper::Sweeper)); [`IncrementalMarking`] steps it from the
//! allocation path and the write barrier. The `Heap` itself keeps what is not a
//! collector's: allocation and its counters, the factory's caches (class maps, the string
//! table), ids, the event stream and the verifier's results. Embedders (the scenarios, the
//! mutator, the CLI) allocate objects with the `alloc_*` helpers of the [`crate::object`]
//! modules, read and write fields, and keep objects alive with handles.
//!
//! **GC safety.** Objects are referred to by [`Tagged`] values, i.e. raw simulated
//! addresses. Any allocation may run a scavenge, which moves new-space objects; a `Tagged`
//! read before an allocation may then point at a dead from-space copy. As in V8, values
//! that must survive an allocation go into a [`Handle`] (or a [`GlobalHandle`]), which the
//! collector updates; re-read them with [`Heap::get`] afterwards. Every allocation helper of
//! the crate follows this rule internally. Writing through a stale `Tagged` is caught:
//! [`Heap::set_field`] panics on an object whose map word is a forwarding address.
//!
//! **Bootstrapping** mirrors `Heap::CreateInitialObjects`: the meta map (its own map), a
//! map per instance type, the empty fixed array and the oddballs, then the JS maps with
//! their class names, the builtins, the native context and the global object.

pub mod gc_trace;
pub mod ids;
pub mod managed;
pub mod memory;
pub mod profile;
pub mod roots;
pub mod sites;
pub mod space;
pub mod tagged;

use std::collections::HashMap;

use crate::events::{GcEvent, GcReason};
use crate::heap::ids::IdAllocator;
use crate::heap::memory::{chunk_base, chunk_of, word_offset, Memory, MAX_CHUNK_BYTES};
use crate::heap::profile::Profile;
use crate::heap::roots::{GlobalHandle, Handle, HandleScope, RootKind, Roots};
use crate::heap::space::large_object_space::LargeObjectSpace;
use crate::heap::space::new_space::NewSpace;
use crate::heap::space::paged_space::PagedSpace;
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Address, Tagged};
use crate::object::{map, Body, InstanceType};
use crate::old_gen::incremental_marking::IncrementalMarking;
use crate::old_gen::mark_compact::MarkCompactCollector;
use crate::young_gen::trace::ScavengeStep;
use managed::ManagedHeap;

/// Where an allocation should go (V8's `AllocationType`): young objects in new space,
/// pretenured ones in old space, code and maps in their spaces. Objects above the
/// profile's large-object threshold go to large-object space whatever is asked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AllocSpace {
    Young,
    Old,
    Code,
    Map,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum HeapError {
    /// The old generation would pass the profile's limit even after a full GC: V8's fatal
    /// out-of-memory.
    #[error("out of memory: {requested} bytes requested in {space}, old generation at {used} of {limit} bytes")]
    OutOfMemory {
        space: &'static str,
        requested: usize,
        used: usize,
        limit: usize,
    },
    /// An operation got an object of the wrong type.
    #[error("{op}: expected {expected}, got {found}")]
    WrongType {
        op: &'static str,
        expected: &'static str,
        found: &'static str,
    },
}

/// Indices into the `(Strong roots)` list after the per-instance-type maps (V8's
/// `RootIndex`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RootIndex {
    Undefined = InstanceType::COUNT as isize,
    Null,
    True,
    False,
    TheHole,
    EmptyFixedArray,
    EmptyString,
    NativeContext,
}

/// Builtins allocated at start-up (a few of V8's, enough for closures to point at).
pub const BUILTINS: [&str; 4] = [
    "InterpreterEntryTrampoline",
    "CompileLazy",
    "ArrayPush",
    "MapPrototypeSet",
];

/// The simulated heap: the memory the collectors manage ([`ManagedHeap`]), the factory's
/// caches, the allocation counters and the collectors themselves.
pub struct Heap {
    pub(crate) managed: ManagedHeap,
    pub(crate) ids: IdAllocator,
    pub(crate) class_maps: HashMap<(String, usize), usize>,
    pub(crate) string_table: HashMap<String, usize>,
    pub(crate) events: Vec<GcEvent>,
    pub(crate) steps: Option<Vec<ScavengeStep>>,
    /// GC recording for the gc-viz page ([`gc_trace`]), off unless asked for.
    pub(crate) gc_trace: Option<Box<gc_trace::GcTrace>>,
    pub(crate) gc_interval: Option<u64>,
    pub(crate) allocations: u64,
    pub(crate) in_gc: bool,
    /// Young allocations go to old space and GC stress pauses: the bootstrapper's bulk
    /// allocation, as V8 deserializes its startup snapshot into the old generation without
    /// collecting (`sim::bootstrap`).
    pub(crate) pretenure: bool,
    /// No allocation starts a collection ([`Heap::in_bulk`]): a final heap shape is being
    /// built, not a program run.
    pub(crate) bulk: bool,
    pub(crate) verify_heap: bool,
    pub(crate) verifier: crate::verify::verifier::VerifierStats,
    pub(crate) verify_schedule: crate::verify::schedule::Schedule,
    /// The full collector (marking state, settings, counters).
    pub(crate) mark_compact: MarkCompactCollector,
    /// Whether and how far marking runs between full GCs.
    pub(crate) incremental: IncrementalMarking,
    /// Allocation sites, while the embedder records them.
    pub(crate) sites: sites::AllocationSites,
}

impl Heap {
    /// A fresh heap with the profile's spaces, the root table, builtins, native context and
    /// global object.
    pub fn new(profile: Profile) -> Heap {
        let mut mem = Memory::new();
        let new_space = NewSpace::new(&mut mem, profile.semi_space_initial, profile.semi_space_max);
        let mut heap = Heap {
            managed: ManagedHeap {
                old_space: PagedSpace::new(SpaceId::Old, profile.page_size),
                code_space: PagedSpace::new(SpaceId::Code, profile.page_size),
                map_space: PagedSpace::new(SpaceId::Map, profile.page_size),
                lo_space: LargeObjectSpace::default(),
                profile,
                mem,
                new_space,
                roots: Roots::default(),
            },
            ids: IdAllocator::default(),
            class_maps: HashMap::new(),
            string_table: HashMap::new(),
            events: Vec::new(),
            steps: None,
            gc_trace: None,
            gc_interval: None,
            allocations: 0,
            in_gc: false,
            pretenure: false,
            bulk: false,
            verify_heap: false,
            verifier: Default::default(),
            verify_schedule: Default::default(),
            mark_compact: Default::default(),
            incremental: Default::default(),
            sites: Default::default(),
        };
        heap.bootstrap().expect("the initial heap fits any profile");
        heap
    }

    fn bootstrap(&mut self) -> Result<(), HeapError> {
        // The meta map is its own map; every other fixed map points at it. Fields that need
        // objects not yet created hold Smi 0 and are patched below.
        let strong = self.managed.roots.list_mut(RootKind::StrongRootList);
        strong.resize(RootIndex::NativeContext as usize + 1, Tagged::ZERO);
        let meta = self.allocate_raw(map::SIZE_WORDS * 8, AllocSpace::Map)?;
        for ty in InstanceType::ALL {
            let a = if ty == InstanceType::Map {
                meta
            } else {
                self.allocate_raw(map::SIZE_WORDS * 8, AllocSpace::Map)?
            };
            let size = fixed_instance_size(ty);
            let mut words = [0u64; map::SIZE_WORDS];
            words[0] = Tagged::strong(meta).0;
            words[map::INSTANCE_TYPE] = Tagged::smi(ty as i32).0;
            words[map::INSTANCE_SIZE] = Tagged::smi(size as i32).0;
            self.init_object(a, &words);
            self.managed.roots.list_mut(RootKind::StrongRootList)[ty as usize] = Tagged::strong(a);
        }
        let efa = self.allocate_raw(16, AllocSpace::Old)?;
        self.init_object(
            efa,
            &[
                self.managed.root_map_word(InstanceType::FixedArray),
                Tagged::smi(0).0,
            ],
        );
        self.set_root(RootIndex::EmptyFixedArray, Tagged::strong(efa));
        for r in [
            RootIndex::Undefined,
            RootIndex::Null,
            RootIndex::True,
            RootIndex::False,
            RootIndex::TheHole,
        ] {
            let a =
                self.allocate_raw(crate::object::js_object::ODDBALL_WORDS * 8, AllocSpace::Old)?;
            let mut w = [0u64; crate::object::js_object::ODDBALL_WORDS];
            w[0] = self.managed.root_map_word(InstanceType::Oddball);
            w[4] = Tagged::smi(r as i32 - RootIndex::Undefined as i32).0;
            self.init_object(a, &w);
            self.set_root(r, Tagged::strong(a));
        }
        let (null, efa) = (self.null_value(), self.empty_fixed_array());
        for ty in InstanceType::ALL {
            let m = self.root_map(ty).addr();
            self.write(m, map::PROTOTYPE, null);
            self.write(m, map::DESCRIPTORS, efa);
            self.write(m, map::TRANSITIONS, efa);
            self.write(m, map::CONSTRUCTOR_OR_BACK_POINTER, null);
        }
        let es = self.internalize("")?;
        self.set_root(RootIndex::EmptyString, es);
        for (r, s, t) in [
            (RootIndex::Undefined, "undefined", "undefined"),
            (RootIndex::Null, "null", "object"),
            (RootIndex::True, "true", "boolean"),
            (RootIndex::False, "false", "boolean"),
            (RootIndex::TheHole, "hole", "hole"),
        ] {
            let (s, t) = (self.internalize(s)?, self.internalize(t)?);
            let o = self.root(r).addr();
            self.write(o, 1, s);
            self.write(o, 2, Tagged::smi(0));
            self.write(o, 3, t);
        }
        // JS maps get their constructor names; their instance sizes are fixed.
        for (ty, name) in [
            (InstanceType::JSObject, "Object"),
            (InstanceType::JSArray, "Array"),
            (InstanceType::JSFunction, "Function"),
            (InstanceType::JSMap, "Map"),
            (InstanceType::JSSet, "Set"),
            (InstanceType::JSWeakMap, "WeakMap"),
            (InstanceType::JSWeakSet, "WeakSet"),
            (InstanceType::JSGlobalObject, "global"),
        ] {
            let n = self.internalize(name)?;
            let m = self.root_map(ty).addr();
            self.write(m, map::CONSTRUCTOR_OR_BACK_POINTER, n);
        }
        for name in BUILTINS {
            let c = self.alloc_code(name, 64, crate::object::code::CodeKind::Builtin)?;
            self.managed.roots.list_mut(RootKind::Builtins).push(c);
        }
        // Native context: global object in its extension slot, itself as native context.
        let global =
            self.alloc_object_in(self.root_map(InstanceType::JSGlobalObject), AllocSpace::Old)?;
        let scope = self.open_handle_scope();
        let hg = self.handle(global);
        let nc = self.alloc_fixed_array_in(
            InstanceType::NativeContext,
            crate::object::context::HEADER_SLOTS,
            AllocSpace::Old,
        );
        let global = self.get(hg);
        self.close_handle_scope(scope);
        let nc = nc?;
        let efa = self.empty_fixed_array();
        let ncw = nc.addr();
        self.write(ncw, crate::object::context::SCOPE_INFO, efa);
        self.write(ncw, crate::object::context::EXTENSION, global);
        self.write(ncw, crate::object::context::NATIVE_CONTEXT, nc);
        self.set_root(RootIndex::NativeContext, nc);
        // Counters and stress intervals start with the embedder's first allocation.
        self.allocations = 0;
        Ok(())
    }

    // ----- configuration and observation ---------------------------------------------------

    pub fn profile(&self) -> &Profile {
        &self.managed.profile
    }

    /// Stress mode: run a scavenge before every `n`-th allocation (`None` turns it off).
    /// V8's `--gc-interval`.
    pub fn set_gc_interval(&mut self, n: Option<u64>) {
        self.gc_interval = n.filter(|&n| n > 0);
    }

    /// Run the verifier around every GC (V8's `--verify-heap`); results in
    /// [`Heap::verifier_stats`].
    pub fn set_verify_heap(&mut self, on: bool) {
        if on && !self.verify_heap {
            self.verify_schedule.restart();
        }
        self.verify_heap = on;
    }

    /// With the verifier on, check the whole heap at the first and then every `k`-th
    /// scavenge and the young generation at the others (see [`crate::verify::schedule`]);
    /// 1, the default, checks the whole heap at every GC. Full GCs always check it.
    pub fn set_full_verification_interval(&mut self, k: u32) {
        self.verify_schedule.set_interval(k);
    }

    pub fn verifier_stats(&self) -> &crate::verify::verifier::VerifierStats {
        &self.verifier
    }

    /// Record every scavenge step (see [`crate::young_gen::trace`]); `false` stops and drops them.
    pub fn set_step_recording(&mut self, on: bool) {
        self.steps = on.then(Vec::new);
    }

    /// Steps recorded since recording was turned on.
    pub fn steps(&self) -> &[ScavengeStep] {
        self.steps.as_deref().unwrap_or(&[])
    }

    pub fn take_steps(&mut self) -> Vec<ScavengeStep> {
        self.steps.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Every GC so far.
    pub fn events(&self) -> &[GcEvent] {
        &self.events
    }

    /// Allocations so far (every object, including internal backing stores).
    pub fn allocation_count(&self) -> u64 {
        self.allocations
    }

    pub fn roots(&self) -> &Roots {
        &self.managed.roots
    }

    // ----- root table ------------------------------------------------------------------------

    fn set_root(&mut self, r: RootIndex, v: Tagged) {
        self.managed.roots.list_mut(RootKind::StrongRootList)[r as usize] = v;
    }

    pub fn undefined_value(&self) -> Tagged {
        self.root(RootIndex::Undefined)
    }

    pub fn null_value(&self) -> Tagged {
        self.root(RootIndex::Null)
    }

    pub fn true_value(&self) -> Tagged {
        self.root(RootIndex::True)
    }

    pub fn false_value(&self) -> Tagged {
        self.root(RootIndex::False)
    }

    pub fn empty_fixed_array(&self) -> Tagged {
        self.root(RootIndex::EmptyFixedArray)
    }

    pub fn native_context(&self) -> Tagged {
        self.root(RootIndex::NativeContext)
    }

    /// The global object (`globalThis`), held by the native context.
    pub fn global(&self) -> Tagged {
        self.word(
            self.native_context().addr(),
            crate::object::context::EXTENSION,
        )
    }

    // ----- handles ---------------------------------------------------------------------------

    pub fn open_handle_scope(&mut self) -> HandleScope {
        self.managed.roots.open_scope()
    }

    pub fn close_handle_scope(&mut self, scope: HandleScope) {
        self.managed.roots.close_scope(scope)
    }

    /// A local handle to `v` in the innermost open scope.
    pub fn handle(&mut self, v: Tagged) -> Handle {
        self.managed.roots.push_handle(v)
    }

    /// The current value of a local handle.
    #[inline]
    pub fn get(&self, h: Handle) -> Tagged {
        self.managed.roots.list(RootKind::HandleScope)[h.0 as usize]
    }

    pub fn set_handle(&mut self, h: Handle, v: Tagged) {
        self.managed.roots.list_mut(RootKind::HandleScope)[h.0 as usize] = v;
    }

    pub fn new_global_handle(&mut self, v: Tagged) -> GlobalHandle {
        self.managed.roots.new_global(v)
    }

    pub fn get_global(&self, g: GlobalHandle) -> Tagged {
        self.managed.roots.list(RootKind::GlobalHandles)[g.0 as usize]
    }

    pub fn destroy_global_handle(&mut self, g: GlobalHandle) {
        self.managed.roots.destroy_global(g)
    }

    /// Adds `v` to a root list of any kind (scenarios use this to model compilation-cache
    /// entries, eternal handles, ...). Returns its index in that list.
    pub fn add_root(&mut self, kind: RootKind, v: Tagged) -> usize {
        let l = self.managed.roots.list_mut(kind);
        l.push(v);
        l.len() - 1
    }

    // ----- reading the managed heap (see [`ManagedHeap`]) ------------------------------------

    /// Word `i` of the object at `addr` (word 0 is the map word).
    #[inline]
    pub fn word(&self, addr: Address, i: usize) -> Tagged {
        self.managed.word(addr, i)
    }

    #[inline]
    pub fn map_of(&self, addr: Address) -> Address {
        self.managed.map_of(addr)
    }

    #[inline]
    pub fn instance_type(&self, addr: Address) -> InstanceType {
        self.managed.instance_type(addr)
    }

    /// Size and tagged range of the object at `addr` (V8's `SizeFromMap` + body descriptor).
    #[inline]
    pub fn body(&self, addr: Address) -> Body {
        self.managed.body(addr)
    }

    /// Self size in bytes.
    pub fn size_of(&self, addr: Address) -> usize {
        self.managed.size_of(addr)
    }

    pub fn map_instance_type(&self, map: Address) -> InstanceType {
        self.managed.map_instance_type(map)
    }

    pub fn root(&self, r: RootIndex) -> Tagged {
        self.managed.root(r)
    }

    /// The default map of an instance type (for JS types: the map of plain instances of the
    /// built-in constructor).
    pub fn root_map(&self, ty: InstanceType) -> Tagged {
        self.managed.root_map(ty)
    }

    pub fn the_hole(&self) -> Tagged {
        self.managed.the_hole()
    }

    /// Bytes of the old generation: committed pages of the paged spaces plus large objects.
    pub fn old_generation_size(&self) -> usize {
        self.managed.old_generation_size()
    }

    /// Bytes in objects of the old generation (old, code, map and large-object space).
    pub fn old_generation_used(&self) -> usize {
        self.managed.old_generation_used()
    }

    /// Bytes in objects, per space.
    pub fn space_used(&self, s: SpaceId) -> usize {
        self.managed.space_used(s)
    }

    // ----- raw memory ------------------------------------------------------------------------

    /// Stores word `i` of the object at `addr` through the write barrier.
    #[inline]
    pub(crate) fn write(&mut self, addr: Address, i: usize, v: Tagged) {
        let slot = addr + 8 * i as u64;
        self.managed.mem.write(slot, v.0);
        self.record_write(addr, slot, v);
    }

    /// Writes a freshly allocated object's first words and clears its id.
    pub(crate) fn init_object(&mut self, addr: Address, words: &[u64]) {
        let c = self.managed.mem.chunk_mut(chunk_of(addr));
        let w = word_offset(addr);
        c.words[w..w + words.len()].copy_from_slice(words);
        c.ids[w] = 0;
        if !self.managed.new_space.contains(addr) {
            for (i, &v) in words.iter().enumerate().skip(1) {
                self.record_write(addr, addr + 8 * i as u64, Tagged(v));
            }
        }
        self.note_allocation(addr);
    }

    /// The raw word column of a chunk region (read-only), for payload readers.
    pub(crate) fn words_at(&self, addr: Address, n: usize) -> &[u64] {
        let w = word_offset(addr);
        &self.managed.mem.chunk(chunk_of(addr)).words[w..w + n]
    }

    pub(crate) fn words_at_mut(&mut self, addr: Address, n: usize) -> &mut [u64] {
        let w = word_offset(addr);
        &mut self.managed.mem.chunk_mut(chunk_of(addr)).words[w..w + n]
    }

    /// Reads field `index` (a word index, ≥ 1) of object `obj`.
    pub fn get_field(&self, obj: Tagged, index: usize) -> Tagged {
        let b = self.body(obj.addr());
        assert!(
            index >= 1 && index < b.tagged_end,
            "field {index} outside the tagged words of a {}",
            b.ty.v8_name()
        );
        self.word(obj.addr(), index)
    }

    /// Stores `value` into field `index` (a word index inside the object's tagged range)
    /// of `obj`, through the write barrier. Panics on a stale reference (an object that was
    /// moved) or an index outside the tagged words.
    pub fn set_field(&mut self, obj: Tagged, index: usize, value: Tagged) {
        let mw = self.managed.mem.read(obj.addr());
        assert!(!map_word::is_forwarding(mw), "set_field on a stale reference {:#x}: the object was moved by a GC; re-read it from its handle", obj.addr());
        let b = self.body(obj.addr());
        assert!(
            index >= 1 && index < b.tagged_end,
            "field {index} outside the tagged words of a {}",
            b.ty.v8_name()
        );
        self.write(obj.addr(), index, value);
    }

    /// The space holding `addr`, if any.
    pub fn space_of(&self, addr: Address) -> Option<SpaceId> {
        self.managed.mem.space_of(addr)
    }

    pub fn in_new_space(&self, addr: Address) -> bool {
        self.managed.new_space.contains(addr)
    }

    /// Bytes of to-space below the age mark: objects there have survived one scavenge.
    pub fn age_mark(&self) -> Address {
        self.managed.new_space.start() + self.managed.new_space.age_mark as u64
    }

    /// Whether a new-space object has survived one scavenge (it is promoted by the next).
    pub fn survived_once(&self, addr: Address) -> bool {
        chunk_of(addr) == self.managed.new_space.to_chunk() && addr < self.age_mark()
    }

    // ----- ids -------------------------------------------------------------------------------

    /// The stable id of the object at `addr`, assigned on first request and carried across
    /// moves (see [`crate::heap::ids`]).
    pub fn object_id(&mut self, addr: Address) -> u32 {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        let id = self.managed.mem.chunk(c).ids[w];
        if id != 0 {
            return id;
        }
        let id = self.ids.next_id();
        self.managed.mem.chunk_mut(c).ids[w] = id;
        id
    }

    /// The id of the object at `addr` if it has one.
    pub fn existing_object_id(&self, addr: Address) -> Option<u32> {
        let id = self.managed.mem.chunk(chunk_of(addr)).ids[word_offset(addr)];
        (id != 0).then_some(id)
    }

    // ----- sizes -----------------------------------------------------------------------------

    /// Bytes reserved, per space (new space: both semi-spaces).
    pub fn space_committed(&self, s: SpaceId) -> usize {
        match s {
            SpaceId::New => 2 * self.managed.new_space.capacity,
            SpaceId::Old => self.managed.old_space.committed(),
            SpaceId::Code => self.managed.code_space.committed(),
            SpaceId::Map => self.managed.map_space.committed(),
            SpaceId::LargeObject => self.managed.lo_space.size,
        }
    }

    /// Current capacity of one semi-space.
    pub fn semi_space_capacity(&self) -> usize {
        self.managed.new_space.capacity
    }

    // ----- allocation ------------------------------------------------------------------------

    /// Runs `f` as one bulk allocation of a final heap shape (`heapsim generate`): young
    /// allocations go to old space, as under [`Heap::pretenured`], and no allocation starts
    /// a collection — no scavenge, no incremental marking, no full GC at the
    /// old-generation limit; only an allocation that would fail still collects first, as
    /// V8 does before giving up. A program run would promote nearly all of such a heap
    /// anyway (copying it twice) and re-mark it at every limit; the heap it leaves, after
    /// the snapshot's full GC, holds the same objects.
    pub fn in_bulk<R>(&mut self, f: impl FnOnce(&mut Heap) -> R) -> R {
        let was = (
            self.set_pretenuring(true),
            std::mem::replace(&mut self.bulk, true),
        );
        let r = f(self);
        self.set_pretenuring(was.0);
        self.bulk = was.1;
        r
    }

    /// Reserves `bytes` (a multiple of 8) in `space`. May run a scavenge first (stress
    /// interval, or new space full); the caller initialises every word of the result.
    pub(crate) fn allocate_raw(
        &mut self,
        bytes: usize,
        space: AllocSpace,
    ) -> Result<Address, HeapError> {
        debug_assert!(bytes.is_multiple_of(8) && bytes >= 8);
        self.allocations += 1;
        if let Some(n) = self.gc_interval {
            if !self.in_gc && !self.pretenure && self.allocations.is_multiple_of(n) {
                self.scavenge(GcReason::Testing);
            }
        }
        self.old_gen_before_allocation(bytes);
        let r = match self.allocate_raw_once(bytes, space) {
            // As V8 does before giving up: a full GC, then one more try.
            Err(HeapError::OutOfMemory { .. }) if !self.in_gc => {
                self.collect_garbage(GcReason::AllocationFailure);
                self.allocate_raw_once(bytes, space)
            }
            r => r,
        };
        if let Ok(a) = r {
            self.old_gen_after_allocation(a);
        }
        r
    }

    fn allocate_raw_once(&mut self, bytes: usize, space: AllocSpace) -> Result<Address, HeapError> {
        if bytes > self.managed.profile.large_object_threshold {
            let used = self.old_generation_size();
            if used + bytes > self.managed.profile.max_old_generation || bytes > MAX_CHUNK_BYTES {
                return Err(self.managed.oom("large_object_space", bytes));
            }
            return Ok(self.managed.lo_space.allocate(&mut self.managed.mem, bytes));
        }
        let a = match space {
            AllocSpace::Young if self.pretenure => {
                self.managed.allocate_paged(SpaceId::Old, bytes)?
            }
            AllocSpace::Young => match self.managed.new_space.allocate(bytes) {
                Some(a) => a,
                None => {
                    if !self.in_gc {
                        self.scavenge(GcReason::AllocationFailure);
                    }
                    match self.managed.new_space.allocate(bytes) {
                        Some(a) => a,
                        // Survivors fill the semi-space: the object is allocated old, as V8
                        // does when a young allocation fails after GC.
                        None => self.managed.allocate_paged(SpaceId::Old, bytes)?,
                    }
                }
            },
            AllocSpace::Old => self.managed.allocate_paged(SpaceId::Old, bytes)?,
            AllocSpace::Code => self.managed.allocate_paged(SpaceId::Code, bytes)?,
            AllocSpace::Map => self.managed.allocate_paged(
                if self.managed.profile.map_space {
                    SpaceId::Map
                } else {
                    SpaceId::Old
                },
                bytes,
            )?,
        };
        Ok(a)
    }

    // ----- iteration -------------------------------------------------------------------------

    /// Every object in the heap (fillers skipped), space by space in [`SpaceId`] order: new
    /// space (to-space, bottom to top), the pages of old, code and map space, then large
    /// objects. The heap must not be mid-GC.
    pub fn objects(&self) -> ObjectIter<'_> {
        let mut ranges = vec![(
            self.managed.new_space.to_chunk(),
            self.managed.new_space.top / 8,
        )];
        for s in [
            &self.managed.old_space,
            &self.managed.code_space,
            &self.managed.map_space,
        ] {
            ranges.extend(s.pages.iter().zip(s.tops()).map(|(&c, &t)| (c, t / 8)));
        }
        ranges.extend(
            self.managed
                .lo_space
                .chunks
                .iter()
                .map(|&c| (c, self.managed.mem.chunk(c).words.len())),
        );
        ObjectIter {
            heap: self,
            ranges,
            ri: 0,
            off: 0,
        }
    }

    /// Objects of one space.
    pub fn objects_in(&self, s: SpaceId) -> impl Iterator<Item = Address> + '_ {
        self.objects()
            .filter(move |&a| self.managed.mem.space_of(a) == Some(s))
    }
}

/// Iterator over object addresses; see [`Heap::objects`].
pub struct ObjectIter<'a> {
    heap: &'a Heap,
    ranges: Vec<(usize, usize)>,
    ri: usize,
    off: usize,
}

impl Iterator for ObjectIter<'_> {
    type Item = Address;

    fn next(&mut self) -> Option<Address> {
        loop {
            let &(c, end) = self.ranges.get(self.ri)?;
            if self.off >= end {
                self.ri += 1;
                self.off = 0;
                continue;
            }
            let a = chunk_base(c) + 8 * self.off as u64;
            let b = self.heap.body(a);
            self.off += b.size_words;
            if !b.ty.is_filler() {
                return Some(a);
            }
        }
    }
}

/// Instance sizes of fixed-size types (0 for variable-size ones), in bytes.
fn fixed_instance_size(ty: InstanceType) -> usize {
    use crate::object::*;
    use InstanceType::*;
    match ty {
        Map => map::SIZE_WORDS * 8,
        Oddball => js_object::ODDBALL_WORDS * 8,
        HeapNumber => 16,
        ConsString | SlicedString => string::CONS_WORDS * 8,
        JSObject | JSGlobalObject => js_object::HEADER_WORDS * 8,
        JSArray => array::JS_ARRAY_WORDS * 8,
        JSFunction => closure::JS_FUNCTION_WORDS * 8,
        SharedFunctionInfo => closure::SFI_WORDS * 8,
        JSMap | JSSet | JSWeakMap | JSWeakSet => collections::JS_COLLECTION_WORDS * 8,
        _ => 0,
    }
}
