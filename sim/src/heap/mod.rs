//! The `Heap` façade: the embedding API of the simulator, after V8's `Heap` and `Factory`
//! (`src/heap/heap.h`, `src/heap/factory.h`).
//!
//! A `Heap` owns the simulated memory ([`crate::heap::memory`]), the five spaces
//! ([`crate::heap::space`]), the roots ([`crate::heap::roots`]) and the GC bookkeeping. Embedders (the
//! scenarios, the mutator, the CLI) allocate objects with the `alloc_*` helpers of the
//! [`crate::object`] modules, read and write fields, and keep objects alive with handles.
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

pub mod ids;
pub mod memory;
pub mod profile;
pub mod roots;
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
use crate::heap::space::paged_space::{Fillers, PagedSpace};
use crate::heap::space::SpaceId;
use crate::heap::tagged::{map_word, Address, Tagged};
use crate::object::{map, Body, InstanceType};
use crate::young_gen::trace::ScavengeStep;

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

/// The simulated heap.
pub struct Heap {
    pub(crate) profile: Profile,
    pub(crate) mem: Memory,
    pub(crate) new_space: NewSpace,
    pub(crate) old_space: PagedSpace,
    pub(crate) code_space: PagedSpace,
    pub(crate) map_space: PagedSpace,
    pub(crate) lo_space: LargeObjectSpace,
    pub(crate) roots: Roots,
    pub(crate) ids: IdAllocator,
    pub(crate) class_maps: HashMap<(String, usize), usize>,
    pub(crate) string_table: HashMap<String, usize>,
    pub(crate) events: Vec<GcEvent>,
    pub(crate) steps: Option<Vec<ScavengeStep>>,
    pub(crate) gc_interval: Option<u64>,
    pub(crate) allocations: u64,
    pub(crate) in_gc: bool,
    pub(crate) verify_heap: bool,
    pub(crate) verifier: crate::verify::verifier::VerifierStats,
    /// The old-generation collector (marking state, settings, counters).
    pub(crate) old_gen: crate::old_gen::mark_compact::OldGen,
}

impl Heap {
    /// A fresh heap with the profile's spaces, the root table, builtins, native context and
    /// global object.
    pub fn new(profile: Profile) -> Heap {
        let mut mem = Memory::new();
        let new_space = NewSpace::new(&mut mem, profile.semi_space_initial, profile.semi_space_max);
        let mut heap = Heap {
            old_space: PagedSpace::new(SpaceId::Old, profile.page_size),
            code_space: PagedSpace::new(SpaceId::Code, profile.page_size),
            map_space: PagedSpace::new(SpaceId::Map, profile.page_size),
            lo_space: LargeObjectSpace::default(),
            profile,
            mem,
            new_space,
            roots: Roots::default(),
            ids: IdAllocator::default(),
            class_maps: HashMap::new(),
            string_table: HashMap::new(),
            events: Vec::new(),
            steps: None,
            gc_interval: None,
            allocations: 0,
            in_gc: false,
            verify_heap: false,
            verifier: Default::default(),
            old_gen: Default::default(),
        };
        heap.bootstrap().expect("the initial heap fits any profile");
        heap
    }

    fn bootstrap(&mut self) -> Result<(), HeapError> {
        // The meta map is its own map; every other fixed map points at it. Fields that need
        // objects not yet created hold Smi 0 and are patched below.
        let strong = self.roots.list_mut(RootKind::StrongRootList);
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
            self.roots.list_mut(RootKind::StrongRootList)[ty as usize] = Tagged::strong(a);
        }
        let efa = self.allocate_raw(16, AllocSpace::Old)?;
        self.init_object(
            efa,
            &[
                self.root_map_word(InstanceType::FixedArray),
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
            w[0] = self.root_map_word(InstanceType::Oddball);
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
            self.roots.list_mut(RootKind::Builtins).push(c);
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
        &self.profile
    }

    /// Stress mode: run a scavenge before every `n`-th allocation (`None` turns it off).
    /// V8's `--gc-interval`.
    pub fn set_gc_interval(&mut self, n: Option<u64>) {
        self.gc_interval = n.filter(|&n| n > 0);
    }

    /// Run the verifier around every GC (V8's `--verify-heap`); results in
    /// [`Heap::verifier_stats`].
    pub fn set_verify_heap(&mut self, on: bool) {
        self.verify_heap = on;
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
        &self.roots
    }

    // ----- root table ------------------------------------------------------------------------

    pub fn root(&self, r: RootIndex) -> Tagged {
        self.roots.list(RootKind::StrongRootList)[r as usize]
    }

    fn set_root(&mut self, r: RootIndex, v: Tagged) {
        self.roots.list_mut(RootKind::StrongRootList)[r as usize] = v;
    }

    /// The default map of an instance type (for JS types: the map of plain instances of the
    /// built-in constructor).
    pub fn root_map(&self, ty: InstanceType) -> Tagged {
        self.roots.list(RootKind::StrongRootList)[ty as usize]
    }

    pub(crate) fn root_map_word(&self, ty: InstanceType) -> u64 {
        self.root_map(ty).0
    }

    pub(crate) fn meta_map_word(&self) -> u64 {
        self.root_map_word(InstanceType::Map)
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

    pub fn the_hole(&self) -> Tagged {
        self.root(RootIndex::TheHole)
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

    pub(crate) fn fillers(&self) -> Fillers {
        Fillers {
            free_space_map: self.root_map_word(InstanceType::FreeSpace),
            one_word_map: self.root_map_word(InstanceType::OnePointerFiller),
            two_word_map: self.root_map_word(InstanceType::TwoPointerFiller),
        }
    }

    // ----- handles ---------------------------------------------------------------------------

    pub fn open_handle_scope(&mut self) -> HandleScope {
        self.roots.open_scope()
    }

    pub fn close_handle_scope(&mut self, scope: HandleScope) {
        self.roots.close_scope(scope)
    }

    /// A local handle to `v` in the innermost open scope.
    pub fn handle(&mut self, v: Tagged) -> Handle {
        self.roots.push_handle(v)
    }

    /// The current value of a local handle.
    #[inline]
    pub fn get(&self, h: Handle) -> Tagged {
        self.roots.list(RootKind::HandleScope)[h.0 as usize]
    }

    pub fn set_handle(&mut self, h: Handle, v: Tagged) {
        self.roots.list_mut(RootKind::HandleScope)[h.0 as usize] = v;
    }

    pub fn new_global_handle(&mut self, v: Tagged) -> GlobalHandle {
        self.roots.new_global(v)
    }

    pub fn get_global(&self, g: GlobalHandle) -> Tagged {
        self.roots.list(RootKind::GlobalHandles)[g.0 as usize]
    }

    pub fn destroy_global_handle(&mut self, g: GlobalHandle) {
        self.roots.destroy_global(g)
    }

    /// Adds `v` to a root list of any kind (scenarios use this to model compilation-cache
    /// entries, eternal handles, ...). Returns its index in that list.
    pub fn add_root(&mut self, kind: RootKind, v: Tagged) -> usize {
        let l = self.roots.list_mut(kind);
        l.push(v);
        l.len() - 1
    }

    // ----- raw memory ------------------------------------------------------------------------

    /// Word `i` of the object at `addr` (word 0 is the map word).
    #[inline]
    pub fn word(&self, addr: Address, i: usize) -> Tagged {
        Tagged(self.mem.read(addr + 8 * i as u64))
    }

    /// Stores word `i` of the object at `addr` through the write barrier.
    #[inline]
    pub(crate) fn write(&mut self, addr: Address, i: usize, v: Tagged) {
        let slot = addr + 8 * i as u64;
        self.mem.write(slot, v.0);
        self.record_write(addr, slot, v);
    }

    /// Writes a freshly allocated object's first words and clears its id.
    pub(crate) fn init_object(&mut self, addr: Address, words: &[u64]) {
        let c = self.mem.chunk_mut(chunk_of(addr));
        let w = word_offset(addr);
        c.words[w..w + words.len()].copy_from_slice(words);
        c.ids[w] = 0;
        if !self.new_space.contains(addr) {
            for (i, &v) in words.iter().enumerate().skip(1) {
                self.record_write(addr, addr + 8 * i as u64, Tagged(v));
            }
        }
    }

    /// The raw word column of a chunk region (read-only), for payload readers.
    pub(crate) fn words_at(&self, addr: Address, n: usize) -> &[u64] {
        let w = word_offset(addr);
        &self.mem.chunk(chunk_of(addr)).words[w..w + n]
    }

    pub(crate) fn words_at_mut(&mut self, addr: Address, n: usize) -> &mut [u64] {
        let w = word_offset(addr);
        &mut self.mem.chunk_mut(chunk_of(addr)).words[w..w + n]
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
        let mw = self.mem.read(obj.addr());
        assert!(!map_word::is_forwarding(mw), "set_field on a stale reference {:#x}: the object was moved by a GC; re-read it from its handle", obj.addr());
        let b = self.body(obj.addr());
        assert!(
            index >= 1 && index < b.tagged_end,
            "field {index} outside the tagged words of a {}",
            b.ty.v8_name()
        );
        self.write(obj.addr(), index, value);
    }

    // ----- object shape ----------------------------------------------------------------------

    #[inline]
    pub fn map_of(&self, addr: Address) -> Address {
        let mw = self.mem.read(addr);
        debug_assert!(!map_word::is_forwarding(mw), "object {addr:#x} was moved");
        Tagged(mw).addr()
    }

    #[inline]
    pub fn instance_type(&self, addr: Address) -> InstanceType {
        self.map_instance_type(self.map_of(addr))
    }

    /// Size and tagged range of the object at `addr` (V8's `SizeFromMap` + body descriptor).
    #[inline]
    pub fn body(&self, addr: Address) -> Body {
        self.body_with_map(addr, self.map_of(addr))
    }

    pub(crate) fn body_with_map(&self, addr: Address, map: Address) -> Body {
        use InstanceType::*;
        let ty = self.map_instance_type(map);
        let (size_words, tagged_end) = match ty {
            t if t.is_fixed_array_like() => {
                let n = 2 + self.word(addr, 1).smi_value() as usize;
                (n, n)
            }
            SeqOneByteString => (
                3 + crate::object::round_words(self.word(addr, 1).smi_value() as usize),
                3,
            ),
            SeqTwoByteString => (
                3 + crate::object::round_words(2 * self.word(addr, 1).smi_value() as usize),
                3,
            ),
            Code => {
                let n = crate::object::code::HEADER_WORDS;
                (
                    n + crate::object::round_words(self.word(addr, 1).smi_value() as usize),
                    n,
                )
            }
            HeapNumber => (2, 1),
            Oddball => (
                crate::object::js_object::ODDBALL_WORDS,
                crate::object::js_object::ODDBALL_WORDS - 1,
            ),
            FreeSpace => (self.word(addr, 1).smi_value() as usize / 8, 1),
            OnePointerFiller => (1, 1),
            TwoPointerFiller => (2, 1),
            _ => {
                let n = self.word(map, map::INSTANCE_SIZE).smi_value() as usize / 8;
                (n, n)
            }
        };
        Body {
            ty,
            size_words,
            tagged_end,
        }
    }

    /// Self size in bytes.
    pub fn size_of(&self, addr: Address) -> usize {
        self.body(addr).size_bytes()
    }

    /// The space holding `addr`, if any.
    pub fn space_of(&self, addr: Address) -> Option<SpaceId> {
        self.mem.space_of(addr)
    }

    pub fn in_new_space(&self, addr: Address) -> bool {
        self.new_space.contains(addr)
    }

    /// Bytes of to-space below the age mark: objects there have survived one scavenge.
    pub fn age_mark(&self) -> Address {
        self.new_space.start() + self.new_space.age_mark as u64
    }

    /// Whether a new-space object has survived one scavenge (it is promoted by the next).
    pub fn survived_once(&self, addr: Address) -> bool {
        chunk_of(addr) == self.new_space.to_chunk() && addr < self.age_mark()
    }

    // ----- ids -------------------------------------------------------------------------------

    /// The stable id of the object at `addr`, assigned on first request and carried across
    /// moves (see [`crate::heap::ids`]).
    pub fn object_id(&mut self, addr: Address) -> u32 {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        let id = self.mem.chunk(c).ids[w];
        if id != 0 {
            return id;
        }
        let id = self.ids.next_id();
        self.mem.chunk_mut(c).ids[w] = id;
        id
    }

    /// The id of the object at `addr` if it has one.
    pub fn existing_object_id(&self, addr: Address) -> Option<u32> {
        let id = self.mem.chunk(chunk_of(addr)).ids[word_offset(addr)];
        (id != 0).then_some(id)
    }

    // ----- sizes -----------------------------------------------------------------------------

    /// Bytes of the old generation: committed pages of the paged spaces plus large objects.
    pub fn old_generation_size(&self) -> usize {
        self.old_space.committed()
            + self.code_space.committed()
            + self.map_space.committed()
            + self.lo_space.size
    }

    /// Bytes in objects, per space.
    pub fn space_used(&self, s: SpaceId) -> usize {
        match s {
            SpaceId::New => self.new_space.top,
            SpaceId::Old => self.old_space.used(),
            SpaceId::Code => self.code_space.used(),
            SpaceId::Map => self.map_space.used(),
            SpaceId::LargeObject => self.lo_space.size,
        }
    }

    /// Bytes reserved, per space (new space: both semi-spaces).
    pub fn space_committed(&self, s: SpaceId) -> usize {
        match s {
            SpaceId::New => 2 * self.new_space.capacity,
            SpaceId::Old => self.old_space.committed(),
            SpaceId::Code => self.code_space.committed(),
            SpaceId::Map => self.map_space.committed(),
            SpaceId::LargeObject => self.lo_space.size,
        }
    }

    /// Current capacity of one semi-space.
    pub fn semi_space_capacity(&self) -> usize {
        self.new_space.capacity
    }

    // ----- allocation ------------------------------------------------------------------------

    /// Reserves `bytes` (a multiple of 8) in `space`. May run a scavenge first (stress
    /// interval, or new space full); the caller initialises every word of the result.
    pub(crate) fn allocate_raw(
        &mut self,
        bytes: usize,
        space: AllocSpace,
    ) -> Result<Address, HeapError> {
        debug_assert!(bytes % 8 == 0 && bytes >= 8);
        self.allocations += 1;
        if let Some(n) = self.gc_interval {
            if !self.in_gc && self.allocations % n == 0 {
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
        if bytes > self.profile.large_object_threshold {
            let used = self.old_generation_size();
            if used + bytes > self.profile.max_old_generation || bytes > MAX_CHUNK_BYTES {
                return Err(self.oom("large_object_space", bytes));
            }
            return Ok(self.lo_space.allocate(&mut self.mem, bytes));
        }
        let a = match space {
            AllocSpace::Young => match self.new_space.allocate(bytes) {
                Some(a) => a,
                None => {
                    if !self.in_gc {
                        self.scavenge(GcReason::AllocationFailure);
                    }
                    match self.new_space.allocate(bytes) {
                        Some(a) => a,
                        // Survivors fill the semi-space: the object is allocated old, as V8
                        // does when a young allocation fails after GC.
                        None => self.allocate_paged(SpaceId::Old, bytes)?,
                    }
                }
            },
            AllocSpace::Old => self.allocate_paged(SpaceId::Old, bytes)?,
            AllocSpace::Code => self.allocate_paged(SpaceId::Code, bytes)?,
            AllocSpace::Map => self.allocate_paged(
                if self.profile.map_space {
                    SpaceId::Map
                } else {
                    SpaceId::Old
                },
                bytes,
            )?,
        };
        Ok(a)
    }

    /// Free-list / bump allocation in a paged space, within the old-generation limit.
    pub(crate) fn allocate_paged(
        &mut self,
        s: SpaceId,
        bytes: usize,
    ) -> Result<Address, HeapError> {
        let may_add =
            self.old_generation_size() + self.profile.page_size <= self.profile.max_old_generation;
        let fillers = self.fillers();
        let space = match s {
            SpaceId::Old => &mut self.old_space,
            SpaceId::Code => &mut self.code_space,
            SpaceId::Map => &mut self.map_space,
            _ => unreachable!("not a paged space"),
        };
        space
            .allocate(&mut self.mem, bytes, &fillers, may_add)
            .ok_or_else(|| self.oom(s.v8_name(), bytes))
    }

    fn oom(&self, space: &'static str, requested: usize) -> HeapError {
        HeapError::OutOfMemory {
            space,
            requested,
            used: self.old_generation_size(),
            limit: self.profile.max_old_generation,
        }
    }

    // ----- iteration -------------------------------------------------------------------------

    /// Every object in the heap (fillers skipped), space by space in [`SpaceId`] order: new
    /// space (to-space, bottom to top), the pages of old, code and map space, then large
    /// objects. The heap must not be mid-GC.
    pub fn objects(&self) -> ObjectIter<'_> {
        let mut ranges = vec![(self.new_space.to_chunk(), self.new_space.top / 8)];
        for s in [&self.old_space, &self.code_space, &self.map_space] {
            ranges.extend(s.pages.iter().zip(&s.tops).map(|(&c, &t)| (c, t / 8)));
        }
        ranges.extend(
            self.lo_space
                .chunks
                .iter()
                .map(|&c| (c, self.mem.chunk(c).words.len())),
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
            .filter(move |&a| self.mem.space_of(a) == Some(s))
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
