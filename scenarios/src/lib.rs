//! # heapsim scenarios
//!
//! Scripted leak scenarios run on the simulated heap. Each one models a program from the
//! talk behind heapsim (see `shared/seed`), runs it on [`sim::Heap`], and knows its own
//! **ground truth**: which object leaks and where its memory accumulates. Written out as a
//! real `.heapsnapshot`, a scenario is a test case for any heap analyzer — heapsim's own
//! leak report is checked against these truths in `scenarios/tests/`.
//!
//! Beside them, [`shapes`] (re-exported from the simulator) builds the random V8-shaped heaps
//! of any size that `heapsim generate` writes, [`truth`] is the ground-truth file `heapsim
//! run` and `heapsim generate` write (version 2), [`leaked`] a scenario run's leak resolved
//! on its last snapshot, and [`verify`] scores an analyzer against it (`heapsim verify`).
//!
//! Data flow: scenario → [`sim`] heap → `sim::snapshot` writer → `.heapsnapshot` →
//! analyzer → report.

pub mod control;
pub mod hot_reload;
pub mod js;
pub mod leaked;
pub mod listeners;
pub mod scripts;
/// `heapsim generate`'s heap shapes, which live in the simulator (for its proptest strategy).
pub use sim::shapes;
pub mod ssr_timers;
pub mod truth;
pub mod verify;

use format::Format;
use js::{Js, JsResult};
use sim::snapshot::{write_heap_snapshot, SnapshotOptions};
use sim::{Handle, Heap, HeapError, Profile};

/// What a scenario leaks, as a leak report should name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truth {
    /// Class (constructor name) of the first suspect.
    pub suspect_class: &'static str,
    /// Class of the object where the suspect's memory accumulates.
    pub accumulation_class: &'static str,
    /// Class or function name of the objects that pile up, one per request.
    pub leaked_class: &'static str,
}

/// Knobs shared by all scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Simulated requests; the leak grows linearly with them.
    pub requests: usize,
    /// Bytes of request payload (URL, body) per request.
    pub payload_bytes: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            requests: 2000,
            payload_bytes: 256,
        }
    }
}

/// A runnable scenario.
#[derive(Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub summary: &'static str,
    /// `None` for the control scenario: nothing leaks.
    pub truth: Option<Truth>,
    run: fn(&mut Js, &Params) -> JsResult<()>,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.name)
            .finish()
    }
}

/// Every scenario, the default (`listeners`) first.
pub const ALL: [Scenario; 4] = [
    Scenario {
        name: "listeners",
        summary: "an EventEmitter gains an 'error' listener on every request (the talk's case 1)",
        truth: Some(listeners::TRUTH),
        run: listeners::run,
    },
    Scenario {
        name: "hot-reload",
        summary:
            "require.cache entries deleted while the parent Module keeps its children (case 2)",
        truth: Some(hot_reload::TRUTH),
        run: hot_reload::run,
    },
    Scenario {
        name: "ssr-timers",
        summary: "a Vue component's created() hook starts an interval during SSR (case 3)",
        truth: Some(ssr_timers::TRUTH),
        run: ssr_timers::run,
    },
    Scenario {
        name: "control",
        summary: "a server that keeps nothing per request: no leak",
        truth: None,
        run: control::run,
    },
];

/// The scenario called `name`.
pub fn find(name: &str) -> Option<&'static Scenario> {
    ALL.iter().find(|s| s.name == name)
}

impl Scenario {
    /// Runs the scenario on `heap`.
    pub fn run(&self, heap: &mut Heap, p: &Params) -> Result<(), HeapError> {
        let scope = heap.open_handle_scope();
        let r = (self.run)(&mut Js::new(heap), p);
        heap.close_handle_scope(scope);
        r
    }

    /// Runs the scenario on a fresh heap and returns the `.heapsnapshot` bytes.
    pub fn snapshot(&self, p: &Params, format: Format) -> Result<Vec<u8>, ScenarioError> {
        let mut heap = Heap::new(Profile::default());
        self.run(&mut heap, p)?;
        let mut out = Vec::new();
        let opts = SnapshotOptions {
            format,
            ..SnapshotOptions::default()
        };
        write_heap_snapshot(&mut heap, &mut out, &opts, None)?;
        Ok(out)
    }
}

/// Why a scenario could not produce its snapshot.
#[derive(Debug)]
pub enum ScenarioError {
    Heap(HeapError),
    Io(std::io::Error),
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::Heap(e) => write!(f, "simulated heap: {e}"),
            ScenarioError::Io(e) => write!(f, "writing the snapshot: {e}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl From<HeapError> for ScenarioError {
    fn from(e: HeapError) -> Self {
        ScenarioError::Heap(e)
    }
}

impl From<std::io::Error> for ScenarioError {
    fn from(e: std::io::Error) -> Self {
        ScenarioError::Io(e)
    }
}

/// An incoming request: an `IncomingMessage` with a URL, headers and a body of
/// `payload` bytes, as the scenarios' handlers receive it.
pub(crate) fn request(js: &mut Js, i: usize, payload: usize) -> JsResult<Handle> {
    let req = js.object("IncomingMessage", 6)?;
    let url = js.string(&format!("/home?user={i}"))?;
    js.set(req, "url", url)?;
    let headers = js.plain()?;
    let agent = js.string("Mozilla/5.0 (X11; Linux x86_64)")?;
    js.set(headers, "user-agent", agent)?;
    js.set(req, "headers", headers)?;
    let body = js.string(&"b".repeat(payload))?;
    js.set(req, "body", body)?;
    Ok(req)
}
