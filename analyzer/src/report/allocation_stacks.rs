//! Where a report's objects were allocated: DevTools' "Allocation stack", summed per stack.
//!
//! In a snapshot taken with allocation tracking (`node --track-heap-objects`, the
//! inspector's `HeapProfiler.startTrackingHeapObjects`), every object names the trace node
//! of the call stack that allocated it ([`crate::allocation`]). A leak report's objects —
//! a suspect's accumulated objects, a three-snapshot leak group's members, a Summary class
//! (`summary --by-allocation`) — are grouped by that stack: per stack the number of objects
//! and their shallow size (what DevTools' Allocation view counts as *live size*), largest
//! first, at most [`MAX_STACKS`]. Objects V8 kept no stack for are left out. Without
//! allocation tracking there is nothing to group: [`of`] says so with `None`, and reports
//! leave the stacks out.

use serde::Serialize;

use crate::snapshot::{HeapSnapshot, NodeIx};

/// Stacks listed per suspect, leak group or class.
pub const MAX_STACKS: usize = 3;

/// The objects allocated at one stack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stack {
    pub count: u64,
    /// Their shallow sizes, summed.
    pub self_size: u64,
    /// The stack's frames, innermost first (`openSession growth.js:44:22`).
    pub frames: Vec<String>,
}

/// The allocation stacks of `nodes`, largest first, at most [`MAX_STACKS`]; `None` when the
/// snapshot has no allocation traces.
pub fn of(s: &HeapSnapshot, nodes: impl Iterator<Item = NodeIx>) -> Option<Vec<Stack>> {
    if s.traces.is_empty() {
        return None;
    }
    let stacks = s
        .traces
        .by_stack(nodes, &s.nodes.trace_node_id, |v| s.self_size(v))
        .into_iter()
        .take(MAX_STACKS)
        .map(|(at, count, self_size)| Stack {
            count,
            self_size,
            frames: s.traces.stack_text(&s.strings, at),
        })
        .collect();
    Some(stacks)
}
