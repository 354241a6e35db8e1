//! WeakMap ephemeron edge names, recognised the way Chrome DevTools recognises them.
//!
//! V8 writes each live WeakMap entry's value as retained by *two* `internal` edges, one
//! from the key and one from the WeakMap's backing table, both named
//! `N / part of key (K @k) -> value (V @v) pair in WeakMap (table @T)` where only the
//! leading number `N` differs. DevTools (`HeapSnapshot.ts`, `tryParseWeakMapEdgeName`,
//! version 1.0.1705227) matches the name with
//! `^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$`
//! and uses the captured tail (the "duplicated part") to pair the two edges, and the table
//! id to tell the table's edge from the key's. Two analyses need it:
//! [`crate::essential`] drops the table's edge from the dominator graph and
//! [`crate::distances`] lets the *second* edge of each pair set the value's distance.
//!
//! The regex is evaluated by hand (no regex dependency): JavaScript's `.` stops at line
//! terminators, and the lazy `.*?` groups only require that *some* split of the middle
//! exists, which [`parse`] checks directly. Every string is classified once; the duplicated
//! parts are interned to dense ids so the distance pass can pair edges with a bit set.

use crate::snapshot::StringTable;
use std::collections::HashMap;

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

const KEY_HEAD: &str = " / part of key (";
const VALUE_SEP: &str = ") -> value (";
const TABLE_HEAD: &str = " pair in WeakMap (table @";

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

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Length of the run of ASCII digits ending at byte `end` (exclusive) of `s`.
fn digits_before(s: &[u8], end: usize) -> usize {
    s[..end]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// Matches DevTools' ephemeron regex; returns the duplicated part and the table id.
pub fn parse(s: &str) -> Option<(&str, u64)> {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead == 0 || !s.ends_with(')') {
        return None;
    }
    let dup = &s[lead..];
    if !dup.starts_with(KEY_HEAD) || s.chars().any(is_line_terminator) {
        return None;
    }
    // Tail: " pair in WeakMap (table @" digits ")" — the digit run is maximal because the
    // character before it must be '@'.
    let close = b.len() - 1;
    let t_digits = digits_before(b, close);
    if t_digits == 0 {
        return None;
    }
    let t_start = close - t_digits;
    let head_start = t_start.checked_sub(TABLE_HEAD.len())?;
    if head_start < lead + KEY_HEAD.len() || &s[head_start..t_start] != TABLE_HEAD {
        return None;
    }
    let table = s[t_start..close].parse::<u64>().unwrap_or(u64::MAX);
    // Middle: A " @" digits ") -> value (" B " @" digits ")".
    let mid_start = lead + KEY_HEAD.len();
    let mid = &b[mid_start..head_start];
    if mid.last() != Some(&b')') {
        return None;
    }
    let v_digits = digits_before(mid, mid.len() - 1);
    if v_digits == 0 || mid.len() < v_digits + 3 {
        return None;
    }
    let v_at = mid.len() - 1 - v_digits - 2; // start of " @" before the value's id
    if &mid[v_at..v_at + 2] != b" @" {
        return None;
    }
    let sep = VALUE_SEP.as_bytes();
    let mut p = 0;
    while p + sep.len() <= v_at {
        if &mid[p..p + sep.len()] == sep {
            let k_digits = digits_before(mid, p);
            if k_digits > 0 && p >= k_digits + 2 && &mid[p - k_digits - 2..p - k_digits] == b" @" {
                return Some((dup, table));
            }
        }
        p += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_v8_ephemeron_names() {
        let s =
            "3 / part of key (Object @12345) -> value (Object @678) pair in WeakMap (table @91)";
        let (dup, t) = parse(s).unwrap();
        assert_eq!(t, 91);
        assert_eq!(
            dup,
            " / part of key (Object @12345) -> value (Object @678) pair in WeakMap (table @91)"
        );
        // Names with spaces, parentheses and '@' inside the lazy groups still match.
        let odd =
            "12 / part of key (a @1) -> value (b) -> value (c @2) @3) pair in WeakMap (table @4)";
        assert_eq!(parse(odd).map(|x| x.1), Some(4));
    }

    #[test]
    fn rejects_near_misses() {
        for s in [
            "",
            "map",
            " / part of key (Object @1) -> value (Object @2) pair in WeakMap (table @3)",
            "x3 / part of key (Object @1) -> value (Object @2) pair in WeakMap (table @3)",
            "3 / part of key (Object @1) -> value (Object @2) pair in WeakMap (table @)",
            "3 / part of key (Object @) -> value (Object @2) pair in WeakMap (table @3)",
            "3 / part of key (Object @1) -> value (Object 2) pair in WeakMap (table @3)",
            "3 / part of key (Obj\nect @1) -> value (Object @2) pair in WeakMap (table @3)",
            "3 / part of key (Object @1) -> value (Object @2) pair in WeakSet (table @3)",
        ] {
            assert!(parse(s).is_none(), "{s:?}");
        }
    }

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
