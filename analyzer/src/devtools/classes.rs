//! DevTools' class of every node: the rows of the Summary view.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts` (version 1.0.1705227): `calculateObjectNames`,
//! `inferInterfaceDefinitions`, `applyInterfaceDefinitions`, `classKeyInternal`,
//! `#classKeyFromClassKey`.
//!
//! **Class name** by node type: `hidden` → `(system)`; `object` / `native` → the raw name,
//! cut to `<tag>` when it starts with `<` (or `Detached <tag>`) and has a space; `code` →
//! `(compiled code)`; `closure` → `Function`; `regexp` → `RegExp`; any other type →
//! `(type)`, e.g. `(array)`, `(string)`, `(concatenated string)`, `(number)`.
//!
//! **Interfaces**: plain objects (`object` named `Object`) are named after the most
//! popular property sets. Candidates are `{p1, p2, …}` from each plain object's property
//! edges in order (no `__proto__`; stop before the name would pass 120 UTF-16 units, the
//! first property always fits); a candidate becomes a definition if it covers at least
//! `max(2, plain objects / 1000)` objects, most popular first (ties: first seen). Each plain
//! object then takes the definition with the most properties that are all among its own
//! (ties: more popular), or stays `Object`.
//!
//! **Class keys**: `object` nodes with a source location are keyed by
//! `script,line,column,class name`, everything else by class name. DevTools keys names by
//! string *index*, and the strings it adds (`(system)`, `Function`, interface names …) are
//! distinct from equal strings already in the snapshot; so two keys can share one public
//! key (`,Function`), in which case DevTools' Summary keeps only the later one. This module
//! keeps DevTools' distinction ([`ClassKey::origin`]); [`super::summary`] applies the rule.
//!
//! Per node the work is array lookups; hashing is limited to located objects (with a
//! one-entry cache, since V8 writes instances of one class next to each other) and to
//! plain objects while interfaces are inferred.

use super::names::{cmp_utf16, format_property_name, utf16_len};
use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Where a class name string comes from (DevTools keeps them apart even when equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A string of the snapshot, by index.
    Snapshot(u32),
    /// A name DevTools adds (`(system)`, `<div>`, `(array)` …), by text.
    Added,
    /// An inferred interface name, by text.
    Interface,
}

/// One class key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassKey {
    pub name: String,
    /// `(script_id, line, column)` for located `object` nodes.
    pub location: Option<(u32, u32, u32)>,
    pub origin: Origin,
}

impl ClassKey {
    /// The key DevTools uses across snapshots: `script,line,column,name` or `,name`.
    pub fn public_key(&self) -> String {
        match self.location {
            Some((s, l, c)) => format!("{s},{l},{c},{}", self.name),
            None => format!(",{}", self.name),
        }
    }
}

/// Class key id of every node, and the keys.
#[derive(Clone, Debug, Default)]
pub struct Classes {
    /// `of[node]` indexes `keys`.
    pub of: Vec<u32>,
    /// Keys in order of their first node.
    pub keys: Vec<ClassKey>,
}

impl Classes {
    /// The class name DevTools shows for node `n`.
    #[inline]
    pub fn name(&self, n: NodeIx) -> &str {
        &self.keys[self.of[n as usize] as usize].name
    }

    pub fn key(&self, n: NodeIx) -> &ClassKey {
        &self.keys[self.of[n as usize] as usize]
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Classifies every node of `s`.
    pub fn build(s: &HeapSnapshot) -> Classes {
        let n = s.node_count();
        let sn = s.strings.len() as u32;
        // Class names as ids: `< sn` a snapshot string, else `added[id - sn]`.
        let mut added: Vec<(String, Origin)> = Vec::new();
        let mut added_ids: HashMap<String, u32> = HashMap::new();
        let mut intern_added = |name: &str, added: &mut Vec<(String, Origin)>| -> u32 {
            if let Some(&i) = added_ids.get(name) {
                return i;
            }
            let i = sn + added.len() as u32;
            added.push((name.to_string(), Origin::Added));
            added_ids.insert(name.to_string(), i);
            i
        };
        let system = intern_added("(system)", &mut added);
        let code = intern_added("(compiled code)", &mut added);
        let function = intern_added("Function", &mut added);
        let regexp = intern_added("RegExp", &mut added);
        let mut by_type: [u32; 256] = [u32::MAX; 256];
        let mut base = vec![0u32; n];
        for v in 0..n as NodeIx {
            base[v as usize] = match s.node_kind(v) {
                NodeKind::Hidden => system,
                NodeKind::Object | NodeKind::Native => {
                    // Only element-like names need the text; test the bytes first.
                    let raw = s.strings.bytes(s.nodes.name[v as usize]);
                    let element = raw.starts_with(b"<") || raw.starts_with(b"Detached <");
                    let short = element
                        .then(|| element_class_name(s.node_name(v)))
                        .flatten();
                    if let Some(short) = short {
                        intern_added(&short, &mut added)
                    } else {
                        s.nodes.name[v as usize]
                    }
                }
                NodeKind::Code => code,
                NodeKind::Closure => function,
                NodeKind::Regexp => regexp,
                _ => {
                    let raw = s.nodes.kind[v as usize] as usize;
                    if by_type[raw] == u32::MAX {
                        let t = s.meta.node_type_names.get(raw).map_or("undefined", |t| t);
                        by_type[raw] = intern_added(&format!("({t})"), &mut added);
                    }
                    by_type[raw]
                }
            };
        }
        apply_interfaces(s, &mut base, &mut added);

        // Class keys: by name id, or by (name id, location) for located objects.
        let mut key_of_base = vec![u32::MAX; sn as usize + added.len()];
        let mut located: HashMap<(u32, u32, u32, u32), u32> = HashMap::new();
        let mut last_located = ((u32::MAX, 0, 0, 0), 0u32);
        let mut keys: Vec<ClassKey> = Vec::new();
        let mut of = vec![0u32; n];
        let mut loc_i = 0usize;
        let locs = &s.locations;
        let make_key = |b: u32, location, keys: &mut Vec<ClassKey>| -> u32 {
            let (name, origin) = if b < sn {
                (s.strings.get(b).to_string(), Origin::Snapshot(b))
            } else {
                added[(b - sn) as usize].clone()
            };
            keys.push(ClassKey {
                name,
                location,
                origin,
            });
            keys.len() as u32 - 1
        };
        for v in 0..n as NodeIx {
            // Last location entry for `v` wins, as in DevTools' location map.
            let mut loc = None;
            while loc_i < locs.len() && locs[loc_i].node <= v {
                if locs[loc_i].node == v {
                    loc = Some(locs[loc_i]);
                }
                loc_i += 1;
            }
            let b = base[v as usize];
            let id = match loc {
                Some(l) if s.node_kind(v) == NodeKind::Object => {
                    let k = (b, l.script_id, l.line, l.column);
                    if last_located.0 == k {
                        last_located.1
                    } else {
                        let id = match located.get(&k) {
                            Some(&id) => id,
                            None => {
                                let id = make_key(b, Some((k.1, k.2, k.3)), &mut keys);
                                located.insert(k, id);
                                id
                            }
                        };
                        last_located = (k, id);
                        id
                    }
                }
                _ => {
                    let slot = &mut key_of_base[b as usize];
                    if *slot == u32::MAX {
                        *slot = make_key(b, None, &mut keys);
                    }
                    *slot
                }
            };
            of[v as usize] = id;
        }
        Classes { of, keys }
    }
}

/// `<div id="a">` → `<div>`, `Detached <div class="x">` → `Detached <div>`; `None` when the
/// name is not an element name (DevTools then uses the raw string itself).
fn element_class_name(raw: &str) -> Option<String> {
    if raw.starts_with('<') {
        return Some(match raw.find(' ') {
            Some(i) => format!("{}>", &raw[..i]),
            None => raw.to_string(),
        });
    }
    if let Some(rest) = raw.strip_prefix("Detached <") {
        // DevTools searches for a space from UTF-16 offset 10, i.e. after "Detached <".
        return Some(match rest.find(' ') {
            Some(i) => format!("{}>", &raw[..10 + i]),
            None => raw.to_string(),
        });
    }
    None
}

const MAX_INTERFACE_NAME_LENGTH: usize = 120;
const MIN_INTERFACE_PROPERTY_COUNT: usize = 1;
const MIN_OBJECT_COUNT_PER_INTERFACE: f64 = 2.0;
const MIN_OBJECT_PROPORTION_PER_INTERFACE: f64 = 1000.0;

struct Candidate<'a> {
    name: String,
    properties: Vec<&'a str>,
    count: u64,
}

/// Plain objects grouped by *shape*: the name indices of their property edges, in order.
/// Both interface steps depend on nothing else, so each shape is evaluated once (V8 gives
/// objects of one hidden class the same edge list, and there are few shapes).
struct Shapes {
    /// `(node, shape)` for every plain object, in node order.
    objects: Vec<(NodeIx, u32)>,
    /// Property-edge name indices per shape.
    keys: Vec<Vec<u32>>,
}

fn plain_object_shapes(s: &HeapSnapshot) -> Shapes {
    let mut ids: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let mut objects = Vec::new();
    let mut buf: Vec<u32> = Vec::new();
    let mut last: Option<u32> = None;
    for v in 0..s.node_count() as NodeIx {
        if !super::names::is_plain_object(s, v) {
            continue;
        }
        buf.clear();
        for e in s.edge_range(v) {
            if s.edge_kind(e) == EdgeKind::Property {
                buf.push(s.edges.name_or_index[e as usize]);
            }
        }
        let id = match last {
            Some(l) if keys[l as usize] == buf => l,
            _ => match ids.get(buf.as_slice()) {
                Some(&id) => id,
                None => {
                    let id = keys.len() as u32;
                    keys.push(buf.clone());
                    ids.insert(buf.clone(), id);
                    id
                }
            },
        };
        last = Some(id);
        objects.push((v, id));
    }
    Shapes { objects, keys }
}

/// DevTools' `inferInterfaceDefinitions`: the popular property lists, most popular first.
fn infer_interfaces<'a>(s: &'a HeapSnapshot, shapes: &Shapes) -> Vec<Candidate<'a>> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut cands: Vec<Candidate> = Vec::new();
    // Candidate of each shape, decided when the shape is first met (first-seen order of
    // candidates is what breaks ties between equally popular ones).
    const UNSEEN: usize = usize::MAX;
    const NONE: usize = usize::MAX - 1;
    let mut cand_of_shape = vec![UNSEEN; shapes.keys.len()];
    let mut name = String::new();
    for &(_, shape) in &shapes.objects {
        let slot = &mut cand_of_shape[shape as usize];
        if *slot == UNSEEN {
            name.clear();
            name.push('{');
            let mut units = 1usize;
            let mut props: Vec<&str> = Vec::new();
            for &p in &shapes.keys[shape as usize] {
                let p = s.strings.get(p);
                if p == "__proto__" {
                    continue;
                }
                let f = format_property_name(p);
                let fu = utf16_len(&f);
                if units > MIN_INTERFACE_PROPERTY_COUNT && units + fu > MAX_INTERFACE_NAME_LENGTH {
                    break;
                }
                if units != 1 {
                    name.push_str(", ");
                    units += 2;
                }
                name.push_str(&f);
                units += fu;
                props.push(p);
            }
            *slot = if props.is_empty() {
                NONE
            } else {
                name.push('}');
                match index.get(name.as_str()) {
                    Some(&i) => i,
                    None => {
                        index.insert(name.clone(), cands.len());
                        cands.push(Candidate {
                            name: name.clone(),
                            properties: props,
                            count: 0,
                        });
                        cands.len() - 1
                    }
                }
            };
        }
        if *slot != NONE {
            cands[*slot].count += 1;
        }
    }
    // Stable: equal counts keep first-seen order, like JavaScript's Array.prototype.sort.
    cands.sort_by_key(|c| std::cmp::Reverse(c.count));
    let total = shapes.objects.len() as f64;
    let min = MIN_OBJECT_COUNT_PER_INTERFACE.max(total / MIN_OBJECT_PROPORTION_PER_INTERFACE);
    let keep = cands.iter().take_while(|c| c.count as f64 >= min).count();
    cands.truncate(keep);
    cands
}

/// A node of the property tree: sorted property paths of the definitions.
struct TreeNode<'a> {
    next: HashMap<&'a str, u32>,
    greatest_next: Option<&'a str>,
    /// `(property count, definition index)` of the first definition ending here.
    found: Option<(usize, usize)>,
}

/// DevTools' `applyInterfaceDefinitions`: renames plain objects in `base`.
fn apply_interfaces(s: &HeapSnapshot, base: &mut [u32], added: &mut Vec<(String, Origin)>) {
    let shapes = plain_object_shapes(s);
    let defs = infer_interfaces(s, &shapes);
    if defs.is_empty() {
        return;
    }
    let sn = s.strings.len() as u32;
    let mut tree: Vec<TreeNode> = vec![TreeNode {
        next: HashMap::new(),
        greatest_next: None,
        found: None,
    }];
    for (di, d) in defs.iter().enumerate() {
        let mut props = d.properties.clone();
        props.sort_by(|a, b| cmp_utf16(a, b));
        let mut cur = 0usize;
        for p in &props {
            cur = match tree[cur].next.get(p) {
                Some(&nx) => nx as usize,
                None => {
                    let nx = tree.len();
                    tree.push(TreeNode {
                        next: HashMap::new(),
                        greatest_next: None,
                        found: None,
                    });
                    let node = &mut tree[cur];
                    node.next.insert(p, nx as u32);
                    if node
                        .greatest_next
                        .is_none_or(|g| cmp_utf16(g, p) == Ordering::Less)
                    {
                        node.greatest_next = Some(p);
                    }
                    nx
                }
            };
        }
        if tree[cur].found.is_none() {
            tree[cur].found = Some((props.len(), di));
        }
    }
    // Better match: more properties, then the earlier definition.
    let better = |a: Option<(usize, usize)>, b: Option<(usize, usize)>| match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => {
            if x.0 > y.0 || (x.0 == y.0 && x.1 <= y.1) {
                Some(x)
            } else {
                Some(y)
            }
        }
    };
    // The best definition per shape (a walk of DevTools' state machine over the sorted
    // property names), then per object.
    let mut best_of_shape: Vec<Option<(usize, usize)>> = Vec::with_capacity(shapes.keys.len());
    let mut props: Vec<&str> = Vec::new();
    let mut states: Vec<u32> = Vec::new();
    let mut snapshot_states: Vec<u32> = Vec::new();
    for key in &shapes.keys {
        props.clear();
        props.extend(key.iter().map(|&p| s.strings.get(p)));
        props.sort_by(|a, b| cmp_utf16(a, b));
        states.clear();
        states.push(0);
        let mut best = tree[0].found;
        for p in &props {
            snapshot_states.clear();
            snapshot_states.extend_from_slice(&states);
            for &st in &snapshot_states {
                let node = &tree[st as usize];
                if node
                    .greatest_next
                    .is_none_or(|g| cmp_utf16(p, g) != Ordering::Less)
                {
                    states.retain(|&x| x != st);
                }
                if let Some(&nx) = node.next.get(p) {
                    if !states.contains(&nx) {
                        states.push(nx);
                    }
                    best = better(best, tree[nx as usize].found);
                }
            }
        }
        best_of_shape.push(best);
    }
    let mut def_ids: Vec<u32> = vec![u32::MAX; defs.len()];
    for &(v, shape) in &shapes.objects {
        if let Some((_, di)) = best_of_shape[shape as usize] {
            if def_ids[di] == u32::MAX {
                def_ids[di] = sn + added.len() as u32;
                added.push((defs[di].name.clone(), Origin::Interface));
            }
            base[v as usize] = def_ids[di];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    fn names(s: &HeapSnapshot, c: &Classes) -> Vec<String> {
        (0..s.node_count() as u32)
            .map(|v| c.name(v).to_string())
            .collect()
    }

    #[test]
    fn class_names_by_node_type() {
        let mut b = SnapshotBuilder::new();
        b.node(NodeKind::Synthetic, "", 0);
        b.node(NodeKind::Hidden, "system / Context", 1);
        b.node(NodeKind::Object, "Client", 1);
        b.node(NodeKind::Native, "<div id=\"x\" class=\"y\">", 1);
        b.node(NodeKind::Native, "Detached <span class=\"z\">", 1);
        b.node(NodeKind::Code, "foo", 1);
        b.node(NodeKind::Closure, "onError", 1);
        b.node(NodeKind::Regexp, "/a+/", 1);
        b.node(NodeKind::Array, "(object elements)", 1);
        b.node(NodeKind::ConsString, "(concatenated string)", 1);
        b.node(NodeKind::String, "hello", 1);
        b.node(NodeKind::Number, "heap number", 1);
        let s = b.finish();
        let c = Classes::build(&s);
        assert_eq!(
            names(&s, &c),
            vec![
                "(synthetic)",
                "(system)",
                "Client",
                "<div>",
                "Detached <span>",
                "(compiled code)",
                "Function",
                "RegExp",
                "(array)",
                "(concatenated string)",
                "(string)",
                "(number)"
            ]
        );
    }

    #[test]
    fn located_objects_are_keyed_by_location_closures_are_not() {
        let mut b = SnapshotBuilder::new();
        b.node(NodeKind::Synthetic, "", 0);
        let a1 = b.node(NodeKind::Object, "Client", 1);
        let a2 = b.node(NodeKind::Object, "Client", 1);
        let a3 = b.node(NodeKind::Object, "Client", 1);
        let f1 = b.node(NodeKind::Closure, "f", 1);
        let f2 = b.node(NodeKind::Closure, "g", 1);
        b.location(a1, 3, 10, 2);
        b.location(a2, 4, 1, 0);
        b.location(f1, 3, 10, 2);
        b.location(f2, 4, 1, 0);
        let s = b.finish();
        let c = Classes::build(&s);
        assert_ne!(c.of[a1 as usize], c.of[a2 as usize]);
        assert_ne!(c.of[a1 as usize], c.of[a3 as usize]);
        assert_eq!(c.key(a1).public_key(), "3,10,2,Client");
        assert_eq!(c.key(a3).public_key(), ",Client");
        assert_eq!(c.of[f1 as usize], c.of[f2 as usize]);
        assert_eq!(c.key(f1).public_key(), ",Function");
    }

    #[test]
    fn plain_objects_get_interface_names() {
        let mut b = SnapshotBuilder::new();
        b.node(NodeKind::Synthetic, "", 0);
        let x = b.node(NodeKind::Number, "x", 0);
        let mut objs = Vec::new();
        // Three {a, b}, two {a, b, c} (also match {a, b} but prefer the larger),
        // one {b, a} (same set as {a, b}), one {z} (too rare), one empty.
        for props in [
            &["a", "b"][..],
            &["a", "b"],
            &["a", "b"],
            &["a", "b", "c"],
            &["a", "b", "c"],
            &["b", "a", "__proto__"],
            &["z"],
            &[],
        ] {
            let o = b.node(NodeKind::Object, "Object", 8);
            for p in props {
                b.edge(o, EdgeKind::Property, p, x);
            }
            objs.push(o);
        }
        let s = b.finish();
        let c = Classes::build(&s);
        let got: Vec<&str> = objs.iter().map(|&o| c.name(o)).collect();
        assert_eq!(
            got,
            vec![
                "{a, b}",
                "{a, b}",
                "{a, b}",
                "{a, b, c}",
                "{a, b, c}",
                "{a, b}",
                "Object",
                "Object"
            ]
        );
        assert_eq!(c.key(objs[0]).origin, Origin::Interface);
        assert!(matches!(c.key(objs[6]).origin, Origin::Snapshot(_)));
    }

    #[test]
    fn interface_names_stop_before_120_units_and_ties_go_to_the_first_seen() {
        let mut b = SnapshotBuilder::new();
        b.node(NodeKind::Synthetic, "", 0);
        let x = b.node(NodeKind::Number, "x", 0);
        let long: Vec<String> = (0..12)
            .map(|i| format!("aVeryLongPropertyName{i:02}"))
            .collect();
        let mut objs = Vec::new();
        for _ in 0..2 {
            let o = b.node(NodeKind::Object, "Object", 8);
            for p in &long {
                b.edge(o, EdgeKind::Property, p, x);
            }
            objs.push(o);
        }
        // Two equally popular shapes: the first seen wins objects matching both.
        for props in [
            &["p", "q"][..],
            &["r", "s"],
            &["p", "q"],
            &["r", "s"],
            &["p", "q", "r", "s"],
        ] {
            let o = b.node(NodeKind::Object, "Object", 8);
            for p in props {
                b.edge(o, EdgeKind::Property, p, x);
            }
            objs.push(o);
        }
        let s = b.finish();
        let c = Classes::build(&s);
        let name = c.name(objs[0]);
        // 23 units per name: after four ("{" + 4 × 23 + 3 × ", " = 99 units) the check
        // 99 + 23 > 120 stops (DevTools does not count the separator in the check).
        let four: Vec<&str> = long[..4].iter().map(|s| s.as_str()).collect();
        assert_eq!(name, format!("{{{}}}", four.join(", ")));
        assert_eq!(c.name(objs[2]), "{p, q}");
        assert_eq!(c.name(objs[3]), "{r, s}");
        assert_eq!(
            c.name(objs[6]),
            "{p, q}",
            "tie between {{p, q}} and {{r, s}}: first seen"
        );
    }
}
