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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocation::{AllocationTraces, TraceFunction};
    use crate::snapshot::SnapshotBuilder;
    use format::NodeKind;

    #[test]
    fn objects_group_by_stack_largest_first_and_untracked_snapshots_have_none() {
        let mut b = SnapshotBuilder::new();
        let _root = b.node(NodeKind::Synthetic, "", 0);
        let objects: Vec<NodeIx> = (0..6)
            .map(|i| b.node(NodeKind::Object, "Session", 10 + i))
            .collect();
        let mut s = b.finish();
        assert_eq!(of(&s, objects.iter().copied()), None);

        let mut frame = |name: &str, line| TraceFunction {
            name: s.strings.push(name),
            script_name: s.strings.push("app.js"),
            line,
            column: 3,
        };
        let functions = vec![frame("(root)", 0), frame("main", 9), frame("login", 2)];
        // Trace nodes 1 (root) → 2 main → 3 login, and 4 main's own allocations.
        s.traces = AllocationTraces::new(
            functions,
            vec![1, 2, 3, 4],
            vec![u32::MAX, 0, 1, 0],
            vec![0, 1, 2, 1],
        );
        // Objects 1–3 allocated in login, 4 in main, 5 untracked, 6 in login too.
        s.nodes.trace_node_id = vec![0, 3, 3, 3, 4, 0, 3];
        let stacks = of(&s, objects.iter().copied()).unwrap();
        assert_eq!(
            stacks,
            vec![
                Stack {
                    count: 4,
                    self_size: 10 + 11 + 12 + 15,
                    frames: vec!["login app.js:2:3".into(), "main app.js:9:3".into()],
                },
                Stack {
                    count: 1,
                    self_size: 13,
                    frames: vec!["main app.js:9:3".into()],
                },
            ]
        );
    }
}
