//! Node names as DevTools displays them (`JSHeapSnapshotNode.name`).
//!
//! Source: Chrome DevTools `HeapSnapshot.ts` (version 1.0.1705227): `name`,
//! `consStringName`, `#plainObjectName`, `formatPropertyName`.
//! * A `concatenated string` shows its flattened text: a depth-first walk over its
//!   `internal` `first` / `second` edges, appending the names of non-cons parts, stopping
//!   once the text reaches 1024 UTF-16 units (a missing part reads as the root's name).
//! * An `object` named `Object` shows `{a, b, …, y, z}`: property names (no `__proto__`)
//!   taken alternately from the front and the back of its edge list while the text stays
//!   within 100 UTF-16 units (the first one always fits); names containing `,'"{}` are
//!   written as JSON strings.
//! * Every other node shows its raw name.
//!
//! Also the JavaScript string helpers those rules need: UTF-16 lengths and ordering.

use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Length of `s` in UTF-16 code units (JavaScript's `length`).
#[inline]
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// JavaScript's default string order (by UTF-16 code units).
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// DevTools' `formatPropertyName`: names with `,'"{}` become JSON string literals.
pub fn format_property_name(name: &str) -> Cow<'_, str> {
    if name.contains([',', '\'', '"', '{', '}']) {
        Cow::Owned(serde_json::to_string(name).unwrap_or_else(|_| name.to_string()))
    } else {
        Cow::Borrowed(name)
    }
}

/// Whether DevTools treats `n` as a plain JavaScript object (`object` named `Object`).
pub fn is_plain_object(s: &HeapSnapshot, n: NodeIx) -> bool {
    s.node_kind(n) == NodeKind::Object && s.node_name_is(n, "Object")
}

/// The name DevTools shows for node `n`.
pub fn display_name(s: &HeapSnapshot, n: NodeIx) -> Cow<'_, str> {
    match s.node_kind(n) {
        NodeKind::ConsString => Cow::Owned(cons_string_name(s, n)),
        NodeKind::Object if s.node_name_is(n, "Object") => Cow::Owned(plain_object_name(s, n)),
        _ => Cow::Borrowed(s.node_name(n)),
    }
}

fn cons_string_name(s: &HeapSnapshot, n: NodeIx) -> String {
    let mut name = String::new();
    let mut units = 0usize;
    let mut stack = vec![n];
    while units < 1024 {
        let Some(v) = stack.pop() else { break };
        if s.node_kind(v) != NodeKind::ConsString {
            let part = s.node_name(v);
            name.push_str(part);
            units += utf16_len(part);
            continue;
        }
        let (mut first, mut second) = (0, 0);
        for e in s.edge_range(v) {
            if first != 0 && second != 0 {
                break;
            }
            if s.edge_kind(e) == EdgeKind::Internal {
                match s.edge_name_str(e) {
                    Some("first") => first = s.edge_to(e),
                    Some("second") => second = s.edge_to(e),
                    _ => {}
                }
            }
        }
        stack.push(second);
        stack.push(first);
    }
    name
}

fn plain_object_name(s: &HeapSnapshot, n: NodeIx) -> String {
    let range = s.edge_range(n);
    if range.is_empty() {
        return "{}".to_string();
    }
    let (mut front, mut back) = (range.start as i64, range.end as i64 - 1);
    let mut start = String::from("{");
    let mut end = String::from("}");
    let (mut start_units, mut end_units) = (1usize, 1usize);
    let mut from_back = false;
    while front <= back {
        let e = if from_back { back } else { front } as u32;
        let name = s.edge_name_str(e);
        if s.edge_kind(e) != EdgeKind::Property || name == Some("__proto__") {
            if from_back {
                back -= 1;
            } else {
                front += 1;
            }
            continue;
        }
        let formatted = format_property_name(name.unwrap_or(""));
        let f_units = utf16_len(&formatted);
        if start_units > 1 && start_units + end_units + f_units > 100 {
            break;
        }
        if from_back {
            back -= 1;
            if end_units > 1 {
                end.insert_str(0, ", ");
                end_units += 2;
            }
            end.insert_str(0, &formatted);
            end_units += f_units;
        } else {
            front += 1;
            if start_units > 1 {
                start.push_str(", ");
                start_units += 2;
            }
            start.push_str(&formatted);
            start_units += f_units;
        }
        from_back = !from_back;
    }
    if front <= back {
        start.push_str(", …");
    }
    if end_units > 1 {
        start.push_str(", ");
    }
    start + &end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn cons_strings_are_flattened_and_plain_objects_listed() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let c = b.node(NodeKind::ConsString, "(concatenated string)", 32);
        let c2 = b.node(NodeKind::ConsString, "(concatenated string)", 32);
        let x = b.node(NodeKind::String, "foo", 16);
        let y = b.node(NodeKind::String, "bar", 16);
        let z = b.node(NodeKind::String, "baz", 16);
        b.edge(c, EdgeKind::Internal, "first", c2);
        b.edge(c, EdgeKind::Internal, "second", z);
        b.edge(c2, EdgeKind::Internal, "first", x);
        b.edge(c2, EdgeKind::Internal, "second", y);
        let o = b.node(NodeKind::Object, "Object", 40);
        for p in ["a", "__proto__", "b", "c,d", "e"] {
            b.edge(o, EdgeKind::Property, p, x);
        }
        b.edge(o, EdgeKind::Internal, "map", x);
        let empty = b.node(NodeKind::Object, "Object", 40);
        b.edge(root, EdgeKind::Element, "1", o);
        let s = b.finish();
        assert_eq!(display_name(&s, c), "foobarbaz");
        assert_eq!(display_name(&s, o), r#"{a, b, "c,d", e}"#);
        assert_eq!(display_name(&s, empty), "{}");
        assert_eq!(display_name(&s, x), "foo");
    }

    #[test]
    fn long_plain_object_names_are_elided_in_the_middle() {
        let mut b = SnapshotBuilder::new();
        let o = b.node(NodeKind::Object, "Object", 40);
        let names: Vec<String> = (0..30).map(|i| format!("property{i:02}")).collect();
        for p in &names {
            b.edge(o, EdgeKind::Property, p, o);
        }
        let s = b.finish();
        let got = display_name(&s, o);
        assert!(
            got.starts_with("{property00, property29, ")
                || got.starts_with("{property00, property01")
        );
        assert!(got.contains(", …, "), "{got}");
        assert!(got.ends_with("property29}"), "{got}");
        assert!(utf16_len(&got) <= 100 + 12);
    }

    #[test]
    fn utf16_order_differs_from_utf8_above_the_bmp() {
        // U+FF61 sorts after U+10000 in UTF-8 but before it in UTF-16 (surrogates D800..).
        assert_eq!(cmp_utf16("\u{10000}", "\u{FF61}"), Ordering::Less);
        assert_eq!(utf16_len("a\u{10000}"), 3);
        assert_eq!(format_property_name("x'y"), "\"x'y\"");
    }
}
