//! The ground-truth file beside every snapshot heapsim writes (`FILE.truth.json`): one type
//! and one serializer for both commands that write one.
//!
//! * `heapsim scenario` says what its scenario leaks: `{"accumulation_class",
//!   "leaked_class", "requests", "scenario", "suspect_class"}`, the classes null for the
//!   control scenario (keys in this order, the order of a sorted JSON map, which the file
//!   had first).
//! * `heapsim generate` lists `retained_by_gc` for a sample of objects: `{"objects":
//!   [{"id", "name", "retained_by_gc"}]}` (see [`sim::snapshot::truth`]).
//!
//! A file with an object sample is written on one line, since the sample may hold millions
//! of entries; the others are pretty-printed for people to read.

use std::io::{self, Write};

use sim::snapshot::truth::TruthEntry;

use crate::{Scenario, Truth};

/// The content of a truth file.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TruthFile {
    /// What a scenario leaks (`heapsim scenario`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub leak: Option<LeakTruth>,
    /// `retained_by_gc` of sampled objects (`heapsim generate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objects: Option<Vec<TruthEntry>>,
}

/// A scenario's run and what it leaks, as a leak report should name it; see [`Truth`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LeakTruth {
    pub accumulation_class: Option<&'static str>,
    pub leaked_class: Option<&'static str>,
    pub requests: usize,
    pub scenario: &'static str,
    pub suspect_class: Option<&'static str>,
}

impl TruthFile {
    /// The truth of `scenario` run with `requests` requests.
    pub fn of_scenario(scenario: &Scenario, requests: usize) -> TruthFile {
        let t: Option<Truth> = scenario.truth;
        TruthFile {
            leak: Some(LeakTruth {
                accumulation_class: t.map(|t| t.accumulation_class),
                leaked_class: t.map(|t| t.leaked_class),
                requests,
                scenario: scenario.name,
                suspect_class: t.map(|t| t.suspect_class),
            }),
            objects: None,
        }
    }

    /// The truth of a generated heap: its sampled objects.
    pub fn of_sample(objects: Vec<TruthEntry>) -> TruthFile {
        TruthFile {
            leak: None,
            objects: Some(objects),
        }
    }
}

/// Writes `truth` as JSON and a final newline (see the module doc for the layout).
pub fn write_truth(mut out: impl Write, truth: &TruthFile) -> io::Result<()> {
    if truth.objects.is_some() {
        serde_json::to_writer(&mut out, truth)?;
    } else {
        serde_json::to_writer_pretty(&mut out, truth)?;
    }
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
    fn scenario_truth_is_pretty_with_nulls_for_the_control() {
        let control = crate::find("control").unwrap();
        assert_eq!(
            written(&TruthFile::of_scenario(control, 200)),
            "{\n  \"accumulation_class\": null,\n  \"leaked_class\": null,\n  \"requests\": 200,\n  \"scenario\": \"control\",\n  \"suspect_class\": null\n}\n"
        );
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
