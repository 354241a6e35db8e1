//! Writer throughput: MB/s of `.heapsnapshot` output from `format::write_snapshot`.
//!
//! The source is a synthetic heap-shaped graph held in flat columns (so the bench measures
//! the writer, not graph construction): 1 M nodes, ~3.3 edges per node, V8-like name mix
//! (a few hundred class/edge names reused, one distinct string per 8th node as string
//! contents), ids odd and increasing. Output goes to `io::sink()` through the writer's own
//! buffer; throughput is reported per byte of output.
//!
//! Two groups: `writer` (wall clock, criterion's default) and `writer-cpu` (this thread's
//! CPU time from `/proc/thread-self/stat`, 10 ms ticks): the machine is shared by several
//! processes, and CPU time shows what the writer costs whatever the load.

use std::io;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use format::{
    write_snapshot, EdgeKind, EdgeName, EdgeRecord, EdgeSink, Format, LocationSink, NodeKind,
    NodeRecord, NodeSink, SnapshotSource,
};

struct Synthetic {
    kind: Vec<NodeKind>,
    name: Vec<u32>,
    size: Vec<u32>,
    first_edge: Vec<u32>,
    edge_kind: Vec<EdgeKind>,
    edge_name: Vec<u32>,
    edge_to: Vec<u32>,
    names: Vec<String>,
}

impl Synthetic {
    fn new(n: usize) -> Synthetic {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut names: Vec<String> = (0..300).map(|i| format!("Class{i}")).collect();
        names.extend(
            [
                "map",
                "properties",
                "elements",
                "context",
                "shared",
                "previous",
                "table",
            ]
            .map(String::from),
        );
        let (mut kind, mut name, mut size) = (Vec::new(), Vec::new(), Vec::new());
        let mut first_edge = vec![0u32];
        let (mut edge_kind, mut edge_name, mut edge_to) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let r = rnd();
            if i % 8 == 0 {
                kind.push(NodeKind::String);
                name.push(names.len() as u32);
                names.push(format!("string contents number {i} {r:x}"));
            } else {
                kind.push(
                    [
                        NodeKind::Object,
                        NodeKind::Closure,
                        NodeKind::Array,
                        NodeKind::Hidden,
                    ][(r % 4) as usize],
                );
                name.push((r % 300) as u32);
            }
            size.push(16 + (r % 64) as u32 * 8);
            let edges = (r >> 8) % 7;
            for k in 0..edges {
                let r2 = rnd();
                let kd = [
                    EdgeKind::Property,
                    EdgeKind::Internal,
                    EdgeKind::Element,
                    EdgeKind::Context,
                ][(r2 % 4) as usize];
                edge_kind.push(kd);
                edge_name.push(if kd.has_index_name() {
                    k as u32
                } else {
                    300 + (r2 >> 4) as u32 % 7
                });
                edge_to.push((r2 >> 16) as u32 % n as u32);
            }
            first_edge.push(edge_kind.len() as u32);
        }
        Synthetic {
            kind,
            name,
            size,
            first_edge,
            edge_kind,
            edge_name,
            edge_to,
            names,
        }
    }
}

impl SnapshotSource for Synthetic {
    fn node_count(&self) -> u64 {
        self.kind.len() as u64
    }
    fn edge_count(&self) -> u64 {
        self.edge_kind.len() as u64
    }
    fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()> {
        for i in 0..self.kind.len() {
            sink(NodeRecord {
                kind: self.kind[i],
                name: &self.names[self.name[i] as usize],
                id: 61 + 2 * i as u32,
                self_size: self.size[i] as u64,
                edge_count: self.first_edge[i + 1] - self.first_edge[i],
                trace_node_id: 0,
                detachedness: 0,
            })?;
        }
        Ok(())
    }
    fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()> {
        for e in 0..self.edge_kind.len() {
            let kind = self.edge_kind[e];
            let name = if kind.has_index_name() {
                EdgeName::Index(self.edge_name[e])
            } else {
                EdgeName::Name(&self.names[self.edge_name[e] as usize])
            };
            sink(EdgeRecord {
                kind,
                name,
                to: self.edge_to[e] as u64,
            })?;
        }
        Ok(())
    }
    fn visit_locations(&mut self, _sink: LocationSink<'_>) -> io::Result<()> {
        Ok(())
    }
}

/// CPU time (user + system) of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("Linux /proc");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks * 1e7 // USER_HZ = 100 on Linux
}

struct CpuTime;
static WALL: WallTime = WallTime;

impl Measurement for CpuTime {
    type Intermediate = f64;
    type Value = f64;
    fn start(&self) -> f64 {
        thread_cpu_ns()
    }
    fn end(&self, i: f64) -> f64 {
        thread_cpu_ns() - i
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        a + b
    }
    fn zero(&self) -> f64 {
        0.0
    }
    fn to_f64(&self, v: &f64) -> f64 {
        *v
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn bench_writer_cpu(c: &mut Criterion<CpuTime>) {
    let mut src = Synthetic::new(1_000_000);
    let mut g = c.benchmark_group("writer-cpu");
    g.sample_size(10);
    for format in [Format::Node20, Format::Node24] {
        let bytes = write_snapshot(io::sink(), &mut src, format, None)
            .unwrap()
            .bytes;
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(format!("{format}/1M-nodes"), |b| {
            b.iter(|| write_snapshot(io::sink(), &mut src, format, None).unwrap())
        });
    }
    g.finish();
}

fn bench_writer(c: &mut Criterion) {
    let mut src = Synthetic::new(1_000_000);
    let mut g = c.benchmark_group("writer");
    g.sample_size(10);
    for format in [Format::Node20, Format::Node24] {
        let bytes = write_snapshot(io::sink(), &mut src, format, None)
            .unwrap()
            .bytes;
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(format!("{format}/1M-nodes"), |b| {
            b.iter(|| write_snapshot(io::sink(), &mut src, format, None).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench_writer);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench_writer_cpu
}
criterion_main!(benches, cpu);
