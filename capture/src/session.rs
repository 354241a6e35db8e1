//! One attachment to a live Node.js process: resolve the target, find or start its
//! inspector, connect, and then take snapshots, collect garbage and read the heap size
//! through the `HeapProfiler` and `Runtime` domains.
//!
//! heapsim evaluates no code in the target, with one exception the user asks for by name:
//! `--close-inspector` evaluates `inspector.close()` there (`SIGUSR1` leaves the inspector
//! listening, and only the process itself can close it).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::cdp::{Cdp, Event};
use crate::discovery::{self, Activation};
use crate::error::{Error, Result};
use crate::process::NodeProcess;
use crate::target::Target;

/// How long a closed inspector may take to stop listening.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The expression `--close-inspector` evaluates: close the inspector once this evaluation
/// has answered (`inspector.close()` waits for every session to end, heapsim's included).
const CLOSE_INSPECTOR: &str = "(() => { const inspector = process.getBuiltinModule \
    ? process.getBuiltinModule('inspector') : process.mainModule.require('inspector'); \
    setImmediate(() => inspector.close()); return 'closing'; })()";

/// The V8 heap's size (`Runtime.getHeapUsage`, the `heapUsed`/`heapTotal` of
/// `process.memoryUsage()`).
#[derive(Clone, Copy, Debug)]
pub struct HeapUsage {
    pub used: u64,
    pub total: u64,
}

/// An open session with a target.
pub struct Session {
    cdp: Cdp,
    process: Option<NodeProcess>,
    /// For a PID target: whether heapsim started the inspector.
    pub activation: Option<Activation>,
    /// `PID 123` or the inspector's address, for messages.
    pub name: String,
}

impl Session {
    /// Attaches to `target` and enables the heap profiler.
    pub fn attach(target: &Target) -> Result<Session> {
        let (cdp, process, activation) = match target {
            Target::Pid(pid) => {
                let process = NodeProcess::check(*pid)?;
                let (url, activation) = discovery::inspector_of(&process)?;
                (Cdp::connect(&url)?, Some(process), Some(activation))
            }
            Target::Endpoint { host, port } => (
                Cdp::connect(&discovery::websocket_url(host, *port)?)?,
                None,
                None,
            ),
            Target::WebSocket(url) => (Cdp::connect(url)?, None, None),
        };
        let name = match &process {
            Some(p) => format!("PID {}", p.pid),
            None => cdp.addr.clone(),
        };
        let mut session = Session {
            cdp,
            process,
            activation,
            name,
        };
        session.call("HeapProfiler.enable")?;
        Ok(session)
    }

    fn call(&mut self, method: &str) -> Result<serde_json::Value> {
        let r = self.cdp.call(method, json!({}));
        r.map_err(|e| self.explain(e))
    }

    /// A full garbage collection in the target (`HeapProfiler.collectGarbage`).
    pub fn collect_garbage(&mut self) -> Result<()> {
        self.call("HeapProfiler.collectGarbage").map(drop)
    }

    pub fn heap_usage(&mut self) -> Result<HeapUsage> {
        let r = self.call("Runtime.getHeapUsage")?;
        let field = |k: &str| {
            r[k].as_f64().map(|v| v as u64).ok_or_else(|| {
                Error::Connection(format!("{}: Runtime.getHeapUsage without {k}", self.name))
            })
        };
        Ok(HeapUsage {
            used: field("usedSize")?,
            total: field("totalSize")?,
        })
    }

    /// Takes a heap snapshot, handing each chunk of its JSON text to `on_chunk` as it
    /// arrives and the serialiser's progress (`done` of `total` objects) to `on_progress`.
    pub fn take_snapshot(
        &mut self,
        mut on_chunk: impl FnMut(String) -> Result<()>,
        mut on_progress: impl FnMut(u64, u64),
    ) -> Result<()> {
        let params = json!({ "reportProgress": true });
        let r = self.cdp.call_with(
            "HeapProfiler.takeHeapSnapshot",
            params,
            |event| match event {
                Event::Chunk(text) => on_chunk(text),
                Event::Progress { done, total, .. } => {
                    on_progress(done, total);
                    Ok(())
                }
            },
        );
        r.map(drop).map_err(|e| self.explain(e))
    }

    /// A dropped connection to a process that has exited is reported as the exit.
    fn explain(&self, e: Error) -> Error {
        let Error::Connection(why) = &e else { return e };
        let Some(p) = &self.process else { return e };
        // The socket closes a moment before the process is seen as gone.
        let deadline = Instant::now() + Duration::from_millis(500);
        while p.is_alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if p.is_alive() {
            e
        } else {
            Error::Process(format!("PID {} exited during the capture ({why})", p.pid))
        }
    }

    /// Ends the session, leaving the inspector as it is.
    pub fn detach(self) {
        self.cdp.close();
    }

    /// Ends the session and closes the target's inspector by evaluating
    /// `inspector.close()` in it; for a PID, waits until the port is no longer listened on.
    pub fn close_inspector(mut self) -> Result<()> {
        let params = json!({ "expression": CLOSE_INSPECTOR, "returnByValue": true });
        let r = self
            .cdp
            .call("Runtime.evaluate", params)
            .map_err(|e| self.explain(e))?;
        if let Some(ex) = r.get("exceptionDetails") {
            let text = ex["exception"]["description"]
                .as_str()
                .or(ex["text"].as_str())
                .unwrap_or("?");
            let first = text.lines().next().unwrap_or(text);
            return Err(Error::Inspector(format!(
                "{}: cannot close the inspector: {first}",
                self.name
            )));
        }
        let port = self
            .cdp
            .addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse::<u16>().ok());
        let process = self.process.take();
        self.cdp.close();
        let (Some(p), Some(port)) = (process, port) else {
            return Ok(());
        };
        let listening = |p: &NodeProcess| {
            p.listening_loopback()
                .iter()
                .any(|a: &SocketAddr| a.port() == port)
        };
        let deadline = Instant::now() + CLOSE_TIMEOUT;
        while listening(&p) {
            if Instant::now() >= deadline {
                return Err(Error::Inspector(format!(
                    "PID {}: the inspector still listens on port {port} after inspector.close()",
                    p.pid
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}
