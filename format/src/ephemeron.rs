//! The name V8 gives the edges that retain a WeakMap entry's value, written and parsed.
//!
//! V8 (`V8HeapExplorer::ExtractEphemeronHashTableReferences`,
//! `src/profiler/heap-snapshot-generator.cc`) gives each live entry's value two `internal`
//! edges, one from the key and one from the WeakMap's backing table, both named
//! `N / part of key (K @k) -> value (V @v) pair in WeakMap (table @T)`, where `N` is the
//! edge's 1-based position on its source node and only `N` differs between the two.
//!
//! DevTools (`HeapSnapshot.ts`, `tryParseWeakMapEdgeName`, version 1.0.1705227) recognises
//! the name with
//! `^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$`
//! and uses the captured tail (the "duplicated part") to pair the two edges, and the table
//! id to tell the table's edge from the key's. [`parse`] evaluates that regex by hand (no
//! regex dependency): JavaScript's `.` stops at line terminators, and the lazy `.*?` groups
//! only require that *some* split of the middle exists, which [`parse`] checks directly.

use std::fmt::Write;

const KEY_HEAD: &str = " / part of key (";
const VALUE_SEP: &str = ") -> value (";
const TABLE_HEAD: &str = " pair in WeakMap (table @";

/// One side of an entry as the name shows it: the node's name and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Named<'a> {
    pub name: &'a str,
    pub id: u32,
}

/// Replaces `out` with V8's name for the `n`-th edge of its source node that retains
/// `value` of the entry keyed by `key` in the WeakMap table with id `table`.
pub fn write_edge_name(out: &mut String, n: u32, key: Named<'_>, value: Named<'_>, table: u32) {
    out.clear();
    let _ = write!(
        out,
        "{n}{KEY_HEAD}{} @{}{VALUE_SEP}{} @{}){TABLE_HEAD}{table})",
        key.name, key.id, value.name, value.id
    );
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

/// Matches DevTools' ephemeron regex; returns the duplicated part and the table id
/// (`u64::MAX` if it overflows).
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
    fn written_names_parse_back() {
        let mut s = String::from("stale");
        let key = Named {
            name: "Client (a @1) -> value (b",
            id: 61,
        };
        let value = Named {
            name: "Object",
            id: 63,
        };
        write_edge_name(&mut s, 4, key, value, 65);
        assert_eq!(
            s,
            "4 / part of key (Client (a @1) -> value (b @61) -> value (Object @63) pair in WeakMap (table @65)"
        );
        let (dup, table) = parse(&s).unwrap();
        assert_eq!((dup, table), (&s[1..], 65));
    }
}
