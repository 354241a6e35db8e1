//! Scoring an analyzer against the ground truth (`heapsim verify`, `docs/ground-truth.md`):
//! one run of a scenario (a truth file) and what the analyzer answered about its snapshots
//! ([`Answer`], the `--analyzer` protocol) give one [`RunScore`], a row of the scoreboard.
//!
//! One module per score: [`suspect`] (suspect and accumulation point by id), [`leak_set`]
//! (the three-snapshot leak set's precision and recall), [`retained`] (retained sizes equal
//! to `devtools_retained`), [`control`] (no suspect where nothing leaks); [`scoreboard`]
//! prints the rows. What the analyzer does not answer is *not scored*, never a miss.

pub mod control;
pub mod leak_set;
pub mod retained;
pub mod scoreboard;
pub mod suspect;

use std::collections::BTreeMap;

use crate::truth::TruthFile;

/// What an analyzer prints about one run's snapshots (the `--analyzer` protocol); every
/// field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Leak suspects, the most likely first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspects: Option<Vec<SuspectAnswer>>,
    /// Ids of the objects it finds leaked (allocated between baseline and target, alive in
    /// final).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaked_ids: Option<Vec<u32>>,
    /// Retained size in bytes by node id (JSON object keys are the ids as strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retained: Option<BTreeMap<String, u64>>,
}

/// One suspect: the object and where its memory accumulates.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SuspectAnswer {
    pub id: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accumulation_id: Option<u32>,
}

/// One score of one run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
pub enum Score {
    /// Right; the figures.
    Pass(String),
    /// Wrong; what was expected and found.
    Miss(String),
    /// The analyzer gave no answer for it.
    NotScored,
    /// The score does not apply to this run (a suspect for a control).
    NotApplicable,
}

impl Score {
    pub fn is_miss(&self) -> bool {
        matches!(self, Score::Miss(_))
    }
}

/// A scoreboard row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RunScore {
    pub scenario: String,
    pub format: String,
    pub profile: String,
    pub suspect: Score,
    pub leak_set: Score,
    pub retained: Score,
    pub control: Score,
}

impl RunScore {
    /// Every score of `answer` on the run `truth` describes.
    pub fn of(truth: &TruthFile, answer: &Answer) -> RunScore {
        RunScore {
            scenario: truth.scenario.clone(),
            format: truth.format.clone(),
            profile: truth.profile.clone(),
            suspect: suspect::score(truth, answer),
            leak_set: leak_set::score(truth, answer),
            retained: retained::score(truth, answer),
            control: control::score(truth, answer),
        }
    }

    /// The row's scores in scoreboard order, with their column names.
    pub fn scores(&self) -> [(&'static str, &Score); 4] {
        [
            ("suspect", &self.suspect),
            ("leak set", &self.leak_set),
            ("retained", &self.retained),
            ("control", &self.control),
        ]
    }

    pub fn has_miss(&self) -> bool {
        self.scores().iter().any(|(_, s)| s.is_miss())
    }
}
