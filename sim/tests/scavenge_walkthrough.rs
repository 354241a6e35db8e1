//! The talk's Cheney walk-through (新生代 Scavenge: Flip → Copy Roots → BFS → scan and
//! allocation pointers meet), replayed on a tiny heap with every step asserted.
//!
//! From-space holds A, B, C, D (allocated in that order). A local handle roots A;
//! A.next = C, C.next = D, D.next = A (a cycle back to an already copied object); B is
//! garbage. Expected: A is copied by the root step; scanning A copies C; scanning C copies
//! D; scanning D finds A's forwarding address; the pointers meet; B is left behind.

use sim::young_gen::trace::ScavengeStep;
use sim::{GcReason, Heap, Profile, RootKind};

#[test]
fn cheney_walkthrough_step_by_step() {
    let mut heap = Heap::new(Profile::v8_6().with_semi_space(64 * 1024, 64 * 1024));
    let scope = heap.open_handle_scope();
    // A class with one in-object slot: objects are 32 bytes, no backing stores.
    let map = heap.new_class_map("Node", 1).unwrap();
    let hm = heap.handle(map);
    let mut objs = Vec::new();
    for _ in 0..4 {
        let m = heap.get(hm);
        let o = heap.alloc_object(m).unwrap();
        objs.push(heap.handle(o));
    }
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| objs[i]);
    for (from, to) in [(a, c), (c, d), (d, a)] {
        let (f, t) = (heap.get(from), heap.get(to));
        heap.set_property(f, "next", t).unwrap();
    }
    let size = heap.size_of(heap.get(a).addr()) as u64;
    assert_eq!(size, 32);
    let (old_a, old_b, old_c, old_d) = (
        heap.get(a).addr(),
        heap.get(b).addr(),
        heap.get(c).addr(),
        heap.get(d).addr(),
    );
    let ids: Vec<u32> = [a, c, d]
        .iter()
        .map(|&h| heap.object_id(heap.get(h).addr()))
        .collect();
    // Only A stays rooted.
    let u = heap.undefined_value();
    for h in [b, c, d] {
        heap.set_handle(h, u);
    }
    let a_slot = a.0 as usize;

    heap.set_step_recording(true);
    heap.scavenge(GcReason::Explicit);
    let steps = heap.take_steps();

    let to = match steps[0] {
        ScavengeStep::Flip {
            from_space,
            to_space,
            from_top,
            age_mark,
        } => {
            assert_eq!(
                from_space,
                old_a & !0xffff_ffff,
                "the old to-space became from-space"
            );
            assert_eq!(from_top, old_d + size, "from-space was filled up to D");
            assert_eq!(age_mark, from_space, "nothing had survived before");
            to_space
        }
        s => panic!("first step {s:?}"),
    };
    let (new_a, new_c, new_d) = (to, to + size, to + 2 * size);
    let expected = vec![
        // Copy roots: A goes to the bottom of to-space, the handle is updated.
        ScavengeStep::Copy {
            from: old_a,
            to: new_a,
            size: 32,
            promoted: false,
        },
        ScavengeStep::Root {
            kind: RootKind::HandleScope,
            index: a_slot,
            from: old_a,
            to: new_a,
        },
        // BFS: the scan pointer at A, the allocation pointer after it; A.next copies C.
        ScavengeStep::Scan {
            scan: new_a,
            alloc: new_a + size,
        },
        ScavengeStep::Copy {
            from: old_c,
            to: new_c,
            size: 32,
            promoted: false,
        },
        ScavengeStep::Scan {
            scan: new_c,
            alloc: new_c + size,
        },
        ScavengeStep::Copy {
            from: old_d,
            to: new_d,
            size: 32,
            promoted: false,
        },
        ScavengeStep::Scan {
            scan: new_d,
            alloc: new_d + size,
        },
        // D.next is A, already copied: its forwarding address is used.
        ScavengeStep::Forwarded {
            from: old_a,
            to: new_a,
        },
        // The scan pointer meets the allocation pointer.
        ScavengeStep::Done {
            scan: new_d + size,
            alloc: new_d + size,
        },
    ];
    assert_eq!(&steps[1..], &expected[..]);
    assert!(
        !steps
            .iter()
            .any(|s| matches!(s, ScavengeStep::Copy { from, .. } if *from == old_b)),
        "B is garbage and never copied"
    );

    // The graph survived intact, with ids following the objects.
    let na = heap.get(a);
    assert_eq!(na.addr(), new_a);
    let nc = heap.get_property(na, "next").unwrap();
    let nd = heap.get_property(nc, "next").unwrap();
    assert_eq!(heap.get_property(nd, "next").unwrap(), na);
    assert_eq!(
        [new_a, nc.addr(), nd.addr()]
            .map(|x| heap.object_id(x))
            .to_vec(),
        ids
    );
    let e = heap.events().last().unwrap();
    assert_eq!(
        (e.objects_copied, e.bytes_copied, e.objects_promoted),
        (3, 96, 0)
    );
    assert_eq!(heap.space_used(sim::SpaceId::New), 96, "B was reclaimed");
    assert_eq!(
        heap.age_mark(),
        new_d + size,
        "the age mark moved to the end of the survivors"
    );
    heap.verify().unwrap();

    // A second scavenge promotes all three: they survived twice.
    heap.scavenge(GcReason::Explicit);
    let steps = heap.take_steps();
    let promoted: Vec<_> = steps
        .iter()
        .filter(|s| matches!(s, ScavengeStep::Copy { promoted: true, .. }))
        .collect();
    assert_eq!(promoted.len(), 3);
    assert_eq!(
        steps
            .iter()
            .filter(|s| matches!(s, ScavengeStep::ScanPromoted { .. }))
            .count(),
        3,
        "promoted objects are scanned too"
    );
    assert_eq!(heap.space_of(heap.get(a).addr()), Some(sim::SpaceId::Old));
    assert_eq!(heap.space_used(sim::SpaceId::New), 0);
    heap.verify().unwrap();
    heap.close_handle_scope(scope);
}
