//! Node-by-node and class-by-class comparison of DevTools' numbers with heapsim's.
//!
//! Nodes are matched by ordinal (both sides keep file order) and must carry the same id;
//! every field is compared and mismatches are counted per field, keeping the first few for
//! the failure message. Classes are matched by name; DevTools keys its Summary by more
//! than the name (a location for closures' classes), so several classes may share one
//! name: within a name both sides' rows are sorted and compared as lists.

use super::{ClassRow, NodeRow};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How many differing nodes/classes a report keeps in full.
const KEEP: usize = 10;

#[derive(Clone, Debug)]
pub struct NodeMismatch {
    pub ordinal: usize,
    pub devtools: NodeRow,
    pub heapsim: NodeRow,
    /// The names of the differing fields.
    pub fields: Vec<&'static str>,
}

#[derive(Clone, Debug, Default)]
pub struct NodeReport {
    /// Nodes with at least one differing field (plus the node-count difference, if any).
    pub count: usize,
    pub per_field: BTreeMap<&'static str, usize>,
    pub first: Vec<NodeMismatch>,
    pub node_counts: (usize, usize),
}

impl NodeReport {
    pub fn is_clean(&self) -> bool {
        self.count == 0
    }
}

/// Compares per-node rows; `devtools` is the reference.
pub fn compare_nodes(devtools: &[NodeRow], heapsim: &[NodeRow]) -> NodeReport {
    let mut r = NodeReport {
        node_counts: (devtools.len(), heapsim.len()),
        ..Default::default()
    };
    if devtools.len() != heapsim.len() {
        r.count += devtools.len().abs_diff(heapsim.len());
        *r.per_field.entry("node_count").or_default() += 1;
    }
    for (ordinal, (d, h)) in devtools.iter().zip(heapsim).enumerate() {
        let mut fields = Vec::new();
        let checks: [(&'static str, bool); 7] = [
            ("id", d.id == h.id),
            ("type", d.kind == h.kind),
            ("name", d.name == h.name),
            ("self_size", d.self_size == h.self_size),
            ("retained_size", d.retained_size == h.retained_size),
            ("distance", d.distance == h.distance),
            ("dominator_id", d.dominator_id == h.dominator_id),
        ];
        for (f, same) in checks {
            if !same {
                fields.push(f);
                *r.per_field.entry(f).or_default() += 1;
            }
        }
        if !fields.is_empty() {
            r.count += 1;
            if r.first.len() < KEEP {
                r.first.push(NodeMismatch {
                    ordinal,
                    devtools: d.clone(),
                    heapsim: h.clone(),
                    fields,
                });
            }
        }
    }
    r
}

#[derive(Clone, Debug)]
pub struct ClassMismatch {
    pub name: String,
    pub devtools: Vec<ClassRow>,
    pub heapsim: Vec<ClassRow>,
}

#[derive(Clone, Debug, Default)]
pub struct ClassReport {
    /// Class names whose rows differ (missing on one side counts).
    pub count: usize,
    pub first: Vec<ClassMismatch>,
    pub class_counts: (usize, usize),
}

impl ClassReport {
    pub fn is_clean(&self) -> bool {
        self.count == 0
    }
}

fn by_name(rows: &[ClassRow]) -> BTreeMap<&str, Vec<ClassRow>> {
    let mut m: BTreeMap<&str, Vec<ClassRow>> = BTreeMap::new();
    for c in rows {
        m.entry(c.name.as_str()).or_default().push(c.clone());
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

/// Compares Summary-view classes; `devtools` is the reference.
pub fn compare_classes(devtools: &[ClassRow], heapsim: &[ClassRow]) -> ClassReport {
    let d = by_name(devtools);
    let h = by_name(heapsim);
    let mut r = ClassReport {
        class_counts: (devtools.len(), heapsim.len()),
        ..Default::default()
    };
    let mut names: Vec<&str> = d.keys().chain(h.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let empty = Vec::new();
    for name in names {
        let dv = d.get(name).unwrap_or(&empty);
        let hv = h.get(name).unwrap_or(&empty);
        if dv != hv {
            r.count += 1;
            if r.first.len() < KEEP {
                r.first.push(ClassMismatch {
                    name: name.to_string(),
                    devtools: dv.clone(),
                    heapsim: hv.clone(),
                });
            }
        }
    }
    r
}

fn show_node(n: &NodeRow) -> String {
    format!(
        "type={} name={:?} self={} retained={} distance={} dominator=@{}",
        n.kind,
        truncate(&n.name, 60),
        n.self_size,
        n.retained_size,
        n.distance,
        n.dominator_id
    )
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max).collect();
        format!("{t}…")
    }
}

/// The failure text: counts per field, then each kept mismatch; `path_of(ordinal)` gives
/// the retainer path printed under the first one.
pub fn describe_nodes(r: &NodeReport, path_of: &dyn Fn(usize) -> String) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} of {} nodes differ (heapsim has {} nodes); per field: {:?}",
        r.count, r.node_counts.0, r.node_counts.1, r.per_field
    );
    for (i, m) in r.first.iter().enumerate() {
        let _ = writeln!(
            s,
            "  node #{} @{} {:?} differs in {:?}\n    devtools: {}\n    heapsim:  {}",
            m.ordinal,
            m.devtools.id,
            truncate(&m.devtools.name, 60),
            m.fields,
            show_node(&m.devtools),
            show_node(&m.heapsim)
        );
        if i == 0 {
            let _ = writeln!(s, "    path: {}", path_of(m.ordinal));
        }
    }
    s
}

pub fn describe_classes(r: &ClassReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} class names differ (devtools {} classes, heapsim {})",
        r.count, r.class_counts.0, r.class_counts.1
    );
    let row = |c: &ClassRow| {
        format!(
            "count={} self={} retained={} distance={}",
            c.count, c.self_size, c.retained_size, c.distance
        )
    };
    for m in &r.first {
        let _ = writeln!(s, "  class {:?}", truncate(&m.name, 80));
        for c in &m.devtools {
            let _ = writeln!(s, "    devtools: {}", row(c));
        }
        for c in &m.heapsim {
            let _ = writeln!(s, "    heapsim:  {}", row(c));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u32, retained: u64, dom: u32) -> NodeRow {
        NodeRow {
            id,
            kind: "object".into(),
            name: "A".into(),
            self_size: 8,
            retained_size: retained,
            distance: 2,
            dominator_id: dom,
        }
    }

    fn class(name: &str, count: u64, retained: u64) -> ClassRow {
        ClassRow {
            name: name.into(),
            count,
            self_size: 8 * count,
            retained_size: retained,
            distance: 2,
        }
    }

    #[test]
    fn equal_nodes_are_clean() {
        let a = vec![node(1, 16, 1), node(3, 8, 1)];
        assert!(compare_nodes(&a, &a.clone()).is_clean());
    }

    #[test]
    fn every_differing_field_is_counted() {
        let d = vec![node(1, 16, 1), node(3, 8, 1), node(5, 8, 1)];
        let mut h = d.clone();
        h[1].retained_size = 9;
        h[2].dominator_id = 3;
        h[2].distance = 3;
        let r = compare_nodes(&d, &h);
        assert_eq!(r.count, 2);
        assert_eq!(r.per_field["retained_size"], 1);
        assert_eq!(r.per_field["dominator_id"], 1);
        assert_eq!(r.first[0].ordinal, 1);
        assert_eq!(r.first[1].fields, vec!["distance", "dominator_id"]);
        let text = describe_nodes(&r, &|o| format!("path-of-{o}"));
        assert!(text.contains("path-of-1"), "{text}");
    }

    #[test]
    fn missing_nodes_count_as_mismatches() {
        let d = vec![node(1, 16, 1), node(3, 8, 1)];
        let r = compare_nodes(&d, &d[..1]);
        assert_eq!(r.count, 1);
        assert_eq!(r.per_field["node_count"], 1);
    }

    #[test]
    fn classes_sharing_a_name_compare_as_sorted_lists() {
        let d = vec![class("f", 2, 10), class("f", 1, 5), class("Array", 3, 30)];
        let h = vec![class("Array", 3, 30), class("f", 1, 5), class("f", 2, 10)];
        assert!(compare_classes(&d, &h).is_clean());
        let h2 = vec![class("Array", 3, 31), class("f", 1, 5)];
        let r = compare_classes(&d, &h2);
        assert_eq!(r.count, 2);
        assert!(describe_classes(&r).contains("retained=31"));
    }
}
