//! The simulator heaps the `sim_snapshots_*` suites check, and writing their snapshots.
//!
//! Hand-built heaps — WeakMaps/WeakSets, closures over context chains, large objects and
//! garbage — are checked in all three formats, with and without the GC before the
//! snapshot; random heaps (`shapes`), one per shape, in one format each.
#![allow(dead_code)] // each suite uses a part

use std::path::{Path, PathBuf};

use format::{Format, WriteStats};
use scenarios::shapes::{self, Shape};
use sim::snapshot::{write_heap_snapshot, Prepared, SnapshotOptions};
use sim::{Heap, Profile, Tagged};

/// Builds one heap.
pub type Build = fn() -> Heap;

/// The hand-built heaps, by test name.
pub const HAND_BUILT: [(&str, Build); 3] = [
    ("sim_weakmaps", weakmaps),
    ("sim_closures", closures),
    ("sim_large_objects", large_objects),
];

/// Defines a suite's tests over every heap — `sim_weakmaps`, `sim_closures`,
/// `sim_large_objects` (each in every format) and `sim_random_heaps` — each calling
/// `$check(&toolchain, name, heap, format, gc)` for every `gc` in `$gcs`. The suite declares
/// the interop module as `interop`; without its toolchain the tests skip (`testkit`).
#[allow(unused_macros)] // not every suite needs the toolchain
macro_rules! toolchain_tests {
    ($check:ident, $gcs:expr) => {
        fn hand_built(name: &str, build: common::Build) {
            let Some(tc) = interop::Toolchain::require() else {
                return;
            };
            for format in Format::ALL {
                for gc in $gcs {
                    $check(&tc, name, build(), format, gc);
                }
            }
        }

        #[test]
        fn sim_weakmaps() {
            hand_built("sim_weakmaps", common::weakmaps);
        }

        #[test]
        fn sim_closures() {
            hand_built("sim_closures", common::closures);
        }

        #[test]
        fn sim_large_objects() {
            hand_built("sim_large_objects", common::large_objects);
        }

        #[test]
        fn sim_random_heaps() {
            let Some(tc) = interop::Toolchain::require() else {
                return;
            };
            for h in common::random_heaps() {
                for gc in $gcs {
                    $check(&tc, &h.name(), h.build(), h.format, gc);
                }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use toolchain_tests;

/// One random heap: a shape, its seed and the format it is written in.
pub struct RandomHeap {
    pub shape: Shape,
    pub seed: u64,
    pub format: Format,
}

impl RandomHeap {
    pub fn name(&self) -> String {
        format!("{:?}", self.shape)
    }

    pub fn build(&self) -> Heap {
        shaped(self.shape, 3000, self.seed)
    }
}

/// One random heap per shape, the formats taken in turn.
pub fn random_heaps() -> Vec<RandomHeap> {
    [
        Shape::Heap,
        Shape::Mixed,
        Shape::Weak,
        Shape::Chains,
        Shape::Wide,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, shape)| RandomHeap {
        shape,
        seed: 11 + i as u64,
        format: Format::ALL[i % 3],
    })
    .collect()
}

/// A snapshot written into its own temporary directory.
pub struct Written {
    pub file: PathBuf,
    /// `name (format, gc=…)`, for messages.
    pub what: String,
    pub stats: WriteStats,
    pub prepared: Prepared,
    _dir: tempfile::TempDir,
}

/// Writes `heap`'s snapshot (`HEAPSIM_KEEP_SNAPSHOTS=DIR` keeps a copy, for debugging).
pub fn write(name: &str, heap: &mut Heap, format: Format, gc: bool) -> Written {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}-{format}.heapsnapshot"));
    let opts = SnapshotOptions { format, gc };
    let f = std::fs::File::create(&file).unwrap();
    let (stats, prepared) = write_heap_snapshot(heap, f, &opts, None).unwrap();
    if let Ok(keep) = std::env::var("HEAPSIM_KEEP_SNAPSHOTS") {
        std::fs::copy(&file, Path::new(&keep).join(file.file_name().unwrap())).unwrap();
    }
    Written {
        file,
        what: format!("{name} ({format}, gc={gc})"),
        stats,
        prepared,
        _dir: dir,
    }
}

pub fn small_heap() -> Heap {
    Heap::new(Profile::modern())
}

/// Hand-built: WeakMaps whose keys live, die, or are held only by another WeakMap's value;
/// a WeakSet; a value that points back at its own key.
pub fn weakmaps() -> Heap {
    let mut h = small_heap();
    let global = h.global();
    let wm = h.alloc_js_weak_map().unwrap();
    h.set_property(global, "wm", wm).unwrap();
    let keep = h.alloc_array(0).unwrap();
    let global = h.global();
    h.set_property(global, "keep", keep).unwrap();
    for i in 0..12 {
        let scope = h.open_handle_scope();
        let k = h.alloc_object_of_class("Key", 1).unwrap();
        let hk = h.handle(k);
        let v = h.alloc_object_of_class("Value", 2).unwrap();
        let hv = h.handle(v);
        let payload = h.alloc_string(&format!("payload number {i}")).unwrap();
        h.set_property(h.get(hv), "payload", payload).unwrap();
        if i % 4 == 3 {
            // The value refers to its own key: only the ephemeron keeps either alive.
            h.set_property(h.get(hv), "key", h.get(hk)).unwrap();
        }
        let wm = h.get_property(h.global(), "wm").unwrap();
        h.collection_set(wm, h.get(hk), h.get(hv)).unwrap();
        if i % 2 == 0 {
            let keep = h.get_property(h.global(), "keep").unwrap();
            h.array_push(keep, h.get(hk)).unwrap();
        }
        h.close_handle_scope(scope);
    }
    let ws = h.alloc_js_weak_set().unwrap();
    let hws = h.handle(ws);
    let member = h.alloc_object_of_class("Member", 1).unwrap();
    h.collection_set(h.get(hws), member, h.true_value())
        .unwrap();
    let global = h.global();
    h.set_property(global, "ws", h.get(hws)).unwrap();
    h
}

/// Hand-built: closures over a chain of contexts (with source positions), sharing one
/// captured object, plus garbage closures.
pub fn closures() -> Heap {
    use sim::object::closure::SourcePosition;
    let mut h = small_heap();
    let listeners = h.alloc_array(0).unwrap();
    let global = h.global();
    h.set_property(global, "listeners", listeners).unwrap();
    let shared = h.alloc_object_of_class("Shared", 1).unwrap();
    let hs = h.handle(shared);
    let big = h.alloc_string(&"x".repeat(3000)).unwrap();
    h.set_property(h.get(hs), "big", big).unwrap();
    let nc = h.native_context();
    let outer = h.alloc_context(nc, &["shared", "count"]).unwrap();
    let ho = h.handle(outer);
    h.context_set(h.get(ho), 0, h.get(hs));
    for i in 0..6u32 {
        let scope = h.open_handle_scope();
        let inner = h.alloc_context(h.get(ho), &["own"]).unwrap();
        let hi = h.handle(inner);
        let own = h.alloc_object_of_class("Own", 1).unwrap();
        h.context_set(h.get(hi), 0, own);
        let sfi = h
            .alloc_shared_function_info(
                &format!("onEvent{i}"),
                "/srv/app/events.js",
                SourcePosition {
                    line: 12 + i,
                    column: 4,
                },
                1,
            )
            .unwrap();
        let f = h.alloc_closure(sfi, h.get(hi)).unwrap();
        if i < 4 {
            let l = h.get_property(h.global(), "listeners").unwrap();
            h.array_push(l, f).unwrap();
        }
        h.close_handle_scope(scope);
    }
    h
}

/// Hand-built: large objects (an array and a string past the large-object threshold) and
/// a deep chain.
pub fn large_objects() -> Heap {
    let mut h = small_heap();
    let arr = h.alloc_array(70_000).unwrap();
    let global = h.global();
    h.set_property(global, "big", arr).unwrap();
    let s = h.alloc_string(&"y".repeat(300_000)).unwrap();
    let global = h.global();
    h.set_property(global, "text", s).unwrap();
    let head = h.alloc_object_of_class("Node", 2).unwrap();
    let global = h.global();
    h.set_property(global, "chain", head).unwrap();
    let mut last = h.handle(head);
    for i in 0..2000 {
        let n = h.alloc_object_of_class("Node", 2).unwrap();
        h.set_property(n, "v", Tagged::smi(i)).unwrap();
        let hn = h.handle(n);
        h.set_property(h.get(last), "next", h.get(hn)).unwrap();
        h.set_element(
            h.get_property(h.global(), "big").unwrap(),
            i as usize * 30,
            h.get(hn),
        )
        .unwrap();
        last = hn;
    }
    h
}

pub fn shaped(shape: Shape, objects: u64, seed: u64) -> Heap {
    let mut h = small_heap();
    shapes::build(&mut h, shape, objects, seed).unwrap();
    h
}
