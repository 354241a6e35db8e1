//! The ground-truth file beside a snapshot `heapsim generate` writes (`FILE.truth.json`):
//! one type and one serializer.
//!
//! * `heapsim generate` lists `retained_by_gc` for a sample of objects: `{"objects":
//!   [{"id", "name", "retained_by_gc"}]}` (see [`sim::snapshot::truth`]).
//!
//! It is written on one line, since the sample may hold millions of entries.

use std::io::{self, Write};

use sim::snapshot::truth::TruthEntry;

/// The content of a truth file.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TruthFile {
    /// `retained_by_gc` of sampled objects (`heapsim generate`).
    pub objects: Vec<TruthEntry>,
}

impl TruthFile {
    /// The truth of a generated heap: its sampled objects.
    pub fn of_sample(objects: Vec<TruthEntry>) -> TruthFile {
        TruthFile { objects }
    }
}

/// Writes `truth` as JSON and a final newline on one line.
pub fn write_truth(mut out: impl Write, truth: &TruthFile) -> io::Result<()> {
    serde_json::to_writer(&mut out, truth)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(t: &TruthFile) -> String {
        let mut out = Vec::new();
        write_truth(&mut out, t).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sample_truth_is_one_line() {
        let t = TruthFile::of_sample(vec![TruthEntry {
            id: 7,
            name: "a\"b".into(),
            retained_by_gc: 32,
        }]);
        assert_eq!(
            written(&t),
            "{\"objects\":[{\"id\":7,\"name\":\"a\\\"b\",\"retained_by_gc\":32}]}\n"
        );
    }
}
