//! Random but V8-shaped heaps of a chosen size, for `heapsim generate` and the `proptest`
//! strategy ([`crate::heap_strategy`]): test data for heap tools whose ground truth is known.
//! (It lives in the simulator so that the strategy can build them; `scenarios::shapes`
//! re-exports it.)
//!
//! Every shape is built through the simulator's public API (so every object is real: maps,
//! backing stores, contexts, hash tables, write barrier, scavenges with promotion), keeping
//! what must survive reachable from a global handle and dropping the rest — which becomes
//! garbage that `--no-gc` snapshots show. (`heapsim generate` builds them in bulk,
//! [`Heap::in_bulk`]: straight into old space and without collections until the snapshot's
//! full GC, so its `--no-gc` snapshots show all of that garbage.)
//!
//! * `heap`: an application-like graph — class instances (`Record0`…`Record49`) with string,
//!   number and array properties in bucket arrays, closures over contexts that capture
//!   records (with source locations), `Map`s keyed by strings, concatenated strings,
//!   `WeakMap` entries (some keys kept, some dropped), an occasional large array (large-object
//!   space), and some garbage;
//! * `chains`: linked lists (`next` properties), the longest hundreds of thousands deep — the
//!   case recursive tools die on;
//! * `wide`: fan-out — arrays of up to 100 000 small objects under one holder;
//! * `weak`: `WeakMap`/`WeakSet` heavy: ephemeron tables whose keys live elsewhere, die, or
//!   are themselves WeakMap values;
//! * `mixed`: all of the above interleaved.
//!
//! Sizes are counted in allocations ([`Heap::allocation_count`]), which includes backing
//! stores and hash tables, so `objects` is the number of heap objects created, not the
//! number that survive.

use std::str::FromStr;

use crate::object::closure::SourcePosition;
use crate::{Handle, Heap, HeapError, Tagged};

/// Which kind of heap to build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    #[default]
    Heap,
    Chains,
    Wide,
    Weak,
    Mixed,
}

impl Shape {
    pub const ALL: [Shape; 5] = [
        Shape::Heap,
        Shape::Chains,
        Shape::Wide,
        Shape::Weak,
        Shape::Mixed,
    ];

    /// The name `--shape` takes.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Heap => "heap",
            Shape::Chains => "chains",
            Shape::Wide => "wide",
            Shape::Weak => "weak",
            Shape::Mixed => "mixed",
        }
    }
}

impl FromStr for Shape {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Shape::ALL
            .into_iter()
            .find(|shape| shape.name() == s)
            .ok_or_else(|| {
                format!("unknown shape {s:?} (expected heap, chains, wide, weak or mixed)")
            })
    }
}

/// xorshift64: deterministic per seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Long-lived holders, reachable from the global object.
struct Holders {
    /// `global.app`.
    app: Handle,
    /// Current bucket array of records.
    bucket: Handle,
    /// `app.buckets`: array of buckets.
    buckets: Handle,
    /// `app.listeners`: closures.
    listeners: Handle,
    /// `app.cache`: a `Map`.
    cache: Handle,
    /// `app.meta`: a `WeakMap`.
    weak: Handle,
    /// `app.keys`: keys kept alive.
    keys: Handle,
    /// Current chain head (`app.chains[i]`).
    chains: Handle,
    /// Shared function infos to make closures from.
    sfis: Vec<Handle>,
    /// Last record made (captured by closures, linked by chains).
    last: Handle,
}

const BUCKET: usize = 1000;
const WIDE: usize = 100_000;

/// Builds a heap of about `objects` allocations in `heap`.
pub fn build(heap: &mut Heap, shape: Shape, objects: u64, seed: u64) -> Result<(), HeapError> {
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    // The holders' handles live for the whole build and are dropped at the end: what
    // survives is what `global.app` reaches, as in a program between events.
    let outer = heap.open_handle_scope();
    let h = holders(heap)?;
    let start = heap.allocation_count();
    let mut i: u64 = 0;
    let mut chain_len = 0u64;
    let mut wide_len = 0usize;
    while heap.allocation_count() - start < objects {
        let scope = heap.open_handle_scope();
        let kind = match shape {
            Shape::Heap => rng.below(100),
            Shape::Chains => 200,
            Shape::Wide => 300,
            Shape::Weak => 400 + rng.below(10),
            Shape::Mixed => [rng.below(100), 200, 300, 400 + rng.below(10)][rng.below(4) as usize],
        };
        let r = match kind {
            0..=54 => record(heap, &h, &mut rng, i),
            55..=69 => closure(heap, &h, &mut rng, i),
            70..=79 => cache_entry(heap, &h, i),
            80..=87 => cons(heap, &h, i),
            88..=93 => weak_entry(heap, &h, &mut rng, i),
            94..=98 => garbage(heap, i),
            99 => {
                if rng.below(200) == 0 {
                    large(heap, &h)
                } else {
                    record(heap, &h, &mut rng, i)
                }
            }
            200 => {
                // Chains get long: a new chain only every ~500 000 links.
                if chain_len > 0 && rng.below(500_000) == 0 {
                    chain_len = 0;
                    new_chain(heap, &h)
                } else {
                    chain_len += 1;
                    link(heap, &h, i)
                }
            }
            300 => {
                if wide_len >= WIDE {
                    wide_len = 0;
                    new_bucket(heap, &h)
                } else {
                    wide_len += 1;
                    small(heap, &h, i)
                }
            }
            _ => weak_entry(heap, &h, &mut rng, i),
        };
        heap.close_handle_scope(scope);
        r?;
        i += 1;
    }
    heap.close_handle_scope(outer);
    Ok(())
}

fn holders(heap: &mut Heap) -> Result<Holders, HeapError> {
    let app = heap.alloc_object_of_class("App", 4)?;
    let app = heap.handle(app);
    let global = heap.global();
    heap.set_property(global, "app", heap.get(app))?;
    let prop = |heap: &mut Heap, name: &str, v: Tagged| -> Result<Handle, HeapError> {
        let hv = heap.handle(v);
        let a = heap.get(app);
        heap.set_property(a, name, heap.get(hv))?;
        Ok(hv)
    };
    let v = heap.alloc_array(0)?;
    let buckets = prop(heap, "buckets", v)?;
    let v = heap.alloc_array(0)?;
    let bucket = heap.handle(v);
    heap.array_push(heap.get(buckets), heap.get(bucket))?;
    let v = heap.alloc_array(0)?;
    let listeners = prop(heap, "listeners", v)?;
    let v = heap.alloc_js_map()?;
    let cache = prop(heap, "cache", v)?;
    let v = heap.alloc_js_weak_map()?;
    let weak = prop(heap, "meta", v)?;
    let v = heap.alloc_array(0)?;
    let keys = prop(heap, "keys", v)?;
    let v = heap.alloc_array(0)?;
    let chains = prop(heap, "chains", v)?;
    let v = heap.alloc_object_of_class("Node", 2)?;
    let last = heap.handle(v);
    heap.array_push(heap.get(chains), heap.get(last))?;
    let mut sfis = Vec::new();
    for k in 0..20u32 {
        let s = heap.alloc_shared_function_info(
            &format!("handler{k}"),
            "/srv/app/server.js",
            SourcePosition {
                line: 10 + 7 * k,
                column: 2 + k % 5,
            },
            1,
        )?;
        sfis.push(heap.handle(s));
    }
    Ok(Holders {
        app,
        bucket,
        buckets,
        listeners,
        cache,
        weak,
        keys,
        chains,
        sfis,
        last,
    })
}

fn record(heap: &mut Heap, h: &Holders, rng: &mut Rng, i: u64) -> Result<(), HeapError> {
    let o = heap.alloc_object_of_class(&format!("Record{}", i % 50), 3)?;
    let ho = heap.handle(o);
    let s = heap.alloc_string(&format!("record-{i}"))?;
    heap.set_property(heap.get(ho), "name", s)?;
    let n = heap.number(i as f64 + 0.5)?;
    heap.set_property(heap.get(ho), "value", n)?;
    if rng.below(3) == 0 {
        let tags = heap.alloc_array(0)?;
        let ht = heap.handle(tags);
        for t in 0..rng.below(4) {
            let s = heap.alloc_string(&format!("tag{}", (i + t) % 97))?;
            heap.array_push(heap.get(ht), s)?;
        }
        heap.set_property(heap.get(ho), "tags", heap.get(ht))?;
    }
    let b = heap.get(h.bucket);
    if heap.array_length(b) >= BUCKET {
        new_bucket(heap, h)?;
    }
    heap.array_push(heap.get(h.bucket), heap.get(ho))?;
    heap.set_handle(h.last, heap.get(ho));
    Ok(())
}

fn new_bucket(heap: &mut Heap, h: &Holders) -> Result<(), HeapError> {
    let b = heap.alloc_array(0)?;
    heap.set_handle(h.bucket, b);
    heap.array_push(heap.get(h.buckets), heap.get(h.bucket))?;
    Ok(())
}

fn small(heap: &mut Heap, h: &Holders, i: u64) -> Result<(), HeapError> {
    let o = heap.alloc_object_of_class("Item", 1)?;
    let ho = heap.handle(o);
    heap.set_property(heap.get(ho), "n", Tagged::smi((i % 1_000_000) as i32))?;
    heap.array_push(heap.get(h.bucket), heap.get(ho))?;
    Ok(())
}

fn closure(heap: &mut Heap, h: &Holders, rng: &mut Rng, i: u64) -> Result<(), HeapError> {
    let prev = heap.native_context();
    let ctx = heap.alloc_context(prev, &["captured", "count"])?;
    let hc = heap.handle(ctx);
    heap.context_set(heap.get(hc), 0, heap.get(h.last));
    heap.context_set(heap.get(hc), 1, Tagged::smi((i % 1000) as i32));
    let sfi = heap.get(h.sfis[rng.below(h.sfis.len() as u64) as usize]);
    let f = heap.alloc_closure(sfi, heap.get(hc))?;
    heap.array_push(heap.get(h.listeners), f)?;
    Ok(())
}

fn cache_entry(heap: &mut Heap, h: &Holders, i: u64) -> Result<(), HeapError> {
    let k = heap.alloc_string(&format!("key:{}", i % 5000))?;
    let hk = heap.handle(k);
    let v = heap.alloc_object_of_class("CacheEntry", 2)?;
    let hv = heap.handle(v);
    heap.set_property(heap.get(hv), "hits", Tagged::smi((i % 100) as i32))?;
    heap.collection_set(heap.get(h.cache), heap.get(hk), heap.get(hv))?;
    Ok(())
}

fn cons(heap: &mut Heap, h: &Holders, i: u64) -> Result<(), HeapError> {
    let a = heap.alloc_string(&format!("GET /api/items/{i}?page="))?;
    let ha = heap.handle(a);
    let b = heap.alloc_string(&format!("{} HTTP/1.1 and a long enough tail", i % 10))?;
    let c = heap.alloc_cons_string(heap.get(ha), b)?;
    let o = heap.alloc_object_of_class("Request", 1)?;
    let ho = heap.handle(o);
    heap.set_property(heap.get(ho), "url", c)?;
    heap.array_push(heap.get(h.bucket), heap.get(ho))?;
    Ok(())
}

fn weak_entry(heap: &mut Heap, h: &Holders, rng: &mut Rng, i: u64) -> Result<(), HeapError> {
    let k = heap.alloc_object_of_class("Key", 1)?;
    let hk = heap.handle(k);
    let v = heap.alloc_object_of_class("Meta", 2)?;
    let hv = heap.handle(v);
    heap.set_property(heap.get(hv), "seq", Tagged::smi((i % 1_000_000) as i32))?;
    match rng.below(4) {
        // Key kept alive elsewhere: the value lives through the ephemeron.
        0 | 1 => {
            heap.array_push(heap.get(h.keys), heap.get(hk))?;
        }
        // Key dropped, but the value links to the last record (kept alive only while
        // the entry is).
        2 => {
            let prev = heap.get(h.last);
            if prev.is_heap_object() {
                heap.set_property(heap.get(hv), "next", prev)?;
            }
        }
        // Key dropped: the entry dies with the next full GC.
        _ => {}
    }
    heap.collection_set(heap.get(h.weak), heap.get(hk), heap.get(hv))?;
    if rng.below(50) == 0 {
        // A fresh WeakMap now and then, held by the app.
        let w = heap.alloc_js_weak_map()?;
        heap.set_handle(h.weak, w);
        heap.array_push(heap.get(h.keys), heap.get(h.weak))?;
    }
    Ok(())
}

fn garbage(heap: &mut Heap, i: u64) -> Result<(), HeapError> {
    let o = heap.alloc_object_of_class("Temp", 2)?;
    let ho = heap.handle(o);
    let s = heap.alloc_string(&format!("temp-{i}"))?;
    heap.set_property(heap.get(ho), "s", s)?;
    Ok(())
}

fn large(heap: &mut Heap, h: &Holders) -> Result<(), HeapError> {
    let a = heap.alloc_array(70_000)?;
    let ha = heap.handle(a);
    let o = heap.get(h.app);
    heap.set_property(o, "big", heap.get(ha))?;
    Ok(())
}

fn new_chain(heap: &mut Heap, h: &Holders) -> Result<(), HeapError> {
    let n = heap.alloc_object_of_class("Node", 2)?;
    heap.set_handle(h.last, n);
    heap.array_push(heap.get(h.chains), heap.get(h.last))?;
    Ok(())
}

fn link(heap: &mut Heap, h: &Holders, i: u64) -> Result<(), HeapError> {
    let n = heap.alloc_object_of_class("Node", 2)?;
    let hn = heap.handle(n);
    heap.set_property(heap.get(hn), "value", Tagged::smi((i % 1_000_000) as i32))?;
    heap.set_property(heap.get(h.last), "next", heap.get(hn))?;
    heap.set_handle(h.last, heap.get(hn));
    Ok(())
}
