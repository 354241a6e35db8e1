//! Snapshots of the heaps `heapsim generate` builds ([`scenarios::shapes`]): every shape and
//! format gives a consistent file, heap-order ordinals and stable ids.

use format::Format;
use scenarios::shapes;
use sim::snapshot::{index, write_heap_snapshot, Prepared, SnapshotOptions};
use sim::{Address, GcReason, Handle, Heap, Profile, Tagged};

fn heap(shape: shapes::Shape) -> Heap {
    let mut h = Heap::new(Profile::modern());
    shapes::build(&mut h, shape, 4000, 3).unwrap();
    h
}

/// The written file against the graph it came from: layout, roots, ids, edge targets.
fn check_file(bytes: &[u8], format: Format, p: &Prepared) {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let width = format.node_width() as usize;
    let nodes: Vec<u64> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    let edges: Vec<u64> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    let strings = v["strings"].as_array().unwrap();
    let n = nodes.len() / width;
    assert_eq!(n as u64, v["snapshot"]["node_count"].as_u64().unwrap());
    assert_eq!(
        edges.len() as u64 / 3,
        v["snapshot"]["edge_count"].as_u64().unwrap()
    );
    assert_eq!(n as u32, p.included.base + p.included.count());
    assert_eq!(strings[0], "<dummy>");
    // Root, (GC roots), sub-roots: names and ids as V8 writes them.
    assert_eq!(strings[nodes[1] as usize], "");
    assert_eq!((nodes[2], nodes[width + 2]), (1, 3));
    assert_eq!(strings[nodes[width + 1] as usize], "(GC roots)");
    for (i, s) in format.sub_roots().iter().enumerate() {
        let r = (2 + i) * width;
        assert_eq!(strings[nodes[r + 1] as usize], *s);
        assert_eq!(nodes[r + 2], 5 + 2 * i as u64);
    }
    // Object ids: odd, unique, from the version's first id.
    let mut ids: Vec<u64> = (p.included.base as usize..n)
        .map(|v| nodes[v * width + 2])
        .collect();
    assert!(ids
        .iter()
        .all(|id| id % 2 == 1 && *id >= format.first_object_id() as u64));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n - p.included.base as usize);
    // Edge counts sum up; every target is a node start.
    let total: u64 = (0..n).map(|v| nodes[v * width + 4]).sum();
    assert_eq!(total as usize, edges.len() / 3);
    assert!(edges
        .chunks(3)
        .all(|e| e[2] % width as u64 == 0 && (e[2] as usize) < nodes.len()));
    // The root's shortcut goes to the global object.
    assert_eq!(
        (edges[3], strings[edges[4] as usize].as_str()),
        (5, Some("2"))
    );
}

#[test]
fn snapshots_of_every_shape_and_format_are_consistent() {
    for (i, shape) in [
        shapes::Shape::Heap,
        shapes::Shape::Weak,
        shapes::Shape::Chains,
    ]
    .into_iter()
    .enumerate()
    {
        let format = Format::ALL[i];
        for gc in [true, false] {
            let mut h = heap(shape);
            let mut out = Vec::new();
            let (stats, p) =
                write_heap_snapshot(&mut h, &mut out, &SnapshotOptions { format, gc }, None)
                    .unwrap();
            assert_eq!(stats.bytes as usize, out.len());
            check_file(&out, format, &p);
            // The filter keeps exactly what the simulator's own marking keeps.
            assert_eq!(p.live_bytes, h.live_bytes_by_marking(), "{shape:?} gc={gc}");
            if gc {
                assert_eq!(p.included.count() as u64, p.live.count_ones());
            } else {
                assert_eq!(p.included.count(), p.graph.len());
            }
        }
    }
}

#[test]
fn index_ordinals_follow_heap_order() {
    let h = heap(shapes::Shape::Mixed);
    let idx = index::ObjectIndex::build(&h);
    for (o, a) in h.objects().enumerate() {
        assert_eq!(idx.ordinal(a), Some(o as u32));
        assert_eq!(idx.ordinal(a + 8), None, "inner addresses are not objects");
    }
    assert_eq!(idx.len() as usize, h.objects().count());
}

#[test]
fn ids_are_stable_across_snapshots_and_gcs() {
    let mut h = heap(shapes::Shape::Heap);
    let opts = SnapshotOptions::default();
    write_heap_snapshot(&mut h, std::io::sink(), &opts, None).unwrap();
    // A handle per object follows it through the GCs, independently of the id table,
    // so each id is checked against its own object: two objects swapping ids fail.
    let scope = h.open_handle_scope();
    let addrs: Vec<Address> = h.objects().collect();
    let before: Vec<(Handle, Address, u32)> = addrs
        .into_iter()
        .map(|a| {
            (
                h.handle(Tagged::strong(a)),
                a,
                h.existing_object_id(a).unwrap(),
            )
        })
        .collect();
    h.scavenge(GcReason::Explicit);
    write_heap_snapshot(&mut h, std::io::sink(), &opts, None).unwrap();
    let mut moved = 0;
    for &(obj, was, id) in &before {
        let a = h.get(obj).addr();
        assert_eq!(
            h.existing_object_id(a),
            Some(id),
            "object moved {was:#x} → {a:#x}"
        );
        moved += usize::from(a != was);
    }
    assert!(moved > 0, "the GCs moved objects");
    assert_eq!(h.objects().count(), before.len(), "same live objects");
    h.close_handle_scope(scope);
}
