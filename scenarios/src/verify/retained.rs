//! Score: the analyzer's retained size equals `devtools_retained` exactly on every sampled
//! object where it is defined (an object it gives no size for is a miss).

use super::{Answer, Score};
use crate::truth::TruthFile;

pub fn score(truth: &TruthFile, answer: &Answer) -> Score {
    let Some(retained) = &answer.retained else {
        return Score::NotScored;
    };
    let defined: Vec<(u32, u64)> = truth
        .objects
        .iter()
        .filter_map(|o| o.devtools_retained.map(|d| (o.id, d)))
        .collect();
    let wrong: Vec<String> = defined
        .iter()
        .filter_map(|&(id, want)| match retained.get(&id.to_string()) {
            Some(&got) if got == want => None,
            Some(&got) => Some(format!("@{id} {got} ≠ {want}")),
            None => Some(format!("@{id} missing")),
        })
        .collect();
    let exact = defined.len() - wrong.len();
    let figures = format!("{exact}/{} exact", defined.len());
    match wrong.first() {
        None => Score::Pass(figures),
        Some(first) => Score::Miss(format!("{figures}, e.g. {first}")),
    }
}
