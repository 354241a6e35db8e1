//! `heapsim summary FILE --by-allocation`: per Summary class, the allocation stacks its
//! instances were allocated at (`analyzer::allocation`), largest total shallow size first —
//! DevTools' Allocation stack, summed over a class.

use super::output::outln;
use std::path::Path;

use analyzer::analysis::Analysis;
use analyzer::devtools::summary::{members, ClassRow};
use analyzer::units::{human_bytes, thousands};
use serde_json::{json, Value};

use super::common::clip;

/// Stacks listed per class.
const STACKS_PER_CLASS: usize = 3;
/// Frames printed per stack in text (JSON has them all).
const FRAMES_SHOWN: usize = 4;

/// One class's stacks: `(count, shallow size, frames innermost first)`.
type Stacks = Vec<(u64, u64, Vec<String>)>;

fn class_stacks(a: &Analysis, row: &ClassRow) -> Stacks {
    let s = &a.snapshot;
    let members = members(a, row.class);
    s.traces
        .by_stack(members.into_iter(), &s.nodes.trace_node_id, |v| {
            s.self_size(v)
        })
        .into_iter()
        .take(STACKS_PER_CLASS)
        .map(|(at, count, size)| (count, size, s.traces.stack_text(&s.strings, at)))
        .collect()
}

/// Prints the stacks of the first `rows`, or a one-line error when the file has no traces.
pub fn print(a: &Analysis, file: &Path, rows: &[ClassRow], as_json: bool) -> anyhow::Result<()> {
    if a.snapshot.traces.is_empty() {
        anyhow::bail!(
            "{}: no allocation stacks; take the snapshot with allocation tracking \
             (node --track-heap-objects, or the inspector's HeapProfiler.startTrackingHeapObjects)",
            file.display()
        );
    }
    if as_json {
        let classes: Vec<Value> = rows
            .iter()
            .map(|r| {
                let stacks: Vec<Value> = class_stacks(a, r)
                    .into_iter()
                    .map(|(count, size, frames)| {
                        json!({"count": count, "self_size": size, "frames": frames})
                    })
                    .collect();
                json!({"class": r.name, "count": r.count, "self_size": r.self_size, "stacks": stacks})
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({ "classes": classes }))?
        );
        return Ok(());
    }
    for r in rows {
        outln!(
            "{}  {} objects  {}",
            clip(&r.name, 60),
            thousands(r.count),
            human_bytes(r.self_size)
        );
        for (count, size, frames) in class_stacks(a, r) {
            let mut shown: Vec<&str> = frames
                .iter()
                .take(FRAMES_SHOWN)
                .map(|f| f.as_str())
                .collect();
            if frames.len() > FRAMES_SHOWN {
                shown.push("…");
            }
            outln!(
                "  {} × {}  at {}",
                thousands(count),
                human_bytes(size),
                shown.join(" ← ")
            );
        }
    }
    Ok(())
}
