//! A Chrome DevTools Protocol client over the inspector's WebSocket: numbered commands,
//! their responses, and the events that arrive in between
//! (<https://chromedevtools.github.io/devtools-protocol/>; Node serves the V8 domains
//! `HeapProfiler`, `Runtime`, …).
//!
//! A heap snapshot arrives as `HeapProfiler.addHeapSnapshotChunk` events (pieces of the
//! snapshot's JSON text, in order) interleaved with `HeapProfiler.reportHeapSnapshotProgress`
//! events, all before the response to `HeapProfiler.takeHeapSnapshot`; each chunk is
//! handed on as it arrives, so the snapshot is never held in memory. Reads wake up every
//! [`POLL`] so that a target that stops sending (stopped, hung) is given up after
//! [`STALL`] instead of blocking forever.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::http::Uri;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use crate::error::{Error, Result};

/// How often a blocked read wakes up.
const POLL: Duration = Duration::from_millis(500);
/// Silence from the target after which it is given up.
pub const STALL: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What arrives while a command runs.
pub enum Event {
    /// A piece of the snapshot's JSON text.
    Chunk(String),
    /// `done` of `total` objects serialised; `finished` once the graph is complete.
    Progress {
        done: u64,
        total: u64,
        finished: bool,
    },
}

/// An open inspector session.
pub struct Cdp {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// `host:port` of the inspector, for messages.
    pub addr: String,
}

impl Cdp {
    /// Connects to an inspector WebSocket URL (`ws://HOST:PORT/ID`).
    pub fn connect(url: &str) -> Result<Cdp> {
        let uri: Uri = url
            .parse()
            .map_err(|_| Error::Target(format!("{url}: not a WebSocket URL")))?;
        let host = uri
            .host()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']');
        let port = uri.port_u16().unwrap_or(80);
        let addr = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let sock: SocketAddr = (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| Error::Target(format!("{addr}: cannot resolve")))?;
        let stream = TcpStream::connect_timeout(&sock, CONNECT_TIMEOUT)
            .map_err(|e| Error::Inspector(format!("{addr}: cannot connect: {e}")))?;
        // Timeouts bound the handshake too; afterwards reads poll (see `next_message`).
        let io = |e: std::io::Error| Error::Connection(format!("{addr}: {e}"));
        stream.set_read_timeout(Some(CONNECT_TIMEOUT)).map_err(io)?;
        stream.set_write_timeout(Some(STALL)).map_err(io)?;
        stream.set_nodelay(true).map_err(io)?;
        let config = WebSocketConfig::default().max_message_size(Some(256 << 20));
        let (ws, _) =
            tungstenite::client::client_with_config(url, stream, Some(config)).map_err(|e| {
                Error::Inspector(format!(
                    "{addr}: WebSocket handshake failed ({e}); not an inspector?"
                ))
            })?;
        ws.get_ref().set_read_timeout(Some(POLL)).map_err(io)?;
        Ok(Cdp {
            ws,
            next_id: 1,
            addr,
        })
    }

    /// Runs `method` and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value> {
        self.call_with(method, params, |_| Ok(()))
    }

    /// Runs `method`, handing every snapshot event that arrives before its response to
    /// `on_event`; an error from `on_event` ends the call.
    pub fn call_with(
        &mut self,
        method: &str,
        params: Value,
        mut on_event: impl FnMut(Event) -> Result<()>,
    ) -> Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({ "id": id, "method": method, "params": params }).to_string();
        self.ws
            .send(Message::text(request))
            .map_err(|e| self.dropped(method, &e))?;
        loop {
            let mut msg = self.next_message(method)?;
            if msg["id"].as_u64() == Some(id) {
                if let Some(err) = msg.get("error") {
                    let text = err["message"].as_str().unwrap_or("error");
                    return Err(Error::Connection(format!(
                        "{}: {method} failed: {text}",
                        self.addr
                    )));
                }
                return Ok(msg["result"].take());
            }
            if let Some(event) = snapshot_event(&mut msg) {
                on_event(event)?;
            }
        }
    }

    /// The next JSON message; gives up after [`STALL`] of silence.
    fn next_message(&mut self, method: &str) -> Result<Value> {
        let since = Instant::now();
        loop {
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    return serde_json::from_str(text.as_str()).map_err(|e| {
                        Error::Connection(format!("{}: not a protocol message ({e})", self.addr))
                    })
                }
                Ok(Message::Close(_)) => {
                    return Err(Error::Connection(format!(
                        "{}: the inspector closed the connection during {method}",
                        self.addr
                    )))
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    if since.elapsed() >= STALL {
                        return Err(Error::Connection(format!(
                            "{}: no answer to {method} for {} s",
                            self.addr,
                            STALL.as_secs()
                        )));
                    }
                }
                Err(e) => return Err(self.dropped(method, &e)),
            }
        }
    }

    fn dropped(&self, method: &str, e: &tungstenite::Error) -> Error {
        Error::Connection(format!(
            "{}: the connection dropped during {method} ({e})",
            self.addr
        ))
    }

    /// Closes the session politely; errors do not matter any more.
    pub fn close(mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

/// The snapshot event in a protocol message, taking its chunk out without a copy.
fn snapshot_event(msg: &mut Value) -> Option<Event> {
    match msg["method"].as_str()? {
        "HeapProfiler.addHeapSnapshotChunk" => match msg.pointer_mut("/params/chunk")?.take() {
            Value::String(s) => Some(Event::Chunk(s)),
            _ => None,
        },
        "HeapProfiler.reportHeapSnapshotProgress" => {
            let p = &msg["params"];
            Some(Event::Progress {
                done: p["done"].as_u64()?,
                total: p["total"].as_u64()?,
                finished: p["finished"].as_bool().unwrap_or(false),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_events_are_recognised() {
        let mut chunk =
            json!({"method": "HeapProfiler.addHeapSnapshotChunk", "params": {"chunk": "{\"snap"}});
        assert!(matches!(snapshot_event(&mut chunk), Some(Event::Chunk(s)) if s == "{\"snap"));
        let mut progress = json!({"method": "HeapProfiler.reportHeapSnapshotProgress",
            "params": {"done": 5, "total": 9, "finished": true}});
        assert!(matches!(
            snapshot_event(&mut progress),
            Some(Event::Progress {
                done: 5,
                total: 9,
                finished: true
            })
        ));
        let mut other = json!({"method": "Runtime.consoleAPICalled", "params": {}});
        assert!(snapshot_event(&mut other).is_none());
    }
}
