//! Mechanism tests of the old-generation collector: the talk's marking-worklist overflow,
//! sweeping, compaction, weak references and ephemerons, incremental marking with its write
//! barrier and black allocation, and the `retained_by_gc` oracle.

use sim::verify::mark_compact_verifier::reachable;
use sim::{Colour, GcKind, GcReason, Heap, OldGenConfig, Profile, SpaceId, Tagged};

fn heap_with(config: OldGenConfig) -> Heap {
    let mut heap = Heap::new(Profile::v8_6());
    heap.set_old_gen_config(config);
    heap.set_verify_heap(true);
    heap
}

fn atomic() -> OldGenConfig {
    OldGenConfig {
        incremental: false,
        ..OldGenConfig::default()
    }
}

fn no_failures(heap: &Heap) {
    assert!(
        heap.verifier_stats().failures.is_empty(),
        "{:?}",
        heap.verifier_stats().failures
    );
}

/// Promotes everything young that is reachable into old space.
fn promote(heap: &mut Heap) {
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
}

/// The talk's slide: A references B, C, D; D references E, F, G; G references H. With a
/// worklist too small for the fan-out, G is greyed but not pushed; the worklist drains,
/// the heap is rescanned for grey objects and G (then H) are marked after all.
fn talk_graph(heap: &mut Heap) -> (sim::GlobalHandle, Vec<u32>, u32) {
    let scope = heap.open_handle_scope();
    let mut hs = Vec::new();
    for name in ["A", "B", "C", "D", "E", "F", "G", "H"] {
        let o = heap.alloc_object_of_class(name, 3).unwrap();
        hs.push(heap.handle(o));
    }
    let link = |heap: &mut Heap, from: usize, to: &[usize]| {
        for (i, &t) in to.iter().enumerate() {
            let (f, v) = (heap.get(hs[from]), heap.get(hs[t]));
            heap.set_property(f, &format!("f{i}"), v).unwrap();
        }
    };
    link(heap, 0, &[1, 2, 3]);
    link(heap, 3, &[4, 5, 6]);
    link(heap, 6, &[7]);
    let garbage = heap.alloc_object_of_class("Garbage", 1).unwrap();
    let hg = heap.handle(garbage);
    let root = heap.new_global_handle(heap.get(hs[0]));
    promote(heap);
    let ids = hs
        .iter()
        .map(|&h| heap.object_id(heap.get(h).addr()))
        .collect();
    let gid = heap.object_id(heap.get(hg).addr());
    heap.close_handle_scope(scope);
    (root, ids, gid)
}

fn ids_in_heap(heap: &Heap) -> Vec<u32> {
    heap.objects()
        .filter_map(|a| heap.existing_object_id(a))
        .collect()
}

#[test]
fn the_talks_overflow_example_still_marks_everything() {
    let mut big = heap_with(atomic());
    let (_, ids, gid) = talk_graph(&mut big);
    let e = big.collect_garbage(GcReason::Explicit).clone();
    assert_eq!(
        e.full_gc.overflows, 0,
        "the default worklist never overflows here"
    );
    assert_eq!(e.full_gc.rescans, 0);

    let mut small = heap_with(OldGenConfig {
        worklist_capacity: 2,
        ..atomic()
    });
    let (_, ids2, gid2) = talk_graph(&mut small);
    let e2 = small.collect_garbage(GcReason::Explicit).clone();
    assert!(e2.full_gc.overflows > 0, "{e2:?}");
    assert!(e2.full_gc.rescans > 0, "{e2:?}");
    assert_eq!(
        e2.full_gc.objects_marked, e.full_gc.objects_marked,
        "overflow loses nothing"
    );
    assert_eq!(e2.full_gc.bytes_marked, e.full_gc.bytes_marked);
    let (left, left2) = (ids_in_heap(&big), ids_in_heap(&small));
    for id in ids.iter() {
        assert!(left.contains(id), "@{id} survives");
    }
    for id in ids2.iter() {
        assert!(left2.contains(id), "@{id} survives with overflow");
    }
    assert!(
        !left.contains(&gid) && !left2.contains(&gid2),
        "garbage is freed"
    );
    let line = e2.trace_gc_line();
    assert!(
        line.contains(e2.kind.v8_name()) && line.contains("overflows") && line.contains("rescans"),
        "{line}"
    );
    no_failures(&big);
    no_failures(&small);
}

#[test]
fn a_one_entry_worklist_marks_a_wide_and_deep_heap() {
    let mut heap = heap_with(OldGenConfig {
        worklist_capacity: 1,
        ..atomic()
    });
    let scope = heap.open_handle_scope();
    let arr = heap.alloc_array(0).unwrap();
    let ha = heap.handle(arr);
    for i in 0..300 {
        let o = heap.alloc_object_of_class("Node", 2).unwrap();
        let a = heap.get(ha);
        heap.array_set(a, i, o).unwrap();
    }
    let g = heap.new_global_handle(heap.get(ha));
    heap.close_handle_scope(scope);
    let live_before = reachable(&heap).len();
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    assert!(e.full_gc.rescans > 10, "{:?}", e.full_gc);
    assert_eq!(heap.objects().count(), live_before);
    no_failures(&heap);
    heap.destroy_global_handle(g);
}

#[test]
fn mark_sweep_frees_dead_old_and_large_objects_onto_free_lists() {
    let mut heap = heap_with(atomic());
    let scope = heap.open_handle_scope();
    let mut keep = Vec::new();
    for i in 0..2000 {
        let o = heap.alloc_object_of_class("Obj", 4).unwrap();
        if i % 10 == 0 {
            keep.push(heap.handle(o));
        } else {
            heap.handle(o);
        }
    }
    let big = heap
        .alloc_fixed_array(heap.profile().large_object_threshold / 8 + 10)
        .unwrap();
    heap.handle(big);
    promote(&mut heap);
    let before_lo = heap.space_used(SpaceId::LargeObject);
    assert!(before_lo > 0);
    // Drop everything but `keep`: close the scope, re-root the kept ones.
    let kept: Vec<Tagged> = keep.iter().map(|&h| heap.get(h)).collect();
    heap.close_handle_scope(scope);
    let globals: Vec<_> = kept.iter().map(|&v| heap.new_global_handle(v)).collect();
    let used_before = heap.space_used(SpaceId::Old);
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    assert_eq!(heap.space_used(SpaceId::LargeObject), 0);
    assert_eq!(e.full_gc.large_objects_freed, 1);
    assert!(e.full_gc.objects_freed >= 1800, "{:?}", e.full_gc);
    assert!(heap.space_used(SpaceId::Old) < used_before);
    assert!(e.full_gc.pages_swept > 0);
    // Freed memory is reused: new old objects land in swept blocks without new pages.
    let committed = heap.space_committed(SpaceId::Old);
    no_failures(&heap);
    let line = e.trace_gc_line();
    assert!(line.contains(" MB, ") && line.contains("freed"), "{line}");
    assert_eq!(globals.len(), 200);
    assert!(committed > 0);
}

#[test]
fn compaction_moves_live_objects_keeping_ids_contents_and_remembered_slots() {
    let mut heap = Heap::new(Profile {
        page_size: 64 * 1024,
        large_object_threshold: 16 * 1024,
        ..Profile::v8_6()
    });
    heap.set_old_gen_config(OldGenConfig {
        compact_every_gc: true,
        ..atomic()
    });
    heap.set_verify_heap(true);
    let scope = heap.open_handle_scope();
    let arr = heap.alloc_array(0).unwrap();
    let ha = heap.handle(arr);
    for i in 0..3000 {
        let o = heap.alloc_object_of_class("Obj", 2).unwrap();
        let a = heap.get(ha);
        heap.array_set(a, i, o).unwrap();
    }
    promote(&mut heap);
    // Keep every 50th element; the rest dies, leaving pages mostly empty.
    let a = heap.get(ha);
    let kept: Vec<Tagged> = (0..3000)
        .step_by(50)
        .map(|i| heap.array_get(a, i))
        .collect();
    let keeper = heap.alloc_array(0).unwrap();
    let hk = heap.handle(keeper);
    for (i, &v) in kept.iter().enumerate() {
        let k = heap.get(hk);
        heap.array_set(k, i, v).unwrap();
    }
    let u = heap.undefined_value();
    heap.set_handle(ha, u);
    promote(&mut heap);
    // An old-to-new pointer from a kept (old) object to a young one.
    let young = heap.alloc_string("young").unwrap();
    let k = heap.get(hk);
    let first = heap.array_get(k, 0);
    heap.set_property(first, "y", young).unwrap();
    let ids_before: Vec<u32> = {
        let k = heap.get(hk);
        (0..kept.len())
            .map(|i| heap.object_id(heap.array_get(k, i).addr()))
            .collect()
    };
    let addr_before = heap.array_get(heap.get(hk), 5).addr();
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    assert_eq!(e.kind, GcKind::MarkCompact);
    assert!(e.full_gc.pages_evacuated > 0, "{:?}", e.full_gc);
    assert!(e.full_gc.objects_evacuated > 0);
    let k = heap.get(hk);
    let ids_after: Vec<u32> = (0..kept.len())
        .map(|i| heap.object_id(heap.array_get(k, i).addr()))
        .collect();
    assert_eq!(ids_before, ids_after);
    assert_ne!(heap.array_get(k, 5).addr(), addr_before, "moved");
    let first = heap.array_get(k, 0);
    let y = heap.get_property(first, "y").unwrap();
    assert_eq!(heap.string_content(y.addr()), "young");
    heap.verify().unwrap();
    no_failures(&heap);
    heap.close_handle_scope(scope);
}

#[test]
fn weak_references_are_cleared_exactly_when_their_target_dies() {
    let mut heap = heap_with(atomic());
    let scope = heap.open_handle_scope();
    let holder = heap.alloc_fixed_array(2).unwrap();
    let hh = heap.handle(holder);
    let alive = heap.alloc_object_of_class("Alive", 1).unwrap();
    let hal = heap.handle(alive);
    let dead = heap.alloc_object_of_class("Dead", 1).unwrap();
    let (h, a, d) = (heap.get(hh), heap.get(hal), dead);
    heap.fixed_array_set(h, 0, Tagged::weak(a.addr()));
    heap.fixed_array_set(h, 1, Tagged::weak(d.addr()));
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    let h = heap.get(hh);
    let w0 = heap.fixed_array_get(h, 0);
    assert!(
        w0.is_weak() && w0.addr() == heap.get(hal).addr(),
        "live target kept"
    );
    assert!(
        heap.fixed_array_get(h, 1).is_cleared(),
        "dead target cleared"
    );
    assert_eq!(e.full_gc.weak_cleared, 1);
    no_failures(&heap);
    heap.close_handle_scope(scope);
}

#[test]
fn weakmap_values_live_only_while_table_and_key_live() {
    let mut heap = heap_with(atomic());
    let scope = heap.open_handle_scope();
    let wm = heap.alloc_js_weak_map().unwrap();
    let hw = heap.handle(wm);
    let k1 = heap.alloc_object_of_class("Key", 1).unwrap();
    let hk1 = heap.handle(k1);
    let v1 = heap.alloc_object_of_class("Value", 1).unwrap();
    let hv1 = heap.handle(v1);
    let k2 = heap.alloc_object_of_class("Key", 1).unwrap();
    let hk2 = heap.handle(k2);
    let v2 = heap.alloc_object_of_class("Value", 1).unwrap();
    let hv2 = heap.handle(v2);
    // A chain through the map: v1 is the key of the entry holding v3.
    let v3 = heap.alloc_object_of_class("Chained", 1).unwrap();
    let hv3 = heap.handle(v3);
    for (k, v) in [(hk1, hv1), (hk2, hv2), (hv1, hv3)] {
        let (w, k, v) = (heap.get(hw), heap.get(k), heap.get(v));
        heap.collection_set(w, k, v).unwrap();
    }
    let id = |heap: &mut Heap, h| {
        let a = heap.get(h).addr();
        heap.object_id(a)
    };
    let (iv1, iv2, iv3) = (id(&mut heap, hv1), id(&mut heap, hv2), id(&mut heap, hv3));
    let u = heap.undefined_value();
    for h in [hv1, hv2, hv3, hk2] {
        heap.set_handle(h, u);
    }
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    no_failures(&heap);
    let ids = ids_in_heap(&heap);
    assert!(ids.contains(&iv1), "key 1 alive → value 1 alive");
    assert!(
        ids.contains(&iv3),
        "value 1 is itself a live key → its value lives (fixpoint)"
    );
    assert!(!ids.contains(&iv2), "key 2 dead → value 2 freed");
    assert_eq!(e.full_gc.ephemerons_cleared, 1);
    assert!(e.full_gc.ephemeron_rounds >= 2);
    let (w, k1) = (heap.get(hw), heap.get(hk1));
    assert_eq!(heap.collection_size(w), 2);
    assert!(heap.collection_get(w, k1).is_some());
    // The table dies with the WeakMap, and takes the values along though the key lives.
    heap.set_handle(hw, u);
    heap.collect_garbage(GcReason::Explicit);
    let ids = ids_in_heap(&heap);
    assert!(!ids.contains(&iv1) && !ids.contains(&iv3));
    no_failures(&heap);
    heap.close_handle_scope(scope);
}

#[test]
fn incremental_marking_barrier_black_allocation_and_finalization() {
    let mut heap = heap_with(OldGenConfig {
        step_allocated_bytes: usize::MAX,
        ..OldGenConfig::default()
    });
    let scope = heap.open_handle_scope();
    let a = heap.alloc_object_of_class("Host", 2).unwrap();
    let ha = heap.handle(a);
    let b = heap.alloc_object_of_class("Value", 2).unwrap();
    let hb = heap.handle(b);
    promote(&mut heap);
    let hbv = heap.get(hb);
    heap.set_handle(hb, heap.undefined_value());
    let hidden = heap.new_global_handle(hbv);
    // Pre-create the property so the store below does not allocate: an allocation after
    // marking completes runs the final pause.
    let (host, u) = (heap.get(ha), heap.undefined_value());
    heap.set_property(host, "young", u).unwrap();
    heap.start_incremental_marking();
    assert!(heap.is_marking());
    // Old objects allocated during marking are born black.
    let late = heap
        .alloc_fixed_array(heap.profile().large_object_threshold / 8 + 1)
        .unwrap();
    assert_eq!(heap.colour(late.addr()), Colour::Black, "black allocation");
    let y = heap.alloc_string("young value").unwrap();
    let hy = heap.handle(y);
    while !heap.incremental_marking_step(1 << 20) {}
    let host = heap.get(ha);
    assert_eq!(heap.colour(host.addr()), Colour::Black);
    assert_eq!(
        heap.colour(hbv.addr()),
        Colour::Black,
        "rooted by the global handle"
    );
    heap.destroy_global_handle(hidden);
    // A young value stored into the black host: its slot is recorded for the final pause.
    let (host, y) = (heap.get(ha), heap.get(hy));
    heap.set_property(host, "young", y).unwrap();
    heap.check_tricolour_invariant().unwrap();
    // A scavenge during marking keeps the state right; the young value gets promoted.
    promote(&mut heap);
    assert!(heap.is_marking());
    heap.check_tricolour_invariant().unwrap();
    let host = heap.get(ha);
    let yv = heap.get_property(host, "young").unwrap();
    assert_eq!(heap.space_of(yv.addr()), Some(SpaceId::Old));
    assert_ne!(
        heap.colour(yv.addr()),
        Colour::White,
        "promoted during marking: greyed"
    );
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    assert!(e.full_gc.incremental && e.full_gc.incremental_steps > 0);
    assert!(e.full_gc.black_allocated >= 1);
    assert!(!heap.is_marking());
    let host = heap.get(ha);
    assert_eq!(
        heap.string_content(heap.get_property(host, "young").unwrap().addr()),
        "young value"
    );
    no_failures(&heap);
    heap.close_handle_scope(scope);
}

#[test]
fn the_dijkstra_barrier_greys_white_values_stored_into_black_objects() {
    let mut heap = heap_with(OldGenConfig {
        step_allocated_bytes: usize::MAX,
        ..OldGenConfig::default()
    });
    let scope = heap.open_handle_scope();
    let host = heap.alloc_object_of_class("Host", 2).unwrap();
    let hh = heap.handle(host);
    let w = heap.alloc_object_of_class("W", 2).unwrap();
    let hw = heap.handle(w);
    promote(&mut heap);
    // `w` (old) becomes reachable only through a young object, which incremental marking
    // does not trace: it stays white while the host turns black.
    let y = heap.alloc_object_of_class("Young", 2).unwrap();
    let hy = heap.handle(y);
    let (yv, wv) = (heap.get(hy), heap.get(hw));
    heap.set_property(yv, "w", wv).unwrap();
    let u = heap.undefined_value();
    heap.set_handle(hw, u);
    // The host's property exists already, so the store below does not allocate (an
    // allocation after marking completes would run the final pause first).
    let host = heap.get(hh);
    heap.set_property(host, "w", u).unwrap();
    heap.start_incremental_marking();
    while !heap.incremental_marking_step(1 << 20) {}
    let (host, yv) = (heap.get(hh), heap.get(hy));
    let wv = heap.get_property(yv, "w").unwrap();
    assert_eq!(heap.colour(host.addr()), Colour::Black);
    assert_eq!(heap.colour(wv.addr()), Colour::White);
    // The mutator moves the only reference from the young object into the black host.
    heap.set_property(host, "w", wv).unwrap();
    let yv = heap.get(hy);
    heap.set_property(yv, "w", u).unwrap();
    assert_ne!(
        heap.colour(wv.addr()),
        Colour::White,
        "the barrier greyed it"
    );
    heap.check_tricolour_invariant().unwrap();
    let id = heap.object_id(wv.addr());
    let e = heap.collect_garbage(GcReason::Explicit).clone();
    assert!(
        e.full_gc.incremental && e.full_gc.barrier_greyings >= 1,
        "{:?}",
        e.full_gc
    );
    let host = heap.get(hh);
    let now = heap.get_property(host, "w").unwrap();
    assert_eq!(
        heap.object_id(now.addr()),
        id,
        "still there after the final pause"
    );
    let _ = host;
    heap.verify().unwrap();
    no_failures(&heap);
    heap.close_handle_scope(scope);
}
