//! Score: where the script states that nothing leaks (`expect.noLeak`), the analyzer names
//! no suspect.

use super::{Answer, Score};
use crate::truth::TruthFile;

pub fn score(truth: &TruthFile, answer: &Answer) -> Score {
    if truth.expectation != "no_leak" {
        return Score::NotApplicable;
    }
    match &answer.suspects {
        None => Score::NotScored,
        Some(s) if s.is_empty() => Score::Pass("no suspect".into()),
        Some(s) => Score::Miss(format!("{} suspect(s), the first @{}", s.len(), s[0].id)),
    }
}
