//! Simulator benchmarks: allocation throughput (objects/s) and scavenge throughput (bytes of
//! live data copied per second) at 10–90 % survival, next to `memcpy` bandwidth on the same
//! machine — the physical ceiling for a copying collector.
//!
//! `cargo bench -p heapsim-benches --bench sim` (add `-- --measurement-time 2` for a quick
//! run). Results go to `docs/performance.md` with machine and date.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use sim::{GcReason, Heap, Profile};
use std::hint::black_box;

const SEMI: usize = 8 * 1024 * 1024;
/// Slots per benchmark object: a 64-byte fixed array (map, length, 6 slots).
const SLOTS: usize = 6;

fn memcpy(c: &mut Criterion) {
    let mut g = c.benchmark_group("memcpy");
    let src = vec![0x5au64; SEMI / 8];
    let mut dst = vec![0u64; SEMI / 8];
    g.throughput(Throughput::Bytes(SEMI as u64));
    g.bench_function("8MB", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&mut dst);
        })
    });
    g.finish();
}

fn allocation(c: &mut Criterion) {
    let mut g = c.benchmark_group("allocation");
    const N: usize = 100_000;
    g.throughput(Throughput::Elements(N as u64));
    // Short-lived 64-byte arrays in a default heap: bump allocation plus the scavenges that
    // empty new space (nothing survives).
    g.bench_function("fixed_array_64B", |b| {
        let mut heap = Heap::new(Profile::v8_6());
        b.iter(|| {
            for _ in 0..N {
                black_box(heap.alloc_fixed_array(SLOTS).unwrap());
            }
        })
    });
    g.bench_function("js_object_2_props", |b| {
        let mut heap = Heap::new(Profile::v8_6());
        let map = heap.class_map("Point", 2).unwrap();
        let gm = heap.new_global_handle(map);
        b.iter(|| {
            for _ in 0..N {
                let m = heap.get_global(gm);
                black_box(heap.alloc_object(m).unwrap());
            }
        })
    });
    g.finish();
}

/// A heap whose new space holds ~7.5 MB of 64-byte arrays, `percent` % of them reachable
/// (from global handles), each survivor pointing at the previous one. Returns the heap
/// and the live bytes.
fn filled(percent: usize) -> (Heap, usize) {
    let mut heap = Heap::new(Profile::v8_6().with_semi_space(SEMI, SEMI));
    // Touch both semi-spaces once, as a running heap has: otherwise the timed scavenge
    // would mostly measure the kernel's first-touch page faults on a fresh to-space.
    for _ in 0..2 {
        while heap.space_used(sim::SpaceId::New) + 16 + 8 * SLOTS <= SEMI {
            black_box(heap.alloc_fixed_array(SLOTS).unwrap());
        }
        heap.scavenge(GcReason::Explicit);
    }
    let gcs = heap.events().len();
    let n = (SEMI - SEMI / 16) / (16 + 8 * SLOTS);
    let mut prev = None;
    let mut live = 0;
    for i in 0..n {
        let a = heap.alloc_fixed_array(SLOTS).unwrap();
        // 37 is coprime to 100: exactly `percent` of every 100 consecutive objects live,
        // spread out rather than in one block.
        if (i * 37) % 100 < percent {
            if let Some(p) = prev {
                let pv = heap.get_global(p);
                heap.fixed_array_set(a, 0, pv);
            }
            prev = Some(heap.new_global_handle(a));
            live += 16 + 8 * SLOTS;
        }
    }
    assert_eq!(heap.events().len(), gcs, "the fill must not scavenge");
    (heap, live)
}

fn scavenge(c: &mut Criterion) {
    let mut g = c.benchmark_group("scavenge");
    for percent in [10, 30, 50, 70, 90] {
        let (mut heap, live) = filled(percent);
        assert_eq!(
            heap.scavenge(GcReason::Explicit).bytes_copied,
            live,
            "throughput counts exactly the copied bytes"
        );
        g.throughput(Throughput::Bytes(live as u64));
        g.bench_with_input(
            BenchmarkId::new("survival_pct", percent),
            &percent,
            |b, &p| {
                b.iter_batched(
                    || filled(p).0,
                    |mut heap| {
                        let e = heap.scavenge(GcReason::Explicit);
                        assert_eq!(e.objects_promoted, 0);
                        black_box(e.bytes_copied);
                        heap
                    },
                    BatchSize::LargeInput,
                )
            },
        );
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = memcpy, allocation, scavenge
}
criterion_main!(benches);
