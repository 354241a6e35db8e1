//! The objects a reader can click (treemap tiles, graph nodes, path boxes): each as
//! DevTools' object inspector shows it, cut to what fits a side panel — its first
//! [`FIELDS`] fields (outgoing edges, in edge order), first [`RETAINERS`] retainers
//! (incoming edges, in file order), and the shortest retainer path every report shows
//! ([`retainer_path::shortest_shown`]). Fields and retainers use the path's step record
//! ([`PathStep`]: the edge, and the node at its other end), so one shape describes every
//! edge on the page. Only the listed objects are sent, so the page stays small whatever
//! the snapshot's size.

use std::collections::BTreeMap;

use analyzer::paths::ShortestPaths;
use analyzer::report::json::{node_ref, NodeRef};
use analyzer::report::retainer_path::{self, PathJson, PathStep};
use analyzer::report::DomView;
use analyzer::snapshot::{EdgeIx, NodeIx, Retainers};
use serde::Serialize;

/// Fields listed per object.
pub const FIELDS: usize = 12;
/// Retainers listed per object.
pub const RETAINERS: usize = 8;

/// One object in the page data (`HEAPSIM.data.objects["@id"]`).
#[derive(Serialize)]
pub struct ObjectJson {
    #[serde(flatten)]
    pub node: NodeRef,
    pub self_size: u64,
    pub fields: Vec<PathStep>,
    pub more_fields: usize,
    pub retainers: Vec<PathStep>,
    pub more_retainers: usize,
    pub path: PathJson,
}

/// The edge `e` from `from` as a step to its other end `to`. [`retainer_path::steps`]
/// writes the record; a path of two nodes makes it keep the edge.
fn edge_step(view: &DomView, from: NodeIx, e: EdgeIx, to: NodeIx) -> PathStep {
    let mut two = retainer_path::steps(view, [(None, from), (Some(e), to)]);
    two.pop().expect("two steps")
}

/// The listed objects, keyed by `@id` (JSON object keys are strings).
pub struct Objects<'a> {
    view: DomView<'a>,
    paths: ShortestPaths,
    retainers: Retainers,
    listed: BTreeMap<String, ObjectJson>,
}

impl<'a> Objects<'a> {
    /// Objects are listed as the page's sections ask for them, so both indexes cover every
    /// node: any object's retainers, any object's shortest paths.
    pub fn new(view: DomView<'a>) -> Objects<'a> {
        let s = view.snapshot;
        Objects {
            view,
            paths: ShortestPaths::to_every_node(s),
            retainers: Retainers::build(s),
            listed: BTreeMap::new(),
        }
    }

    /// The shortest retainer path shown for `n`.
    pub fn path(&self, n: NodeIx) -> Vec<PathStep> {
        retainer_path::shortest_shown(&self.view, &self.paths, n)
    }

    /// The retainers of `n`: (edge, retaining node), in file order.
    pub fn retainers_of(&self, n: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.retainers.range(n).map(|i| {
            let e = self.retainers.edge[i];
            (e, self.view.snapshot.edge_source(e))
        })
    }

    /// Lists `n` (once).
    pub fn add(&mut self, n: NodeIx) {
        let s = self.view.snapshot;
        let key = format!("@{}", s.node_id(n));
        if self.listed.contains_key(&key) {
            return;
        }
        let edges = s.edge_range(n);
        let fields = edges
            .clone()
            .take(FIELDS)
            .map(|e| edge_step(&self.view, n, e, s.edge_to(e)))
            .collect();
        let incoming = self.retainers.range(n).len();
        let retainers = self
            .retainers_of(n)
            .take(RETAINERS)
            .map(|(e, from)| edge_step(&self.view, n, e, from))
            .collect();
        let object = ObjectJson {
            node: node_ref(&self.view, n),
            self_size: s.self_size(n),
            fields,
            more_fields: edges.len().saturating_sub(FIELDS),
            retainers,
            more_retainers: incoming.saturating_sub(RETAINERS),
            path: PathJson::new(self.path(n)),
        };
        self.listed.insert(key, object);
    }

    /// The listed objects.
    pub fn into_listed(self) -> BTreeMap<String, ObjectJson> {
        self.listed
    }
}
