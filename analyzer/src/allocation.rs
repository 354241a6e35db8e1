//! Allocation stacks: where each object was allocated, in snapshots taken with allocation
//! tracking (DevTools' "Allocation instrumentation", the inspector's
//! `HeapProfiler.startTrackingHeapObjects`, or `node --track-heap-objects`).
//!
//! Source: V8's `HeapSnapshotJSONSerializer` (`SerializeTraceTree`,
//! `SerializeTraceNodeInfos` in `heap-snapshot-generator.cc`) and DevTools'
//! `AllocationProfile.ts`, which reads them:
//! * `trace_function_infos`: flat, `trace_function_info_fields` per function —
//!   `function_id, name, script_name, script_id, line, column`; `name` and `script_name`
//!   are string indices, `line` and `column` one-based with 0 for unknown;
//! * `trace_tree`: the tree of call stacks, each node `[id, function_info_index, count,
//!   size, [children…]]` (`trace_node_fields`, `children` last), the root first;
//! * a node's `trace_node_id` names the trace node of the stack that allocated it (0: none).
//!
//! A node's allocation stack is its trace node and the trace node's ancestors, innermost
//! frame first, as DevTools' "Allocation stack" pane lists it. The tree is kept as flat
//! parent/function columns; [`AllocationTraces::by_stack`] groups objects by their stack.

use std::collections::HashMap;

use crate::snapshot::{NodeIx, StringTable};

const NONE: u32 = u32::MAX;

/// One function of `trace_function_infos`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceFunction {
    /// String index of the function name.
    pub name: u32,
    /// String index of the script name.
    pub script_name: u32,
    /// One-based; 0 when unknown.
    pub line: u32,
    /// One-based; 0 when unknown.
    pub column: u32,
}

/// The allocation trace tree of a snapshot (empty without allocation tracking).
#[derive(Clone, Debug, Default)]
pub struct AllocationTraces {
    pub functions: Vec<TraceFunction>,
    /// Per trace node, in file order: its V8 id, parent position ([`u32::MAX`] for the
    /// root) and function (index into `functions`).
    pub ids: Vec<u32>,
    pub parent: Vec<u32>,
    pub function: Vec<u32>,
    /// Trace node id → position.
    index: HashMap<u32, u32>,
}

impl AllocationTraces {
    /// Assembles the tree from decoded columns; `function` must index `functions`.
    pub fn new(
        functions: Vec<TraceFunction>,
        ids: Vec<u32>,
        parent: Vec<u32>,
        function: Vec<u32>,
    ) -> AllocationTraces {
        let index = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        AllocationTraces {
            functions,
            ids,
            parent,
            function,
            index,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Position of trace node `trace_id` (0 and unknown ids: none).
    pub fn position(&self, trace_id: u32) -> Option<u32> {
        if trace_id == 0 {
            return None;
        }
        self.index.get(&trace_id).copied()
    }

    /// The functions of the stack at trace node position `at`, innermost first, without
    /// the synthetic root (V8's `(root)`).
    pub fn stack(&self, at: u32) -> Vec<TraceFunction> {
        let mut out = Vec::new();
        let mut t = at;
        while t != NONE && self.parent[t as usize] != NONE {
            out.push(self.functions[self.function[t as usize] as usize]);
            t = self.parent[t as usize];
        }
        out
    }

    /// `name script:line:column`, as DevTools' stack pane shows a frame.
    pub fn frame_text(strings: &StringTable, f: &TraceFunction) -> String {
        let name = match strings.get(f.name) {
            "" => "(anonymous)",
            n => n,
        };
        let script = strings.get(f.script_name);
        match (script, f.line, f.column) {
            ("", _, _) => name.to_string(),
            (s, 0, _) => format!("{name} {s}"),
            (s, l, 0) => format!("{name} {s}:{l}"),
            (s, l, c) => format!("{name} {s}:{l}:{c}"),
        }
    }

    /// The allocation stack of node `v` as frame texts, innermost first (empty when the
    /// node has none).
    pub fn stack_of(&self, strings: &StringTable, trace_node_id: &[u32], v: NodeIx) -> Vec<String> {
        trace_node_id
            .get(v as usize)
            .and_then(|&t| self.position(t))
            .map(|at| self.stack_text(strings, at))
            .unwrap_or_default()
    }

    /// The stack at trace node position `at` as frame texts, innermost first.
    pub fn stack_text(&self, strings: &StringTable, at: u32) -> Vec<String> {
        self.stack(at)
            .iter()
            .map(|f| Self::frame_text(strings, f))
            .collect()
    }

    /// Groups `nodes` by allocation stack: `(trace node position, count, total size)`,
    /// largest size first, ties by position; objects without a stack are left out.
    pub fn by_stack(
        &self,
        nodes: impl Iterator<Item = NodeIx>,
        trace_node_id: &[u32],
        size: impl Fn(NodeIx) -> u64,
    ) -> Vec<(u32, u64, u64)> {
        let mut groups: HashMap<u32, (u64, u64)> = HashMap::new();
        for v in nodes {
            let Some(at) = trace_node_id
                .get(v as usize)
                .and_then(|&t| self.position(t))
            else {
                continue;
            };
            let g = groups.entry(at).or_default();
            g.0 += 1;
            g.1 += size(v);
        }
        let mut out: Vec<(u32, u64, u64)> =
            groups.into_iter().map(|(t, (n, s))| (t, n, s)).collect();
        out.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| x.0.cmp(&y.0)));
        out
    }
}

/// The trace tree as columns: ids, parent positions, function indices.
pub type TreeColumns = (Vec<u32>, Vec<u32>, Vec<u32>);

/// Decodes `trace_tree` (its bytes, as the file has them) into id, parent and function
/// columns; `width` is the number of `trace_node_fields`, `children` the last.
pub fn parse_trace_tree(
    text: &[u8],
    width: usize,
    id_at: usize,
    function_at: usize,
) -> Result<TreeColumns, String> {
    let (mut ids, mut parent, mut function) = (Vec::new(), Vec::new(), Vec::new());
    // Open child lists: the position of the node whose children they are.
    let mut open: Vec<u32> = Vec::new();
    let mut fields: Vec<u64> = Vec::with_capacity(width);
    let mut i = 0;
    let bad = |what: &str, at: usize| Err(format!("trace_tree: {what} at byte {at} of the array"));
    while i < text.len() {
        match text[i] {
            b'[' if i == 0 => open.push(NONE),
            b'[' => {
                if fields.len() != width - 1 {
                    return bad("a child list before the node's fields", i);
                }
                let at = ids.len() as u32;
                ids.push(fields[id_at] as u32);
                function.push(fields[function_at] as u32);
                parent.push(*open.last().expect("inside the outer list"));
                fields.clear();
                open.push(at);
            }
            b']' => {
                if !fields.is_empty() {
                    return bad("a node without its child list", i);
                }
                if open.pop().is_none() {
                    return bad("an unmatched ']'", i);
                }
            }
            b',' | b' ' | b'\n' | b'\r' | b'\t' => {}
            b'0'..=b'9' => {
                let start = i;
                let mut n: u64 = 0;
                while i < text.len() && text[i].is_ascii_digit() {
                    n = n.saturating_mul(10).saturating_add((text[i] - b'0') as u64);
                    i += 1;
                }
                if fields.len() == width - 1 || n > u32::MAX as u64 {
                    return bad("an unexpected number", start);
                }
                fields.push(n);
                continue;
            }
            _ => return bad("an unexpected character", i),
        }
        i += 1;
    }
    if !open.is_empty() {
        return bad("an unclosed list", text.len());
    }
    Ok((ids, parent, function))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_stacks_and_groups() {
        let text = b"[1,0,0,0,[2,1,3,96,[3,2,1,32,[]],4,2,0,0,[]]]";
        let (ids, parent, function) = parse_trace_tree(text, 5, 0, 1).unwrap();
        assert_eq!(ids, [1, 2, 3, 4]);
        assert_eq!(parent, [NONE, 0, 1, 0]);
        assert_eq!(function, [0, 1, 2, 2]);
        let mut strings = StringTable::new();
        let (root, main, make, file) = (
            strings.push("(root)"),
            strings.push("main"),
            strings.push("make"),
            strings.push("app.js"),
        );
        let f = |name, line| TraceFunction {
            name,
            script_name: file,
            line,
            column: 3,
        };
        let t = AllocationTraces::new(
            vec![f(root, 0), f(main, 10), f(make, 2)],
            ids,
            parent,
            function,
        );
        let stack: Vec<String> = t
            .stack(t.position(3).unwrap())
            .iter()
            .map(|f| AllocationTraces::frame_text(&strings, f))
            .collect();
        assert_eq!(stack, ["make app.js:2:3", "main app.js:10:3"]);
        assert_eq!(t.position(0), None);
        // Nodes 0 and 2 were allocated at trace node 3, node 1 at 4, node 3 untracked.
        let groups = t.by_stack(0..4, &[3, 4, 3, 0], |v| 10 + v as u64);
        assert_eq!(groups, [(2, 2, 22), (3, 1, 11)]);
    }

    #[test]
    fn malformed_trees_are_errors() {
        for bad in [
            &b"[1,0,0,0]"[..],
            b"[1,0,0,0,[]",
            b"[1,0,[]]",
            b"[1,0,0,0,[]]]",
            b"[1,0,0,0,x]",
        ] {
            assert!(
                parse_trace_tree(bad, 5, 0, 1).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
