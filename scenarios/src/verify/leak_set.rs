//! Score: the analyzer's three-snapshot leak set (baseline/target/final) against the
//! truth's leaked set — precision (how much of what it reports leaked) and recall (how
//! much of what leaked it reports); both must be 100 %. A control has no leaked set: there
//! the `control` score says whether the analyzer keeps quiet.
//!
//! Compared are the objects a program allocates, the unit memlab's method and heapsim's
//! `diff` report (memlab, `find-leaks`): nodes of type `object`, `closure`, `regexp` and
//! `native` not named `system / …`. Strings, V8's backing stores and contexts are counted
//! inside the objects holding them, so an analyzer is not asked to list them.

use std::collections::HashSet;

use super::{Answer, Score};
use crate::truth::{LeakedObject, TruthFile};

/// Whether a leaked object is one the score compares (see the module doc).
pub fn is_program_object(o: &LeakedObject) -> bool {
    matches!(o.kind.as_str(), "object" | "closure" | "regexp" | "native")
        && !o.name.starts_with("system / ")
}

pub fn score(truth: &TruthFile, answer: &Answer) -> Score {
    let Some(leak) = &truth.leak else {
        return Score::NotApplicable;
    };
    let Some(reported) = &answer.leaked_ids else {
        return Score::NotScored;
    };
    let expected: HashSet<u32> = leak
        .leaked
        .iter()
        .filter(|o| is_program_object(o))
        .map(|o| o.id)
        .collect();
    let reported: HashSet<u32> = reported.iter().copied().collect();
    let hits = reported.intersection(&expected).count();
    let ratio = |part: usize, whole: usize| match whole {
        0 => 1.0,
        _ => part as f64 / whole as f64,
    };
    let (precision, recall) = (ratio(hits, reported.len()), ratio(hits, expected.len()));
    let figures = format!(
        "P {:.1} % R {:.1} % ({hits} of {} reported, {} leaked)",
        100.0 * precision,
        100.0 * recall,
        reported.len(),
        expected.len()
    );
    if hits == reported.len() && hits == expected.len() {
        Score::Pass(figures)
    } else {
        Score::Miss(figures)
    }
}
