//! A scenario's leak, resolved on its last snapshot from what the simulator knows: the
//! **leaked set** (every object allocated during an `action` phase and alive in the
//! snapshot, with its allocation site) and the **suspect** and **accumulation point** the
//! script's `expect.leak` names by class and path, found by id.
//!
//! The leaked set is exact: the interpreter records the site of every allocation made
//! while an `action` runs ([`sim::heap::sites`]), so membership is a table lookup — the
//! truth a real V8 snapshot carries only with allocation tracking on.
//!
//! The suspect and accumulation point are found on the snapshot graph as written (node
//! names and edge names, through [`HeapGraph`]): every chain of edges named by the path's
//! steps (`client` → `_events` → `error`), extended at its end by index steps (`[1000]`,
//! element and hidden edges, numeric names) as the report's path format leaves them out,
//! ends at an accumulation candidate when that node has the accumulation class; the
//! suspect is the first node of the chain with the suspect class. Of several candidates the
//! one through which the most leaked objects are reached (over leaked objects and internal
//! `hidden`/`array` stores only) is the answer — a scenario has one leak, so the others are
//! look-alikes holding none or few. A class names a node by its snapshot name, or, written
//! `{a, b}` as DevTools names plain objects by their properties, a node `Object` having
//! those properties.

use format::{EdgeKind, EdgeName, EdgeRecord, NodeKind, NodeRecord, SnapshotSource};
use sim::snapshot::graph::HeapGraph;
use sim::snapshot::Prepared;
use sim::Heap;

use crate::truth::{LeakTruth, LeakedObject, ObjectRef};

/// What `expect.leak` states.
#[derive(Clone, Copy, Debug)]
pub struct Expectation<'a> {
    pub suspect: &'a str,
    pub accumulation: &'a str,
    /// Dot-separated property steps.
    pub path: &'a str,
    pub leaked: &'a str,
}

/// The resolved leak and the object ordinals (of `p.graph`) of its suspect and
/// accumulation point, which the truth's object sample must include.
pub struct Resolved {
    pub truth: LeakTruth,
    pub ordinals: Vec<u32>,
}

/// The snapshot's nodes and edges as flat columns (node ordinals as in the file).
struct View {
    kind: Vec<NodeKind>,
    name: Vec<String>,
    id: Vec<u32>,
    size: Vec<u64>,
    first: Vec<u32>,
    edge_kind: Vec<EdgeKind>,
    /// Edge names; `None` for index edges.
    edge_name: Vec<Option<String>>,
    edge_to: Vec<u32>,
}

impl View {
    fn of(heap: &Heap, p: &Prepared) -> View {
        let mut src = HeapGraph::new(heap, &p.graph, &p.included, p.format);
        let mut v = View {
            kind: Vec::new(),
            name: Vec::new(),
            id: Vec::new(),
            size: Vec::new(),
            first: vec![0],
            edge_kind: Vec::new(),
            edge_name: Vec::new(),
            edge_to: Vec::new(),
        };
        src.visit_nodes(&mut |r: NodeRecord<'_>| {
            v.kind.push(r.kind);
            v.name.push(r.name.to_string());
            v.id.push(r.id);
            v.size.push(r.self_size);
            let last = *v.first.last().expect("starts with 0");
            v.first.push(last + r.edge_count);
            Ok(())
        })
        .expect("collecting nodes cannot fail");
        src.visit_edges(&mut |e: EdgeRecord<'_>| {
            v.edge_kind.push(e.kind);
            v.edge_name.push(match e.name {
                EdgeName::Name(s) => Some(s.to_string()),
                EdgeName::Index(_) => None,
            });
            v.edge_to.push(e.to as u32);
            Ok(())
        })
        .expect("collecting edges cannot fail");
        v
    }

    fn edges(&self, n: u32) -> std::ops::Range<usize> {
        self.first[n as usize] as usize..self.first[n as usize + 1] as usize
    }

    /// Whether node `n` has class `class` (see the module doc).
    fn has_class(&self, n: u32, class: &str) -> bool {
        let name = &self.name[n as usize];
        if name == class {
            return true;
        }
        let Some(props) = class.strip_prefix('{').and_then(|c| c.strip_suffix('}')) else {
            return false;
        };
        self.kind[n as usize] == NodeKind::Object
            && name == "Object"
            && props.split(", ").all(|p| {
                self.edges(n).any(|e| {
                    self.edge_kind[e] == EdgeKind::Property
                        && self.edge_name[e].as_deref() == Some(p)
                })
            })
    }

    /// Targets of `n`'s edges named `step`.
    fn step<'s>(&'s self, n: u32, step: &'s str) -> impl Iterator<Item = u32> + 's {
        self.edges(n)
            .filter(move |&e| {
                !matches!(self.edge_kind[e], EdgeKind::Weak | EdgeKind::Shortcut)
                    && self.edge_name[e].as_deref() == Some(step)
            })
            .map(|e| self.edge_to[e])
    }

    /// Targets of `n`'s index steps (element, hidden, numeric names).
    fn index_steps(&self, n: u32) -> impl Iterator<Item = u32> + '_ {
        self.edges(n)
            .filter(|&e| match (&self.edge_kind[e], &self.edge_name[e]) {
                (EdgeKind::Element | EdgeKind::Hidden, _) => true,
                (EdgeKind::Weak, _) => false,
                (_, Some(s)) => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
                _ => false,
            })
            .map(|e| self.edge_to[e])
    }

    /// Leaked objects reached from `a` through leaked objects and internal stores.
    fn leaked_reached(&self, a: u32, leaked: &[bool]) -> usize {
        let mut seen = vec![false; self.kind.len()];
        let mut stack = vec![a];
        seen[a as usize] = true;
        let mut count = 0;
        while let Some(n) = stack.pop() {
            for e in self.edges(n) {
                let t = self.edge_to[e];
                let store = matches!(self.kind[t as usize], NodeKind::Hidden | NodeKind::Array);
                if self.edge_kind[e] == EdgeKind::Weak || seen[t as usize] {
                    continue;
                }
                if leaked[t as usize] || store {
                    seen[t as usize] = true;
                    count += leaked[t as usize] as usize;
                    stack.push(t);
                }
            }
        }
        count
    }

    /// The best (suspect, accumulation) node pair for `e` (see the module doc).
    fn resolve(&self, e: &Expectation<'_>, leaked: &[bool]) -> (Option<u32>, Option<u32>) {
        let steps: Vec<&str> = e.path.split('.').collect();
        let mut best: Option<(usize, Option<u32>, u32)> = None;
        for n0 in 0..self.kind.len() as u32 {
            let mut chains = vec![vec![n0]];
            for step in &steps {
                chains = chains
                    .iter()
                    .flat_map(|c| {
                        let last = *c.last().expect("non-empty");
                        self.step(last, step).map(move |t| {
                            let mut next = c.clone();
                            next.push(t);
                            next
                        })
                    })
                    .collect();
            }
            for chain in chains {
                let end = *chain.last().expect("non-empty");
                let candidates = std::iter::once(end).chain(self.index_steps(end));
                for a in candidates.filter(|&a| self.has_class(a, e.accumulation)) {
                    let score = self.leaked_reached(a, leaked);
                    if best.as_ref().is_none_or(|b| score > b.0) {
                        let suspect = chain
                            .iter()
                            .copied()
                            .chain([a])
                            .find(|&s| self.has_class(s, e.suspect));
                        best = Some((score, suspect, a));
                    }
                }
            }
        }
        match best {
            Some((_, s, a)) => (s, Some(a)),
            None => (None, None),
        }
    }
}

/// The leak truth of snapshot `p` of `heap` for expectation `e`; `site` formats a recorded
/// allocation site.
pub fn leak_truth(
    heap: &Heap,
    p: &Prepared,
    e: &Expectation<'_>,
    site: &dyn Fn(u64) -> String,
) -> Resolved {
    let view = View::of(heap, p);
    let nodes = view.kind.len();
    let mut leaked = vec![false; nodes];
    let mut sites = vec![None; nodes];
    let mut object_of = vec![u32::MAX; nodes];
    for (o, a) in heap.objects().enumerate() {
        let Some(n) = p.included.node(o as u32) else {
            continue;
        };
        object_of[n as usize] = o as u32;
        let recorded = heap
            .existing_object_id(a)
            .and_then(|id| heap.allocation_site(id));
        leaked[n as usize] = recorded.is_some();
        sites[n as usize] = recorded;
    }
    let (suspect, accumulation) = view.resolve(e, &leaked);
    let object_ref = |n: u32, class: &str| ObjectRef {
        id: view.id[n as usize],
        class: class.to_string(),
    };
    let leaked_objects: Vec<LeakedObject> = (0..nodes)
        .filter(|&n| leaked[n])
        .map(|n| LeakedObject {
            id: view.id[n],
            kind: view.kind[n].v8_name().to_string(),
            name: view.name[n].clone(),
            size: view.size[n],
            site: site(sites[n].expect("leaked objects have a site")),
        })
        .collect();
    Resolved {
        ordinals: [suspect, accumulation]
            .into_iter()
            .flatten()
            .map(|n| object_of[n as usize])
            .filter(|&o| o != u32::MAX)
            .collect(),
        truth: LeakTruth {
            suspect: suspect.map(|n| object_ref(n, e.suspect)),
            accumulation: accumulation.map(|n| object_ref(n, e.accumulation)),
            path: e.path.split('.').map(str::to_string).collect(),
            leaked_class: e.leaked.to_string(),
            leaked_count: leaked_objects.len(),
            leaked_bytes: leaked_objects.iter().map(|o| o.size).sum(),
            leaked: leaked_objects,
        },
    }
}
