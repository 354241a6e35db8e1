//! Mutation fuzzing of the reader (issue 16): real snapshots, damaged at random, must read or
//! fail with one line — never panic, hang or disagree between whole and chunked reading.
//!
//! Seeds: the checked-in layouts of `tests/data/`, plus every `*.heapsnapshot` in the folder
//! `HEAPSIM_FUZZ_SEEDS` names (the long runs of `docs/performance.md` use snapshots Node
//! 20/22/24 wrote). Each case picks a seed and applies 1–8 mutations of the kinds a broken
//! file shows: a byte overwritten (with a JSON-significant or random byte), a range deleted
//! or duplicated, a number's digits grown, the file cut short. `PROPTEST_CASES` sets the
//! number of cases (default 64); a crash is shrunk by proptest and then becomes a test in
//! `bad_input.rs`.

use std::path::Path;

use analyzer::reader::{read_bytes, read_bytes_chunked};
use proptest::prelude::*;

fn seeds() -> Vec<Vec<u8>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut dirs = vec![data];
    if let Some(extra) = std::env::var_os("HEAPSIM_FUZZ_SEEDS") {
        dirs.push(extra.into());
    }
    let mut seeds = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut paths: Vec<_> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "heapsnapshot"))
            .collect();
        paths.sort();
        seeds.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
    }
    assert!(seeds.len() >= 2, "no seed snapshots");
    seeds
}

/// One damage to a file; positions are fractions of its length, so a mutation means the
/// same on every seed and shrinks towards the start.
#[derive(Clone, Debug)]
enum Mutation {
    Overwrite { at: f64, byte: u8 },
    Delete { at: f64, len: usize },
    Duplicate { at: f64, len: usize },
    GrowNumber { at: f64, digits: usize },
    Truncate { at: f64 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let significant = prop::sample::select(b"{}[],:\"\\-.0123456789eE \n".to_vec());
    let byte = prop_oneof![significant, any::<u8>()];
    prop_oneof![
        4 => (0.0..1.0, byte).prop_map(|(at, byte)| Mutation::Overwrite { at, byte }),
        2 => (0.0..1.0, 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => (0.0..1.0, 1usize..64).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        2 => (0.0..1.0, 1usize..24).prop_map(|(at, digits)| Mutation::GrowNumber { at, digits }),
        1 => (0.0..1.0).prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(file: &mut Vec<u8>, m: &Mutation) {
    let pos = |at: f64, len: usize| ((at * len as f64) as usize).min(len.saturating_sub(1));
    if file.is_empty() {
        return;
    }
    match *m {
        Mutation::Overwrite { at, byte } => {
            let i = pos(at, file.len());
            file[i] = byte;
        }
        Mutation::Delete { at, len } => {
            let i = pos(at, file.len());
            file.drain(i..(i + len).min(file.len()));
        }
        Mutation::Duplicate { at, len } => {
            let i = pos(at, file.len());
            let copy = file[i..(i + len).min(file.len())].to_vec();
            file.splice(i..i, copy);
        }
        Mutation::GrowNumber { at, digits } => {
            // Just after the first digit from `at` on, so the number grows (or overflows).
            let from = pos(at, file.len());
            if let Some(d) = file[from..].iter().position(u8::is_ascii_digit) {
                let i = from + d + 1;
                file.splice(i..i, std::iter::repeat_n(b'9', digits));
            }
        }
        Mutation::Truncate { at } => {
            let i = pos(at, file.len());
            file.truncate(i);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: testkit::proptest_cases(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn damaged_snapshots_read_or_fail_in_one_line(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
        chunk in 1usize..4096,
    ) {
        let seeds = SEEDS.with(|s| s.clone());
        let mut file = seeds[seed.index(seeds.len())].as_ref().clone();
        for m in &mutations {
            apply(&mut file, m);
        }
        let whole = read_bytes(&file);
        let chunked = read_bytes_chunked(&file, chunk);
        match (&whole, &chunked) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!((a.node_count(), a.edge_count()), (b.node_count(), b.edge_count()));
            }
            (Err(a), Err(b)) => {
                prop_assert!(!a.to_string().contains('\n'), "error is not one line: {}", a);
                prop_assert_eq!(a.message(), b.message(), "chunking changed the error");
            }
            _ => prop_assert!(false, "whole read {:?}, chunked read {:?}",
                whole.as_ref().map(|_| "ok").map_err(|e| e.to_string()),
                chunked.as_ref().map(|_| "ok").map_err(|e| e.to_string())),
        }
    }
}

thread_local! {
    /// Seeds read once per test thread (a Node snapshot is megabytes).
    static SEEDS: Vec<std::rc::Rc<Vec<u8>>> = seeds().into_iter().map(std::rc::Rc::new).collect();
}
