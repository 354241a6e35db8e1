//! WeakMap ephemeron edge names, paired the way Chrome DevTools pairs them.
//!
//! V8 writes each live WeakMap entry's value as retained by *two* `internal` edges, one
//! from the key and one from the WeakMap's backing table, whose names differ only in the
//! leading number ([`format::ephemeron`] writes and parses that name). DevTools
//! (`HeapSnapshot.ts`, version 1.0.1705227) pairs the two edges by the rest of the name (the
//! "duplicated part") and tells the table's edge from the key's by the table id in it. Two
//! analyses need it: [`super::essential`] drops the table's edge from the
//! dominator graph and [`super::distances`] lets the *second* edge of each pair
//! set the value's distance.
//!
//! Every string is classified once; the duplicated parts are interned to dense ids so the
//! distance pass can pair edges with a bit set.

use std::collections::HashMap;

use format::ephemeron::parse;

use crate::snapshot::StringTable;

/// Per string-table entry: whether it names a WeakMap ephemeron edge, and if so which pair.
#[derive(Clone, Debug, Default)]
pub struct EphemeronNames {
    /// `part[string_index]`: the interned duplicated part, or [`NOT_EPHEMERON`].
    part: Vec<u32>,
    /// `table[part]`: the table id written in the name (`u64::MAX` if it overflows).
    table: Vec<u64>,
}

/// `part` value for strings that are not ephemeron edge names.
pub const NOT_EPHEMERON: u32 = u32::MAX;

impl EphemeronNames {
    /// Classifies every string of the table (one pass; strings that cannot match are
    /// rejected by their first byte).
    pub fn build(strings: &StringTable) -> EphemeronNames {
        let mut part = vec![NOT_EPHEMERON; strings.len()];
        let mut table = Vec::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for (i, s) in strings.iter().enumerate() {
            if let Some((dup, t)) = parse(s) {
                let next = ids.len() as u32;
                let id = *ids.entry(dup).or_insert(next);
                if id == next {
                    table.push(t);
                }
                part[i] = id;
            }
        }
        EphemeronNames { part, table }
    }

    /// The pair id of the edge name `string_index`, if it is an ephemeron edge name.
    #[inline]
    pub fn pair(&self, string_index: u32) -> Option<u32> {
        match self.part.get(string_index as usize) {
            Some(&p) if p != NOT_EPHEMERON => Some(p),
            _ => None,
        }
    }

    /// The WeakMap table id (`@T`) written in pair `pair`'s name.
    #[inline]
    pub fn table_id(&self, pair: u32) -> u64 {
        self.table[pair as usize]
    }

    /// Number of distinct pairs (the duplicated parts).
    pub fn pair_count(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_names_that_differ_only_in_the_leading_number() {
        let mut t = StringTable::new();
        t.push("<dummy>");
        let a = t.push("1 / part of key (K @2) -> value (V @3) pair in WeakMap (table @4)");
        let b = t.push("7 / part of key (K @2) -> value (V @3) pair in WeakMap (table @4)");
        let c = t.push("7 / part of key (K @5) -> value (V @3) pair in WeakMap (table @4)");
        let e = EphemeronNames::build(&t);
        assert_eq!(e.pair(a), e.pair(b));
        assert_ne!(e.pair(a), e.pair(c));
        assert_eq!(e.pair(0), None);
        assert_eq!(e.table_id(e.pair(c).unwrap()), 4);
        assert_eq!(e.pair_count(), 2);
    }
}
