//! `heapsim summary FILE --by-allocation`: per Summary class, the allocation stacks its
//! instances were allocated at (`analyzer::report::allocation_stacks`), largest total shallow
//! size first —
//! DevTools' Allocation stack, summed over a class.

use super::output::outln;
use std::path::Path;

use analyzer::analysis::Analysis;
use analyzer::devtools::summary::{members, ClassRow};
use analyzer::report::allocation_stacks::{self, Stack};
use analyzer::report::{json, text};
use analyzer::units::{human_bytes, thousands};
use serde_json::json;

use super::common::clip;

fn class_stacks(a: &Analysis, row: &ClassRow) -> Vec<Stack> {
    allocation_stacks::of(&a.snapshot, members(a, row.class).into_iter()).unwrap_or_default()
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
        let classes: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                json!({"class": r.name, "count": r.count, "self_size": r.self_size,
                    "stacks": class_stacks(a, r)})
            })
            .collect();
        let out = json::Document::new(&[file], json!({ "classes": classes }));
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    for r in rows {
        outln!(
            "{}  {} objects  {}",
            clip(&r.name, 60),
            thousands(r.count),
            human_bytes(r.self_size)
        );
        for st in class_stacks(a, r) {
            outln!("  {}", text::stack_line(&st));
        }
    }
    Ok(())
}
