//! A random mutator: programs of allocations, stores and root changes for stress-testing
//! the collector, shared by the property tests and `heapsim stress`. In the spirit of V8's
//! `--stress-*` test modes and MMTk's mutator-driven tests.
//!
//! A program is a list of [`Op`]s over 32 local handles (one handle scope, the program's
//! "locals") and up to 16 global handles. Every op is valid in every state — an op on an
//! empty local or an unsuitable object does nothing — so any list of ops is a program and
//! property tests can shrink them freely. [`Op::decode`] turns one `u64` into an op with
//! fixed weights; [`Program::random`] draws a program from a seed (SplitMix64), so a seed
//! and a step number reproduce any run exactly.

use crate::events::GcReason;
use crate::heap::roots::{GlobalHandle, Handle};
use crate::heap::tagged::Tagged;
use crate::heap::{Heap, HeapError};
use crate::object::closure::SourcePosition;
use crate::object::collections::TABLE;
use crate::object::InstanceType;
use crate::verify::verifier::VerifyError;

/// Local handle slots of a program.
pub const LOCALS: usize = 32;
/// Global handle slots of a program.
pub const GLOBALS: usize = 16;
const CLASSES: [&str; 4] = ["Client", "Request", "Timeout", "Module"];
/// Entries a `Map`, `Set` or `WeakMap` of a program holds at most: a store into a full one
/// deletes its oldest entry first. Every other object has a bounded number of slots, so this
/// bounds the live heap, and the cost of an op (the verifier and full GCs walk the live heap)
/// stays flat however long the program runs (issue 16); deleting also exercises the tables'
/// holes.
const COLLECTION_CAP: usize = 32;
/// Named properties `p0`…`p11` a program stores into objects and functions.
const PROPERTIES: usize = 12;

/// What an allocation op creates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Alloc {
    /// A JS object of one of four classes with `inobject` in-object slots.
    Object { class: u8, inobject: u8 },
    /// A JS array of length `len`.
    Array { len: u16 },
    /// A sequential string of `len` characters.
    Str { len: u16 },
    /// `a + b` of two locals (when both are strings).
    Cons { a: u8, b: u8 },
    /// A substring of a local string.
    Slice { of: u8, start: u16 },
    /// A heap number.
    Number { bits: u32 },
    /// A fixed array `extra` words above the large-object threshold.
    Large { extra: u16 },
    /// A closure with a fresh context of `vars` variables.
    Closure { vars: u8 },
    /// A `Map`, `Set` or `WeakMap`.
    Collection { kind: u8 },
}

/// One mutator step.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    /// Allocate into local `dst`.
    Alloc { dst: u8, what: Alloc },
    /// Store local `value` into a field of local `host` chosen by `slot` (property, element,
    /// context variable, map entry — whatever the host has).
    Store { host: u8, value: u8, slot: u8 },
    /// `globalThis["g<slot>"] = local` (an old→new store when the local is young).
    StoreGlobal { value: u8, slot: u8 },
    /// Overwrite a local with `undefined`.
    Drop { local: u8 },
    /// Copy a local into global handle `g` (creating it if needed).
    Global { local: u8, g: u8 },
    /// Destroy global handle `g`.
    DropGlobal { g: u8 },
    /// Copy global handle `g` back into a local.
    Load { g: u8, local: u8 },
    /// An explicit scavenge.
    Scavenge,
}

impl Op {
    /// The op encoded by `x` (weights: 45 % allocations, 30 % stores, 25 % root changes and
    /// scavenges).
    pub fn decode(x: u64) -> Op {
        let b = |i: u32| (x >> (8 * i)) as u8;
        let w = |i: u32| (x >> (8 * i)) as u16;
        let pick = (x % 100) as u8;
        let dst = b(2) % LOCALS as u8;
        match pick {
            0..=11 => Op::Alloc {
                dst,
                what: Alloc::Object {
                    class: b(3) % 4,
                    inobject: b(4) % 6,
                },
            },
            12..=17 => Op::Alloc {
                dst,
                what: Alloc::Array { len: w(3) % 40 },
            },
            18..=24 => Op::Alloc {
                dst,
                what: Alloc::Str { len: w(3) % 64 },
            },
            25..=27 => Op::Alloc {
                dst,
                what: Alloc::Cons {
                    a: b(3) % LOCALS as u8,
                    b: b(4) % LOCALS as u8,
                },
            },
            28..=29 => Op::Alloc {
                dst,
                what: Alloc::Slice {
                    of: b(3) % LOCALS as u8,
                    start: w(4) % 32,
                },
            },
            30..=32 => Op::Alloc {
                dst,
                what: Alloc::Number {
                    bits: (x >> 32) as u32,
                },
            },
            33 if b(5) < 8 => Op::Alloc {
                dst,
                what: Alloc::Large { extra: w(3) % 512 },
            },
            33..=39 => Op::Alloc {
                dst,
                what: Alloc::Closure { vars: b(3) % 5 },
            },
            40..=44 => Op::Alloc {
                dst,
                what: Alloc::Collection { kind: b(3) % 3 },
            },
            45..=69 => Op::Store {
                host: b(2) % LOCALS as u8,
                value: b(3) % LOCALS as u8,
                slot: b(4),
            },
            70..=74 => Op::StoreGlobal {
                value: b(2) % LOCALS as u8,
                slot: b(3) % 24,
            },
            75..=84 => Op::Drop {
                local: b(2) % LOCALS as u8,
            },
            85..=89 => Op::Global {
                local: b(2) % LOCALS as u8,
                g: b(3) % GLOBALS as u8,
            },
            90..=93 => Op::DropGlobal {
                g: b(2) % GLOBALS as u8,
            },
            94..=97 => Op::Load {
                g: b(2) % GLOBALS as u8,
                local: b(3) % LOCALS as u8,
            },
            _ => Op::Scavenge,
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A mutator program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub ops: Vec<Op>,
}

impl Program {
    /// `n` ops drawn from `seed`.
    pub fn random(seed: u64, n: usize) -> Program {
        let mut r = SplitMix64(seed);
        Program {
            ops: (0..n).map(|_| Op::decode(r.next_u64())).collect(),
        }
    }
}

/// How to run a program.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Scavenge before every `k`-th allocation.
    pub gc_interval: Option<u64>,
    /// Verify around every GC and stop at the first failure.
    pub verify: bool,
}

/// Why a run stopped before its last op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The verifier failed during op `step` (0-based).
    VerifierFailure { step: usize, error: VerifyError },
    /// The heap ran out of memory during op `step`.
    OutOfMemory { step: usize, error: HeapError },
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Ops executed (including the one that failed, if any).
    pub ops: usize,
    pub allocations: u64,
    pub scavenges: usize,
    /// Full GCs (mark-sweep / mark-compact, [`crate::old_gen::mark_compact`]).
    pub full_gcs: usize,
    pub objects_copied: usize,
    pub promoted: usize,
    pub bytes_copied: usize,
    pub bytes_promoted: usize,
    pub verifier_checks: u64,
    pub stop: Option<Stop>,
}

/// The mutator's state on one heap.
pub struct Mutator {
    locals: Vec<Handle>,
    globals: Vec<Option<GlobalHandle>>,
    scope: crate::heap::roots::HandleScope,
}

impl Mutator {
    /// Opens the program's handle scope with all locals `undefined`.
    pub fn new(heap: &mut Heap) -> Mutator {
        let scope = heap.open_handle_scope();
        let u = heap.undefined_value();
        let locals = (0..LOCALS).map(|_| heap.handle(u)).collect();
        Mutator {
            locals,
            globals: vec![None; GLOBALS],
            scope,
        }
    }

    /// Closes the scope and destroys the globals, leaving the heap without the program's
    /// roots.
    pub fn finish(self, heap: &mut Heap) {
        for g in self.globals.into_iter().flatten() {
            heap.destroy_global_handle(g);
        }
        heap.close_handle_scope(self.scope);
    }

    /// The current value of local `i`.
    pub fn local(&self, heap: &Heap, i: usize) -> Tagged {
        heap.get(self.locals[i])
    }

    /// Executes one op.
    pub fn step(&mut self, heap: &mut Heap, op: Op) -> Result<(), HeapError> {
        match op {
            Op::Alloc { dst, what } => {
                let v = self.alloc(heap, what)?;
                heap.set_handle(self.locals[dst as usize], v);
            }
            Op::Store { host, value, slot } => {
                self.store(heap, host as usize, value as usize, slot)?
            }
            Op::StoreGlobal { value, slot } => {
                let v = heap.get(self.locals[value as usize]);
                let g = heap.global();
                heap.set_property(g, &format!("g{slot}"), v)?;
            }
            Op::Drop { local } => {
                let u = heap.undefined_value();
                heap.set_handle(self.locals[local as usize], u);
            }
            Op::Global { local, g } => {
                let v = heap.get(self.locals[local as usize]);
                if let Some(old) = self.globals[g as usize].take() {
                    heap.destroy_global_handle(old);
                }
                self.globals[g as usize] = Some(heap.new_global_handle(v));
            }
            Op::DropGlobal { g } => {
                if let Some(old) = self.globals[g as usize].take() {
                    heap.destroy_global_handle(old);
                }
            }
            Op::Load { g, local } => {
                if let Some(h) = self.globals[g as usize] {
                    let v = heap.get_global(h);
                    heap.set_handle(self.locals[local as usize], v);
                }
            }
            Op::Scavenge => {
                heap.scavenge(GcReason::Explicit);
            }
        }
        Ok(())
    }

    fn alloc(&mut self, heap: &mut Heap, what: Alloc) -> Result<Tagged, HeapError> {
        let local = |heap: &Heap, i: u8| heap.get(self.locals[i as usize % LOCALS]);
        let is_string =
            |heap: &Heap, v: Tagged| v.is_heap_object() && heap.instance_type(v.addr()).is_string();
        Ok(match what {
            Alloc::Object { class, inobject } => {
                heap.alloc_object_of_class(CLASSES[class as usize % 4], inobject as usize)?
            }
            Alloc::Array { len } => heap.alloc_array(len as usize)?,
            Alloc::Str { len } => {
                let s: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
                heap.alloc_string(&s)?
            }
            Alloc::Cons { a, b } => {
                let (x, y) = (local(heap, a), local(heap, b));
                if is_string(heap, x) && is_string(heap, y) {
                    heap.alloc_cons_string(x, y)?
                } else {
                    heap.alloc_string("cons operand was not a string")?
                }
            }
            Alloc::Slice { of, start } => {
                let s = local(heap, of);
                if is_string(heap, s) {
                    let n = heap.string_length(s.addr());
                    let st = (start as usize).min(n);
                    heap.alloc_sliced_string(s, st, n - st)?
                } else {
                    heap.alloc_string("")?
                }
            }
            Alloc::Number { bits } => heap.alloc_heap_number(bits as f64 + 0.5)?,
            Alloc::Large { extra } => {
                let words = heap.profile().large_object_threshold / 8 + extra as usize;
                heap.alloc_fixed_array(words)?
            }
            Alloc::Closure { vars } => {
                let names: Vec<String> = (0..vars).map(|i| format!("v{i}")).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let u = heap.undefined_value();
                let ctx = heap.alloc_context(u, &names)?;
                let scope = heap.open_handle_scope();
                let hc = heap.handle(ctx);
                let r = heap
                    .alloc_shared_function_info(
                        "onEvent",
                        "mutator.js",
                        SourcePosition {
                            line: vars as u32,
                            column: 4,
                        },
                        1,
                    )
                    .and_then(|sfi| {
                        let ctx = heap.get(hc);
                        heap.alloc_closure(sfi, ctx)
                    });
                heap.close_handle_scope(scope);
                r?
            }
            Alloc::Collection { kind } => match kind % 3 {
                0 => heap.alloc_js_map()?,
                1 => heap.alloc_js_set()?,
                _ => heap.alloc_js_weak_map()?,
            },
        })
    }

    fn store(
        &mut self,
        heap: &mut Heap,
        host: usize,
        value: usize,
        slot: u8,
    ) -> Result<(), HeapError> {
        let h = heap.get(self.locals[host]);
        let v = heap.get(self.locals[value]);
        if !h.is_heap_object() {
            return Ok(());
        }
        let ty = heap.instance_type(h.addr());
        // Weak stress mode (see `OldGenConfig::weak_stores`): odd slots of arrays hold weak
        // references, as a `WeakRef` or V8's weak arrays would.
        let v = if heap.old_gen_config().weak_stores
            && slot % 2 == 1
            && v.is_strong()
            && matches!(ty, InstanceType::JSArray | InstanceType::FixedArray)
        {
            Tagged::weak(v.addr())
        } else {
            v
        };
        let collection = matches!(
            ty,
            InstanceType::JSMap | InstanceType::JSSet | InstanceType::JSWeakMap
        );
        if collection && heap.collection_size(h) >= COLLECTION_CAP {
            let table = heap.word(h.addr(), TABLE).addr();
            let oldest = heap.table_entries(table).next().map(|(_, k, _)| k);
            if let Some(k) = oldest {
                heap.collection_delete(h, k);
            }
        }
        match ty {
            InstanceType::JSObject | InstanceType::JSFunction => {
                heap.set_property(h, &property_name(heap, h, slot), v)
            }
            InstanceType::JSArray => {
                let n = heap.array_length(h);
                heap.array_set(h, slot as usize % (n + 4), v)
            }
            InstanceType::FixedArray => {
                let n = heap.fixed_array_length(h.addr());
                if n > 0 {
                    heap.fixed_array_set(h, slot as usize % n, v);
                }
                Ok(())
            }
            InstanceType::JSMap => {
                if slot.is_multiple_of(2) {
                    heap.collection_set(h, v, Tagged::smi(slot as i32))
                } else {
                    heap.collection_set(h, Tagged::smi(slot as i32), v)
                }
            }
            InstanceType::JSSet => heap.collection_set(h, v, Tagged::ZERO),
            InstanceType::JSWeakMap => {
                if v.is_heap_object() && heap.instance_type(v.addr()).is_js_object() {
                    let other = heap.get(self.locals[(value + 1) % LOCALS]);
                    heap.collection_set(h, v, other)
                } else {
                    Ok(())
                }
            }
            InstanceType::Context => {
                let n = heap.context_variable_count(h.addr());
                if n > 0 {
                    heap.context_set(h, slot as usize % n, v);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// The property a store with `slot` writes on object `h`: `p<slot % 12>` if the object has
/// every property before it, else the first one it lacks. So objects gain their properties
/// in one order and each class's map transitions form one chain of at most 12 maps. In
/// random orders they would grow a transition tree (strong in the simulator) that keeps
/// gaining maps however long the program runs: the live heap, which the verifier and the
/// full GCs walk, would grow with the ops (issue 16).
fn property_name(heap: &Heap, h: Tagged, slot: u8) -> String {
    let k = slot as usize % PROPERTIES;
    let first_missing = (0..k).find(|j| heap.get_property(h, &format!("p{j}")).is_none());
    format!("p{}", first_missing.unwrap_or(k))
}

/// Runs `program` on `heap` and reports what happened. Stops at the first verifier failure
/// (with `verify`) or out-of-memory error.
pub fn run(heap: &mut Heap, program: &Program, opts: RunOptions) -> Outcome {
    run_ops(heap, program.ops.iter().copied(), opts)
}

/// Runs the `n`-op program of `seed` without materialising it (for long stress runs).
pub fn run_seeded(heap: &mut Heap, seed: u64, n: usize, opts: RunOptions) -> Outcome {
    let mut r = SplitMix64(seed);
    run_ops(heap, (0..n).map(|_| Op::decode(r.next_u64())), opts)
}

/// Runs a stream of ops; see [`run`].
pub fn run_ops(heap: &mut Heap, ops: impl IntoIterator<Item = Op>, opts: RunOptions) -> Outcome {
    heap.set_gc_interval(opts.gc_interval);
    heap.set_verify_heap(opts.verify);
    let events0 = heap.events().len();
    let allocs0 = heap.allocation_count();
    let checks0 = heap.verifier_stats().checks;
    let failures0 = heap.verifier_stats().failures.len();
    let mut m = Mutator::new(heap);
    let mut out = Outcome::default();
    for (step, op) in ops.into_iter().enumerate() {
        out.ops = step + 1;
        if let Err(error) = m.step(heap, op) {
            out.stop = Some(Stop::OutOfMemory { step, error });
            break;
        }
        if let Some(error) = heap.verifier_stats().failures.get(failures0) {
            out.stop = Some(Stop::VerifierFailure {
                step,
                error: error.clone(),
            });
            break;
        }
    }
    m.finish(heap);
    for e in &heap.events()[events0..] {
        if e.kind == crate::events::GcKind::Scavenge {
            out.scavenges += 1;
        } else {
            out.full_gcs += 1;
        }
        out.objects_copied += e.objects_copied;
        out.promoted += e.objects_promoted;
        out.bytes_copied += e.bytes_copied;
        out.bytes_promoted += e.bytes_promoted;
    }
    out.allocations = heap.allocation_count() - allocs0;
    out.verifier_checks = heap.verifier_stats().checks - checks0;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_reproducible_from_their_seed() {
        assert_eq!(Program::random(7, 100), Program::random(7, 100));
        assert_ne!(Program::random(7, 100), Program::random(8, 100));
        let (mut h1, mut h2) = (
            Heap::new(crate::Profile::v8_6()),
            Heap::new(crate::Profile::v8_6()),
        );
        let o1 = run(
            &mut h1,
            &Program::random(9, 500),
            RunOptions {
                gc_interval: Some(7),
                verify: false,
            },
        );
        let o2 = run_seeded(
            &mut h2,
            9,
            500,
            RunOptions {
                gc_interval: Some(7),
                verify: false,
            },
        );
        assert_eq!(o1, o2, "streamed and materialised programs run alike");
        let p = Program::random(1, 20_000);
        let count = |f: fn(&Op) -> bool| p.ops.iter().filter(|o| f(o)).count();
        assert!(count(|o| matches!(o, Op::Alloc { .. })) > 8000);
        assert!(count(|o| matches!(o, Op::Store { .. })) > 4000);
        assert!(
            count(|o| matches!(
                o,
                Op::Alloc {
                    what: Alloc::Large { .. },
                    ..
                }
            )) > 0
        );
        assert!(count(|o| matches!(o, Op::Scavenge)) > 0);
    }
}
