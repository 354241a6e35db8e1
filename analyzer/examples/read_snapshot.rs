//! Reads a snapshot and prints its size and how long the read took: the reader benchmark.
//!
//! `cargo run --release -p heapsim-analyzer --example read_snapshot -- FILE`
//! (wrap in `/usr/bin/time -v` for peak RSS).

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: read_snapshot FILE");
        std::process::exit(2);
    };
    let t = Instant::now();
    let opts = analyzer::reader::ReadOptions { progress: true };
    match analyzer::reader::read_path(std::path::Path::new(&path), &opts) {
        Ok(s) => {
            let secs = t.elapsed().as_secs_f64();
            // On a busy machine wall time mostly measures the wait for a core; the CPU time of
            // the reading (main) thread is what the wall time would be with two free cores,
            // as long as the other threads' CPU time fits on the second core.
            let (main_cpu, all_cpu) = (
                cpu_secs("/proc/thread-self/stat"),
                cpu_secs("/proc/self/stat"),
            );
            println!(
                "nodes {} edges {} strings {} locations {} columns {} MB read {secs:.3} s \
                 cpu: main thread {main_cpu:.2} s, all threads {all_cpu:.2} s",
                s.node_count(),
                s.edge_count(),
                s.strings.len(),
                s.locations.len(),
                s.heap_bytes() >> 20
            );
        }
        Err(e) => {
            eprintln!(
                "read_snapshot: {}: {e}",
                std::path::Path::new(&path).display()
            );
            std::process::exit(2);
        }
    }
}

/// utime + stime from a `/proc/.../stat` file, in seconds (Linux; 0 elsewhere).
fn cpu_secs(path: &str) -> f64 {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = text.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
