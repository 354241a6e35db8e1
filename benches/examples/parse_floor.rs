//! The parse floor of a heap snapshot: read the whole file and scan every integer once, on
//! one core, keeping nothing but a checksum — what any reader of the file must at least do.
//! `scripts/bench-analyzer.sh` measures it next to heapsim and the peers (issue 16):
//!
//! ```text
//! cargo run --release -p heapsim-benches --example parse_floor -- FILE
//! ```
//!
//! Prints `integers N, checksum C`. Digits inside strings count as integers too: a floor may
//! do less than a parser, never more.
use std::io::Read;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_floor FILE");
        std::process::exit(2)
    };
    let mut bytes = Vec::new();
    if let Err(e) = std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        eprintln!("parse_floor: {path}: {e}");
        std::process::exit(1)
    }
    let (count, checksum) = scan_integers(&bytes);
    println!("integers {count}, checksum {checksum}");
}

/// Count and wrapping sum of every maximal run of ASCII digits.
fn scan_integers(bytes: &[u8]) -> (u64, u64) {
    let (mut count, mut sum, mut value, mut in_number) = (0u64, 0u64, 0u64, false);
    for &b in bytes {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
            in_number = true;
        } else if in_number {
            count += 1;
            sum = sum.wrapping_add(value);
            value = 0;
            in_number = false;
        }
    }
    if in_number {
        count += 1;
        sum = sum.wrapping_add(value);
    }
    (count, sum)
}
