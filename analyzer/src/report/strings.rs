//! Duplicated strings and the bytes they waste.
//!
//! V8 de-duplicates the snapshot's `strings` table by content, so every string node with
//! the same content has the same `name` index: grouping by that index is exact and needs no
//! hashing of string bodies. Only sequential (`string`) nodes are counted — a concatenated
//! or sliced string holds no characters of its own, only pointers to its parts.
//! Wasted bytes of a group = total self size − the self size of one copy (the smallest),
//! i.e. what interning the value would save.
//!
//! Caveat: V8 caps node names at 1024 characters, so two long strings that differ only after
//! that prefix fall into one group; such groups are flagged `truncated`.

use crate::snapshot::{HeapSnapshot, NodeIx};
use format::NodeKind;

/// V8's cap on node names (`HeapSnapshotGenerator`'s `kMaxSimpleStringLength`-style limit).
pub const NAME_CAP: usize = 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateString {
    /// The (possibly truncated) content.
    pub value: String,
    pub count: u64,
    pub total_size: u64,
    pub wasted_size: u64,
    /// One of the copies, for `heapsim path FILE @ID`.
    pub example: NodeIx,
    pub truncated: bool,
}

/// All strings with at least `min_count` copies, most wasteful first.
pub fn duplicates(s: &HeapSnapshot, min_count: u64) -> Vec<DuplicateString> {
    let n = s.node_count();
    // (name index, ordinal) for every sequential string, sorted to bring copies together.
    let mut by_name: Vec<(u32, NodeIx)> = (0..n as NodeIx)
        .filter(|&v| s.node_kind(v) == NodeKind::String)
        .map(|v| (s.nodes.name[v as usize], v))
        .collect();
    by_name.sort_unstable();
    let mut out = Vec::new();
    let min_count = min_count.max(2);
    for run in by_name.chunk_by(|a, b| a.0 == b.0) {
        if (run.len() as u64) < min_count {
            continue;
        }
        let sizes = run.iter().map(|&(_, v)| s.self_size(v));
        let total: u64 = sizes.clone().sum();
        let min = sizes.min().unwrap_or(0);
        let value = s.strings.get(run[0].0);
        out.push(DuplicateString {
            value: value.to_string(),
            count: run.len() as u64,
            total_size: total,
            wasted_size: total - min,
            example: run[0].1,
            truncated: value.chars().count() >= NAME_CAP,
        });
    }
    out.sort_by(|a, b| {
        b.wasted_size
            .cmp(&a.wasted_size)
            .then(b.count.cmp(&a.count))
            .then_with(|| a.value.cmp(&b.value))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn groups_copies_by_content_and_counts_the_waste() {
        let mut b = SnapshotBuilder::new();
        b.node(NodeKind::Synthetic, "", 0);
        for _ in 0..3 {
            b.node(NodeKind::String, "hello", 24);
        }
        b.node(NodeKind::String, "once", 20);
        b.node(NodeKind::ConsString, "hello", 32);
        b.node(NodeKind::String, "pair", 40);
        b.node(NodeKind::String, "pair", 40);
        let s = b.finish();
        let d = duplicates(&s, 2);
        assert_eq!(d.len(), 2);
        assert_eq!(
            (
                d[0].value.as_str(),
                d[0].count,
                d[0].total_size,
                d[0].wasted_size
            ),
            ("hello", 3, 72, 48)
        );
        assert_eq!((d[1].value.as_str(), d[1].wasted_size), ("pair", 40));
        assert_eq!(duplicates(&s, 3).len(), 1);
    }
}
