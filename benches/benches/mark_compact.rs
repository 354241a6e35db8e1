//! Full mark-compact of simulated heaps with 1 M and 10 M live objects: objects marked per
//! second (mark-sweep), MB evacuated per second (every page an evacuation candidate, so each
//! GC moves the whole live old generation), and the cost of incremental marking (start,
//! 192 KB steps until done, final pause) against one atomic full GC on the same heap.
//!
//! `HEAPSIM_BENCH_OBJECTS=1000000` (comma-separated) picks the heap sizes; the default is
//! `1000000,10000000`. Run: `cargo bench -p heapsim-benches --bench mark_compact`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sim::{GcReason, Heap, OldGenConfig, Profile, SpaceId};
use std::time::Duration;

/// A heap of `n` live 32-byte objects (two-slot fixed arrays, each pointing at its
/// predecessor) held in 1024-slot chunk arrays under one root array: about two pointers per
/// object, tree-shaped with long chains, like a program's data.
fn build(n: usize, config: OldGenConfig) -> (Heap, usize) {
    let mut heap = Heap::new(Profile::v8_6().with_max_old_generation(16 << 30));
    heap.set_old_gen_config(OldGenConfig {
        incremental: false,
        ..config.clone()
    });
    let chunks = n.div_ceil(1024);
    let root = heap.alloc_fixed_array(chunks).unwrap();
    let g = heap.new_global_handle(root);
    let mut made = 0;
    for c in 0..chunks {
        let scope = heap.open_handle_scope();
        let arr = heap.alloc_fixed_array(1024).unwrap();
        let ha = heap.handle(arr);
        let prev = heap.handle(heap.undefined_value());
        for i in 0..1024.min(n - made) {
            let o = heap.alloc_fixed_array(2).unwrap();
            let p = heap.get(prev);
            heap.fixed_array_set(o, 0, p);
            heap.fixed_array_set(o, 1, sim::Tagged::smi(i as i32));
            heap.set_handle(prev, o);
            let a = heap.get(ha);
            heap.fixed_array_set(a, i, o);
            made += 1;
        }
        let (r, a) = (heap.get_global(g), heap.get(ha));
        heap.fixed_array_set(r, c, a);
        heap.close_handle_scope(scope);
    }
    // Promote everything, then settle the old generation.
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
    heap.collect_garbage(GcReason::Explicit);
    heap.set_old_gen_config(config);
    let live = heap.space_used(SpaceId::Old) + heap.space_used(SpaceId::LargeObject);
    (heap, live)
}

fn sizes() -> Vec<usize> {
    std::env::var("HEAPSIM_BENCH_OBJECTS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000_000, 10_000_000])
}

fn atomic() -> OldGenConfig {
    OldGenConfig {
        incremental: false,
        fragmentation_percent: 101,
        ..OldGenConfig::default()
    }
}

fn mark_sweep(c: &mut Criterion) {
    let mut g = c.benchmark_group("mark_sweep");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for n in sizes() {
        let (mut heap, _) = build(n, atomic());
        let marked = heap
            .collect_garbage(GcReason::Explicit)
            .full_gc
            .objects_marked;
        g.throughput(Throughput::Elements(marked as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                heap.collect_garbage(GcReason::Explicit)
                    .full_gc
                    .objects_marked
            })
        });
    }
    g.finish();
}

fn mark_compact(c: &mut Criterion) {
    let mut g = c.benchmark_group("mark_compact_evacuate_all");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for n in sizes() {
        let (mut heap, _) = build(
            n,
            OldGenConfig {
                compact_every_gc: true,
                ..atomic()
            },
        );
        let moved = heap
            .collect_garbage(GcReason::Explicit)
            .full_gc
            .bytes_evacuated;
        g.throughput(Throughput::Bytes(moved as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                heap.collect_garbage(GcReason::Explicit)
                    .full_gc
                    .bytes_evacuated
            })
        });
    }
    g.finish();
}

fn incremental_vs_atomic(c: &mut Criterion) {
    let mut g = c.benchmark_group("incremental_vs_atomic");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let n = sizes()[0];
    let (mut heap, _) = build(n, atomic());
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("atomic", n), |b| {
        b.iter(|| {
            heap.collect_garbage(GcReason::Explicit)
                .full_gc
                .objects_marked
        })
    });
    g.bench_function(BenchmarkId::new("incremental_192KB_steps", n), |b| {
        b.iter(|| {
            heap.start_incremental_marking();
            while !heap.incremental_marking_step(192 * 1024) {}
            heap.collect_garbage(GcReason::FinalizeMarking)
                .full_gc
                .incremental_steps
        })
    });
    g.finish();
}

criterion_group!(benches, mark_sweep, mark_compact, incremental_vs_atomic);
criterion_main!(benches);
