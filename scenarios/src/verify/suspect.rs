//! Score: the analyzer's first suspect is the truth's suspect and its accumulation point
//! the truth's accumulation point, both by snapshot id (a leak scenario only). The first
//! suspect, because that is the one a report leads with and a user acts on.

use super::{Answer, Score};
use crate::truth::TruthFile;

pub fn score(truth: &TruthFile, answer: &Answer) -> Score {
    let Some(leak) = &truth.leak else {
        return Score::NotApplicable;
    };
    let Some(suspects) = &answer.suspects else {
        return Score::NotScored;
    };
    let (Some(want), Some(want_acc)) = (&leak.suspect, &leak.accumulation) else {
        return Score::Miss("the truth names no suspect on the stated path".into());
    };
    let Some(first) = suspects.first() else {
        return Score::Miss(format!("no suspect (expected {} @{})", want.class, want.id));
    };
    let found_acc = first.accumulation_id;
    if first.id == want.id && found_acc == Some(want_acc.id) {
        return Score::Pass(format!("@{} → @{}", want.id, want_acc.id));
    }
    Score::Miss(format!(
        "@{} → {} (expected {} @{} → {} @{})",
        first.id,
        found_acc.map_or("?".to_string(), |a| format!("@{a}")),
        want.class,
        want.id,
        want_acc.class,
        want_acc.id
    ))
}
