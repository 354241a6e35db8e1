//! Shared helpers for heapsim's criterion benchmarks (the benches themselves live in
//! `benches/benches/`).
