//! Heap-level tests of each mechanism through the public API.

use sim::mutator::{run, Program, RunOptions};
use sim::{
    FieldKind, FieldName, GcReason, Heap, HeapError, InstanceType, Profile, SpaceId, Tagged,
};

fn small() -> Heap {
    Heap::new(Profile::v8_6().with_semi_space(64 * 1024, 256 * 1024))
}

#[test]
fn allocation_is_bump_pointer_and_a_full_new_space_triggers_a_scavenge() {
    let mut heap = small();
    let a = heap.alloc_heap_number(1.5).unwrap();
    let b = heap.alloc_heap_number(2.5).unwrap();
    assert_eq!(b.addr(), a.addr() + 16, "bump allocation");
    assert_eq!(heap.space_of(a.addr()), Some(SpaceId::New));
    assert!(heap.events().is_empty());
    for _ in 0..5000 {
        heap.alloc_heap_number(0.5).unwrap();
    }
    let e = &heap.events()[0];
    assert_eq!(e.reason, GcReason::AllocationFailure);
    assert_eq!(e.objects_copied, 0, "nothing was rooted");
    assert!(e.before.space(SpaceId::New).used > e.after.space(SpaceId::New).used);
}

#[test]
fn promotion_happens_after_the_second_survival() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let o = heap.alloc_object_of_class("Survivor", 0).unwrap();
    let h = heap.handle(o);
    assert!(!heap.survived_once(heap.get(h).addr()));
    heap.scavenge(GcReason::Explicit);
    let once = heap.get(h).addr();
    assert_eq!(heap.space_of(once), Some(SpaceId::New));
    assert!(
        heap.survived_once(once),
        "below the age mark after one survival"
    );
    let fresh = heap.alloc_heap_number(3.5).unwrap();
    assert!(
        !heap.survived_once(fresh.addr()),
        "new allocations are above the age mark"
    );
    heap.scavenge(GcReason::Explicit);
    assert_eq!(heap.space_of(heap.get(h).addr()), Some(SpaceId::Old));
    assert_eq!(heap.events()[1].objects_promoted, 1);
}

#[test]
fn write_barrier_records_old_to_new_stores_and_the_scavenger_maintains_them() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let young = heap.alloc_string("young value").unwrap();
    let hy = heap.handle(young);
    let before = heap.remembered_set_size();
    let g = heap.global();
    heap.set_property(g, "x", heap.get(hy)).unwrap();
    assert_eq!(
        heap.remembered_set_size(),
        before + 1,
        "old global -> young string recorded"
    );
    let old_str = heap.internalize("old value").unwrap();
    heap.set_property(heap.global(), "y", old_str).unwrap();
    assert_eq!(
        heap.remembered_set_size(),
        before + 1,
        "old -> old needs no record"
    );
    heap.verify().unwrap();
    // Only the global (through its remembered slot) keeps the string alive.
    let u = heap.undefined_value();
    heap.set_handle(hy, u);
    heap.scavenge(GcReason::Explicit);
    let v = heap.get_property(heap.global(), "x").unwrap();
    assert_eq!(heap.string_content(v.addr()), "young value");
    assert_eq!(heap.space_of(v.addr()), Some(SpaceId::New));
    // The string and the global's young property backing store were copied.
    assert_eq!(heap.events()[0].objects_copied, 2);
    assert_eq!(
        heap.remembered_set_size(),
        before + 1,
        "still old-to-new: slot kept"
    );
    heap.verify().unwrap();
    heap.scavenge(GcReason::Explicit);
    let v = heap.get_property(heap.global(), "x").unwrap();
    assert_eq!(heap.space_of(v.addr()), Some(SpaceId::Old));
    assert_eq!(
        heap.remembered_set_size(),
        before,
        "target promoted: slot dropped"
    );
    heap.verify().unwrap();
}

#[test]
fn large_objects_get_their_own_space_and_never_move() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let threshold = heap.profile().large_object_threshold;
    let big = heap.alloc_fixed_array(threshold / 8).unwrap();
    assert_eq!(heap.space_of(big.addr()), Some(SpaceId::LargeObject));
    let below = heap.alloc_fixed_array(threshold / 8 - 2).unwrap();
    assert_eq!(
        heap.space_of(below.addr()),
        Some(SpaceId::Old),
        "at the threshold: paged (too big for the semi-space)"
    );
    let hb = heap.handle(big);
    let y = heap.alloc_string("held by a large object").unwrap();
    let big = heap.get(hb);
    heap.fixed_array_set(big, 7, y);
    let at = big.addr();
    for _ in 0..3 {
        heap.scavenge(GcReason::Explicit);
        heap.verify().unwrap();
    }
    assert_eq!(heap.get(hb).addr(), at, "never copied");
    let v = heap.fixed_array_get(heap.get(hb), 7);
    assert_eq!(heap.string_content(v.addr()), "held by a large object");
    assert_eq!(
        heap.space_of(v.addr()),
        Some(SpaceId::Old),
        "its young target was promoted through the remembered set"
    );
}

#[test]
fn ids_are_odd_step_two_and_follow_objects() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let a = heap.alloc_heap_number(1.5).unwrap();
    let b = heap.alloc_heap_number(2.5).unwrap();
    let (ha, hb) = (heap.handle(a), heap.handle(b));
    let ia = heap.object_id(a.addr());
    let ib = heap.object_id(b.addr());
    assert_eq!(ia % 2, 1);
    assert_eq!(ib, ia + 2);
    assert_eq!(
        ia,
        heap.object_id(a.addr()),
        "asking again gives the same id"
    );
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
    assert_ne!(heap.get(ha).addr(), a.addr());
    assert_eq!(heap.object_id(heap.get(ha).addr()), ia);
    assert_eq!(heap.object_id(heap.get(hb).addr()), ib);
    let c = heap.alloc_heap_number(0.5).unwrap();
    assert_eq!(
        heap.existing_object_id(c.addr()),
        None,
        "reused memory does not inherit ids"
    );
}

#[test]
fn strings_flat_cons_sliced_and_two_byte() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let a = heap.alloc_string("hello, ").unwrap();
    let ha = heap.handle(a);
    let b = heap.alloc_string("wörld — ☃ and more").unwrap();
    assert_eq!(heap.instance_type(b.addr()), InstanceType::SeqTwoByteString);
    assert_eq!(
        heap.instance_type(heap.get(ha).addr()),
        InstanceType::SeqOneByteString
    );
    assert_eq!(
        heap.size_of(heap.get(ha).addr()),
        24 + 8,
        "7 one-byte chars round up to a word"
    );
    let c = heap.alloc_cons_string(heap.get(ha), b).unwrap();
    assert_eq!(heap.instance_type(c.addr()), InstanceType::ConsString);
    assert_eq!(heap.size_of(c.addr()), 40);
    let hc = heap.handle(c);
    let s = heap.alloc_sliced_string(heap.get(hc), 7, 18).unwrap();
    assert_eq!(heap.instance_type(s.addr()), InstanceType::SlicedString);
    assert_eq!(heap.string_content(s.addr()), "wörld — ☃ and more");
    let abc = heap.alloc_string("abc").unwrap();
    let short = heap.alloc_cons_string(abc, abc).unwrap();
    assert_eq!(
        heap.instance_type(short.addr()),
        InstanceType::SeqOneByteString,
        "short results are flat"
    );
    let hs = heap.handle(s);
    heap.scavenge(GcReason::Explicit);
    assert_eq!(
        heap.string_content(heap.get(hc).addr()),
        "hello, wörld — ☃ and more"
    );
    assert_eq!(
        heap.string_content(heap.get(hs).addr()),
        "wörld — ☃ and more"
    );
    assert!(matches!(
        heap.alloc_cons_string(Tagged::smi(1), heap.get(hs)),
        Err(HeapError::WrongType { .. })
    ));
    assert!(heap.alloc_sliced_string(heap.get(hs), 10, 100).is_err());
    // Deep cons chains flatten without recursion.
    let mut acc = heap.alloc_string("0123456789abc").unwrap();
    let h = heap.handle(acc);
    for _ in 0..50_000 {
        let piece = heap.alloc_string("x").unwrap();
        acc = heap.alloc_cons_string(heap.get(h), piece).unwrap();
        heap.set_handle(h, acc);
    }
    assert_eq!(heap.string_length(heap.get(h).addr()), 50_013);
    assert_eq!(heap.string_units(heap.get(h).addr()).len(), 50_013);
}

#[test]
fn properties_share_maps_spill_out_of_object_and_go_dictionary() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let m = heap.class_map("Point", 2).unwrap();
    let p = heap.alloc_object(m).unwrap();
    let hp = heap.handle(p);
    let q = heap.alloc_object(m).unwrap();
    let hq = heap.handle(q);
    for (h, v) in [(hp, 1), (hq, 2)] {
        for name in ["x", "y", "z", "w"] {
            heap.set_property(heap.get(h), name, Tagged::smi(v))
                .unwrap();
        }
    }
    let (p, q) = (heap.get(hp), heap.get(hq));
    assert_eq!(
        heap.map_of(p.addr()),
        heap.map_of(q.addr()),
        "same transitions, same map"
    );
    assert_eq!(heap.size_of(p.addr()), 24 + 16);
    let props = heap.get_field(p, 1);
    assert_eq!(heap.instance_type(props.addr()), InstanceType::FixedArray);
    assert_eq!(
        heap.fixed_array_length(props.addr()),
        3,
        "two spilled, grown by three"
    );
    assert_eq!(heap.get_property(p, "w"), Some(Tagged::smi(1)));
    assert_eq!(heap.get_property(q, "z"), Some(Tagged::smi(2)));
    assert_eq!(heap.get_property(q, "nope"), None);
    let name = heap.class_name(p.addr()).unwrap();
    assert_eq!(heap.string_content(name.addr()), "Point");
    // Past 128 properties the object goes to dictionary mode and keeps every value.
    let o = heap.alloc_object_of_class("Bag", 4).unwrap();
    let ho = heap.handle(o);
    for i in 0..200 {
        heap.set_property(heap.get(ho), &format!("k{i}"), Tagged::smi(i))
            .unwrap();
    }
    let o = heap.get(ho);
    assert!(heap.map_is_dictionary(heap.map_of(o.addr())));
    assert_eq!(
        heap.instance_type(heap.get_field(o, 1).addr()),
        InstanceType::NameDictionary
    );
    for i in [0, 127, 128, 199] {
        assert_eq!(heap.get_property(o, &format!("k{i}")), Some(Tagged::smi(i)));
    }
    heap.set_property(o, "k5", Tagged::smi(-5)).unwrap();
    assert_eq!(heap.get_property(heap.get(ho), "k5"), Some(Tagged::smi(-5)));
    assert_eq!(heap.named_properties(heap.get(ho).addr()).len(), 200);
    let name = heap.class_name(heap.get(ho).addr()).unwrap();
    assert_eq!(heap.string_content(name.addr()), "Bag");
    heap.scavenge(GcReason::Explicit);
    assert_eq!(
        heap.get_property(heap.get(ho), "k199"),
        Some(Tagged::smi(199))
    );
    heap.verify().unwrap();
    assert!(matches!(
        heap.set_property(Tagged::smi(3), "a", Tagged::smi(1)),
        Err(HeapError::WrongType { .. })
    ));
}

#[test]
fn arrays_grow_like_v8() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let a = heap.alloc_array(0).unwrap();
    let h = heap.handle(a);
    for i in 0..100 {
        heap.array_push(heap.get(h), Tagged::smi(i)).unwrap();
    }
    let a = heap.get(h);
    assert_eq!(heap.array_length(a), 100);
    assert_eq!(heap.array_get(a, 57), Tagged::smi(57));
    assert_eq!(heap.array_get(a, 100), heap.the_hole());
    heap.array_set(a, 300, Tagged::smi(1)).unwrap();
    assert_eq!(heap.array_length(heap.get(h)), 301);
    assert_eq!(heap.array_get(heap.get(h), 200), heap.the_hole());
    assert!(
        heap.array_set(heap.global(), 0, Tagged::smi(1)).is_err(),
        "not an array"
    );
}

#[test]
fn collections_by_same_value_zero_with_growth_and_deletion() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let m = heap.alloc_js_map().unwrap();
    let hm = heap.handle(m);
    let mut keys = Vec::new();
    for i in 0..300 {
        let k = heap.alloc_object_of_class("Key", 0).unwrap();
        keys.push(heap.handle(k));
        heap.collection_set(heap.get(hm), k, Tagged::smi(i))
            .unwrap();
    }
    let s1 = heap.alloc_string("same content").unwrap();
    heap.collection_set(heap.get(hm), s1, Tagged::smi(-1))
        .unwrap();
    heap.collection_set(heap.get(hm), Tagged::smi(42), Tagged::smi(-2))
        .unwrap();
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
    let m = heap.get(hm);
    assert_eq!(heap.collection_size(m), 302);
    for (i, &k) in keys.iter().enumerate().step_by(37) {
        assert_eq!(
            heap.collection_get(m, heap.get(k)),
            Some(Tagged::smi(i as i32)),
            "found by identity after moves"
        );
    }
    let s2 = heap.alloc_string("same content").unwrap();
    let m = heap.get(hm);
    assert_eq!(
        heap.collection_get(m, s2),
        Some(Tagged::smi(-1)),
        "strings by content"
    );
    let n42 = heap.alloc_heap_number(42.0).unwrap();
    assert_eq!(
        heap.collection_get(heap.get(hm), n42),
        Some(Tagged::smi(-2)),
        "numbers by value"
    );
    let k0 = heap.get(keys[0]);
    assert!(heap.collection_delete(heap.get(hm), k0));
    assert!(!heap.collection_delete(heap.get(hm), k0));
    assert_eq!(heap.collection_get(heap.get(hm), k0), None);
    assert_eq!(heap.collection_size(heap.get(hm)), 301);
    let set = heap.alloc_js_set().unwrap();
    let hs = heap.handle(set);
    heap.collection_set(heap.get(hs), Tagged::smi(1), Tagged::ZERO)
        .unwrap();
    heap.collection_set(heap.get(hs), Tagged::smi(1), Tagged::ZERO)
        .unwrap();
    assert_eq!(heap.collection_size(heap.get(hs)), 1);
    let wm = heap.alloc_js_weak_map().unwrap();
    let hw = heap.handle(wm);
    assert!(
        matches!(
            heap.collection_set(heap.get(hw), Tagged::smi(1), Tagged::smi(1)),
            Err(HeapError::WrongType { .. })
        ),
        "WeakMap keys must be objects"
    );
    let k = heap.get(keys[5]);
    let v = heap.alloc_string("value").unwrap();
    heap.collection_set(heap.get(hw), heap.get(keys[5]), v)
        .unwrap();
    let fields: Vec<_> = {
        let t = heap.get_field(heap.get(hw), 3);
        heap.fields(t.addr()).collect()
    };
    let _ = k;
    assert!(fields
        .iter()
        .any(|f| matches!(f.name, FieldName::EphemeronKey { entry: 0 })));
    assert!(fields.iter().any(|f| matches!(f.name, FieldName::EphemeronValue { entry: 0, key } if key == heap.get(keys[5]))));
    heap.verify().unwrap();
}

#[test]
fn closures_contexts_and_their_fields() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let u = heap.undefined_value();
    let outer = heap.alloc_context(u, &["client"]).unwrap();
    let ho = heap.handle(outer);
    let inner = heap
        .alloc_context(heap.get(ho), &["handler", "count"])
        .unwrap();
    let hi = heap.handle(inner);
    let client = heap.alloc_object_of_class("Client", 1).unwrap();
    heap.context_set(heap.get(ho), 0, client);
    heap.context_set(heap.get(hi), 1, Tagged::smi(3));
    let sfi = heap
        .alloc_shared_function_info(
            "onError",
            "home.js",
            sim::object::closure::SourcePosition {
                line: 11,
                column: 2,
            },
            1,
        )
        .unwrap();
    assert_eq!(heap.space_of(sfi.addr()), Some(SpaceId::Code));
    let f = heap.alloc_closure(sfi, heap.get(hi)).unwrap();
    let hf = heap.handle(f);
    heap.scavenge(GcReason::Explicit);
    let f = heap.get(hf);
    assert_eq!(
        heap.string_content(heap.function_name(f.addr()).addr()),
        "onError"
    );
    let (script, pos) = heap.function_location(f.addr());
    assert_eq!(
        (
            heap.string_content(script.addr()).as_str(),
            pos.line,
            pos.column
        ),
        ("home.js", 11, 2)
    );
    let names: Vec<(FieldKind, String)> = heap
        .fields(f.addr())
        .map(|x| (x.kind, heap.field_name_text(x.name)))
        .collect();
    for want in ["map", "properties", "elements", "shared", "context", "code"] {
        assert!(
            names.contains(&(FieldKind::Internal, want.to_string())),
            "{want} in {names:?}"
        );
    }
    let ctx = heap.get_field(f, 4);
    let cf: Vec<(FieldKind, String)> = heap
        .fields(ctx.addr())
        .map(|x| (x.kind, heap.field_name_text(x.name)))
        .collect();
    assert!(cf.contains(&(FieldKind::Internal, "previous".into())));
    assert!(
        !cf.iter().any(|(_, n)| n == "count"),
        "Smi variables are not references"
    );
    let outer = heap.get_field(ctx, 3);
    let of: Vec<_> = heap
        .fields(outer.addr())
        .filter(|x| x.kind == FieldKind::Context)
        .collect();
    assert_eq!(of.len(), 1);
    assert_eq!(heap.field_name_text(of[0].name), "client");
    let cls = heap.class_name(of[0].value.addr()).unwrap();
    assert_eq!(heap.string_content(cls.addr()), "Client");
    heap.verify().unwrap();
}

#[test]
fn fields_report_every_reference_the_collector_traces() {
    let mut heap = small();
    let out = run(&mut heap, &Program::random(3, 3000), RunOptions::default());
    assert_eq!(out.stop, None);
    let oddballs: Vec<Tagged> = [
        heap.undefined_value(),
        heap.null_value(),
        heap.true_value(),
        heap.false_value(),
        heap.the_hole(),
    ]
    .to_vec();
    let mut checked = 0;
    let objects: Vec<_> = heap.objects().collect();
    for a in objects {
        let mut want: Vec<u64> = heap
            .pointer_slots(a)
            .into_iter()
            .filter(|t| !oddballs.contains(t))
            .map(|t| t.0)
            .collect();
        let mut got: Vec<u64> = heap
            .fields(a)
            .map(|f| f.value)
            .filter(|t| !oddballs.contains(t))
            .map(|t| t.0)
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        if heap.instance_type(a).is_js_object() {
            // JS objects also report the values in their property and element backing
            // stores (as V8's snapshots do); their own slots must all be among them.
            let mut rest = got.clone();
            for w in &want {
                let i = rest
                    .iter()
                    .position(|g| g == w)
                    .unwrap_or_else(|| panic!("slot value {w:#x} of {a:#x} not reported"));
                rest.swap_remove(i);
            }
        } else {
            assert_eq!(
                got,
                want,
                "fields of {} at {a:#x}",
                heap.instance_type(a).v8_name()
            );
        }
        checked += 1;
    }
    assert!(checked > 1000);
}

#[test]
fn semi_spaces_grow_when_survival_is_high() {
    let mut heap = Heap::new(Profile::v8_6().with_semi_space(32 * 1024, 128 * 1024));
    let _s = heap.open_handle_scope();
    let a = heap.alloc_array(0).unwrap();
    let h = heap.handle(a);
    for i in 0..20_000 {
        let n = heap.alloc_heap_number(i as f64 + 0.5).unwrap();
        heap.array_push(heap.get(h), n).unwrap();
    }
    assert!(heap.events().iter().any(|e| e.new_space_grown));
    assert_eq!(
        heap.semi_space_capacity(),
        128 * 1024,
        "grew to the maximum"
    );
    assert_eq!(heap.array_length(heap.get(h)), 20_000);
    heap.verify().unwrap();
}

#[test]
fn the_old_generation_limit_is_an_out_of_memory_error() {
    let mut heap = Heap::new(Profile::v8_6().with_max_old_generation(4 * 1024 * 1024));
    let _s = heap.open_handle_scope();
    let mut last = Ok(Tagged::ZERO);
    for _ in 0..20 {
        last = heap.alloc_fixed_array(100_000);
        match last {
            // Kept alive: the full GC run before giving up cannot free them.
            Ok(v) => {
                heap.handle(v);
            }
            Err(_) => break,
        }
    }
    assert!(
        matches!(
            last,
            Err(HeapError::OutOfMemory {
                space: "large_object_space",
                ..
            })
        ),
        "{last:?}"
    );
}

#[test]
fn the_modern_profile_keeps_maps_in_old_space() {
    let mut heap = Heap::new(Profile::modern());
    let m = heap.class_map("Thing", 0).unwrap();
    assert_eq!(heap.space_of(m.addr()), Some(SpaceId::Old));
    assert_eq!(heap.space_used(SpaceId::Map), 0);
    let big = heap.alloc_fixed_array(20_000).unwrap();
    assert_eq!(
        heap.space_of(big.addr()),
        Some(SpaceId::LargeObject),
        "160 KB is large in modern V8"
    );
    let mut v86 = Heap::new(Profile::v8_6());
    let m = v86.class_map("Thing", 0).unwrap();
    assert_eq!(v86.space_of(m.addr()), Some(SpaceId::Map));
    let big = v86.alloc_fixed_array(20_000).unwrap();
    assert_eq!(
        v86.space_of(big.addr()),
        Some(SpaceId::New),
        "but young in V8 6"
    );
}

#[test]
fn object_iteration_walks_every_space() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let big = heap.alloc_fixed_array(70_000).unwrap();
    heap.handle(big);
    let n = heap.alloc_heap_number(0.25).unwrap();
    heap.handle(n);
    let spaces: std::collections::BTreeSet<SpaceId> =
        heap.objects().filter_map(|a| heap.space_of(a)).collect();
    assert_eq!(
        spaces.into_iter().collect::<Vec<_>>(),
        SpaceId::ALL.to_vec()
    );
    assert!(heap.objects().all(|a| !heap.instance_type(a).is_filler()));
    let total: usize = heap.objects().map(|a| heap.size_of(a)).sum();
    let used: usize = SpaceId::ALL.iter().map(|&s| heap.space_used(s)).sum();
    assert!(total <= used, "fillers are not objects");
}

#[test]
fn gc_interval_and_trace_lines() {
    let mut heap = small();
    heap.set_gc_interval(Some(10));
    for _ in 0..100 {
        heap.alloc_heap_number(1.5).unwrap();
    }
    assert_eq!(heap.events().len(), 10);
    assert!(heap.events().iter().all(|e| e.reason == GcReason::Testing));
    let line = heap.events()[0].trace_gc_line();
    assert!(
        line.starts_with("[heapsim] #1 (10 allocations): Scavenge "),
        "{line}"
    );
    assert!(line.ends_with("testing"), "{line}");
}

#[test]
#[should_panic(expected = "stale reference")]
fn writing_through_a_stale_reference_is_caught() {
    let mut heap = small();
    let _s = heap.open_handle_scope();
    let o = heap.alloc_object_of_class("A", 1).unwrap();
    heap.handle(o);
    heap.scavenge(GcReason::Explicit);
    heap.set_field(o, 3, Tagged::smi(1));
}
