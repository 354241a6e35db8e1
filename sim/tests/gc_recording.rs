//! GC recording (`sim::heap::gc_trace`) on small hand-built heaps: the recorded sequences are
//! the collectors' own steps, in order — a Cheney scavenge with a shared referent, a marking
//! whose one-entry worklist overflows and is refilled by a rescan, an incremental marking
//! whose write barrier greys an object — and the bounds hold.

use sim::heap::gc_trace::{GcRecording, MAX_OBJECTS};
use sim::old_gen::marking_trace::{GreySource, MarkingStep};
use sim::young_gen::trace::ScavengeStep;
use sim::{Address, Colour, GcReason, Handle, Heap, OldGenConfig, Profile, RootKind};

/// A heap with `n` young objects of class `Node` (three in-object slots), each held by a
/// handle (their map only by them).
fn heap_with_nodes(n: usize) -> (Heap, Vec<Handle>) {
    let mut heap = Heap::new(Profile::v8_6().with_semi_space(64 * 1024, 64 * 1024));
    let _outermost = heap.open_handle_scope();
    let map = heap.new_class_map("Node", 3).unwrap();
    let hm = heap.handle(map);
    let nodes = (0..n)
        .map(|_| {
            let m = heap.get(hm);
            let o = heap.alloc_object(m).unwrap();
            heap.handle(o)
        })
        .collect();
    unroot(&mut heap, &[hm]);
    (heap, nodes)
}

fn link(heap: &mut Heap, from: Handle, name: &str, to: Handle) {
    let (f, t) = (heap.get(from), heap.get(to));
    heap.set_property(f, name, t).unwrap();
}

/// Drops the handles' objects from the roots (they live on only if referenced).
fn unroot(heap: &mut Heap, handles: &[Handle]) {
    let u = heap.undefined_value();
    for &h in handles {
        heap.set_handle(h, u);
    }
}

fn addr(heap: &Heap, h: Handle) -> Address {
    heap.get(h).addr()
}

fn recording(heap: &Heap) -> &GcRecording {
    heap.gc_recording().expect("recording is on")
}

#[test]
fn recording_is_off_by_default() {
    let (mut heap, _) = heap_with_nodes(1);
    heap.scavenge(GcReason::Explicit);
    heap.collect_garbage(GcReason::Explicit);
    assert!(heap.gc_recording().is_none());
}

/// A → B, A → C, B → C, only A rooted: scanning A copies B and C, scanning B finds C's
/// forwarding address.
#[test]
fn a_scavenge_of_three_objects_records_copies_scans_and_a_forwarding() {
    let (mut heap, n) = heap_with_nodes(3);
    let [a, b, c] = [n[0], n[1], n[2]];
    link(&mut heap, a, "x", b);
    link(&mut heap, a, "y", c);
    link(&mut heap, b, "z", c);
    unroot(&mut heap, &[b, c]);
    heap.set_gc_recording(true);
    heap.scavenge(GcReason::Explicit);

    let s = recording(&heap)
        .scavenge
        .as_ref()
        .expect("a scavenge is kept");
    assert_eq!(s.seq, 1);
    let [na, nb, nc] = [0, 1, 2].map(|i| s.objects[i].addr);
    assert_eq!(na, addr(&heap, a));
    assert!(
        s.objects.iter().all(|o| o.label == "Node" && o.size == 48),
        "{:?}",
        s.objects
    );
    let kinds: Vec<String> = s
        .steps
        .iter()
        .map(|st| match *st {
            ScavengeStep::Flip { .. } => "flip".into(),
            ScavengeStep::Copy { to, promoted, .. } => {
                assert!(!promoted, "first scavenge: nothing is old enough");
                format!("copy {}", name(to, [na, nb, nc]))
            }
            ScavengeStep::Root { kind, to, .. } => {
                assert_eq!(kind, RootKind::HandleScope);
                format!("root {}", name(to, [na, nb, nc]))
            }
            ScavengeStep::Scan { scan, .. } => format!("scan {}", name(scan, [na, nb, nc])),
            ScavengeStep::Forwarded { to, .. } => format!("forwarded {}", name(to, [na, nb, nc])),
            ScavengeStep::Done { scan, alloc } => {
                assert_eq!(scan, alloc);
                "done".into()
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "flip",
            "copy A",
            "root A",
            "scan A",
            "copy B",
            "copy C",
            "scan B",
            "forwarded C",
            "scan C",
            "done"
        ]
    );
    assert_eq!(s.dropped_steps, 0);
}

fn name(a: Address, abc: [Address; 3]) -> &'static str {
    ["A", "B", "C"][abc.iter().position(|&x| x == a).expect("a drawn object")]
}

#[test]
fn a_long_chain_draws_the_first_objects_and_still_ends() {
    let (mut heap, n) = heap_with_nodes(MAX_OBJECTS + 10);
    for w in n.windows(2) {
        link(&mut heap, w[0], "next", w[1]);
    }
    unroot(&mut heap, &n[1..]);
    heap.set_gc_recording(true);
    heap.scavenge(GcReason::Explicit);
    let s = recording(&heap).scavenge.as_ref().unwrap();
    assert_eq!(s.objects.len(), MAX_OBJECTS);
    let copies = s
        .steps
        .iter()
        .filter(|st| matches!(st, ScavengeStep::Copy { .. }))
        .count();
    assert_eq!(copies, MAX_OBJECTS);
    assert!(s.dropped_steps >= 20, "10 copies and 10 scans dropped");
    assert!(matches!(s.steps.last(), Some(ScavengeStep::Done { .. })));
}

/// The steps about the drawn objects, with the addresses named.
fn marking_story(steps: &[MarkingStep], names: &[(Address, &str)]) -> Vec<String> {
    let n = |a: Address| names.iter().find(|(x, _)| *x == a).map_or("?", |(_, s)| s);
    steps
        .iter()
        .map(|st| match *st {
            MarkingStep::Grey {
                object,
                source,
                pushed,
            } => {
                let by = match source {
                    GreySource::Root { .. } => "root".to_string(),
                    GreySource::Field { host } => format!("field of {}", n(host)),
                    GreySource::Barrier { host } => format!("barrier of {}", n(host)),
                    other => format!("{other:?}"),
                };
                let overflow = if pushed { "" } else { " (overflow)" };
                format!("grey {} by {by}{overflow}", n(object))
            }
            MarkingStep::Pop { object } => format!("pop {}", n(object)),
            MarkingStep::Black { object } => format!("black {}", n(object)),
            MarkingStep::Refill { object } => format!("refill {}", n(object)),
            MarkingStep::Rescan { .. } => "rescan".into(),
            MarkingStep::IncrementalStep { .. } => "step".into(),
            MarkingStep::StepEnd { .. } => "step end".into(),
            MarkingStep::Finalize => "finalize".into(),
            MarkingStep::Done => "done".into(),
        })
        .collect()
}

/// Promotes every node (two scavenges) so marking sees them in old space.
fn promote(heap: &mut Heap) {
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
}

#[test]
fn a_marking_with_a_one_entry_worklist_overflows_and_rescans() {
    let (mut heap, n) = heap_with_nodes(3);
    let [a, b, c] = [n[0], n[1], n[2]];
    link(&mut heap, a, "x", b);
    link(&mut heap, a, "y", c);
    promote(&mut heap);
    let [pa, pb, pc] = [a, b, c].map(|h| addr(&heap, h));
    unroot(&mut heap, &[b, c]);
    heap.set_old_gen_config(OldGenConfig {
        worklist_capacity: 1,
        incremental: false,
        ..OldGenConfig::default()
    });
    heap.set_gc_recording(true);
    heap.collect_garbage(GcReason::Explicit);

    let m = recording(&heap)
        .marking
        .as_ref()
        .expect("a marking is kept");
    assert_eq!((m.seq, m.worklist_capacity), (3, 1));
    let names = [(pa, "A"), (pb, "B"), (pc, "C")];
    let story = marking_story(&m.steps, &names);
    // The roots fill the one entry before A: A stays grey, unpushed; a rescan finds it.
    // Visiting A greys its map first (not drawn), which takes the entry, so B and C
    // overflow; each is found by a later rescan. The last rescan finds nothing grey.
    assert_eq!(
        story,
        [
            "grey A by root (overflow)",
            "rescan",
            "refill A",
            "pop A",
            "grey B by field of A (overflow)",
            "grey C by field of A (overflow)",
            "black A",
            "rescan",
            "refill B",
            "pop B",
            "black B",
            "rescan",
            "refill C",
            "pop C",
            "black C",
            "rescan",
            "done"
        ]
    );
    assert_eq!(m.objects.len(), 3);
    assert!(m.objects.iter().all(|o| o.label == "Node"));
}

#[test]
fn incremental_marking_records_steps_and_the_write_barrier_greying() {
    let (mut heap, n) = heap_with_nodes(4);
    let [a, b, c, d] = [n[0], n[1], n[2], n[3]];
    link(&mut heap, a, "x", b);
    link(&mut heap, b, "y", c);
    link(&mut heap, c, "z", d);
    promote(&mut heap);
    let [pa, pb, pc, pd] = [a, b, c, d].map(|h| addr(&heap, h));
    unroot(&mut heap, &[b, c, d]);
    heap.set_gc_recording(true);
    heap.start_incremental_marking();
    while heap.colour(pa) != Colour::Black {
        heap.incremental_marking_step(8);
    }
    assert_eq!(heap.colour(pd), Colour::White);
    // The program stores D into the black A: the barrier greys D.
    let (ta, td) = (heap.get(a), sim::Tagged::strong(pd));
    heap.set_property(ta, "w", td).unwrap();
    assert_eq!(heap.colour(pd), Colour::Grey);
    heap.collect_garbage(GcReason::Explicit);

    let m = recording(&heap).marking.as_ref().unwrap();
    let names = [(pa, "A"), (pb, "B"), (pc, "C"), (pd, "D")];
    let story = marking_story(&m.steps, &names);
    let at = |s: &str| {
        story
            .iter()
            .position(|x| x == s)
            .unwrap_or_else(|| panic!("{s} in {story:?}"))
    };
    assert!(at("grey A by root") < at("step"));
    assert!(at("black A") < at("grey D by barrier of A"));
    assert!(at("grey D by barrier of A") < at("finalize"));
    assert!(at("finalize") < at("black D"));
    assert_eq!(story.last().map(String::as_str), Some("done"));
    assert!(!recording(&heap).incremental_steps.is_empty());
}
