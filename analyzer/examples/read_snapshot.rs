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
            println!(
                "nodes {} edges {} strings {} locations {} columns {} MB read {secs:.3} s",
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
