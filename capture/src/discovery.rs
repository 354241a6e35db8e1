//! Finding the inspector: its HTTP endpoint answers `GET /json/list` with the debuggable
//! targets, each with a `webSocketDebuggerUrl` (Node's `inspector_socket_server.cc`, the
//! same endpoint `chrome://inspect` polls).
//!
//! For a PID, the inspector is the one *this* process listens on: its loopback listening
//! sockets (see [`crate::process`]) are asked for `/json/list` before anything is sent, and
//! only when none answers is the process sent `SIGUSR1`, which makes Node start its
//! inspector (on `--inspect-port`, by default 127.0.0.1:9229) and leave it listening. A
//! port held by another program is then reported by its owner rather than connected to.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde_json::Value;
use tungstenite::http::Uri;

use crate::error::{Error, Result};
use crate::process::{listener_of, NodeProcess};

/// How long a started inspector may take to listen (Node opens it within milliseconds).
const ACTIVATION_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one `/json/list` request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// Where Node's `SIGUSR1` opens the inspector without `--inspect-port`.
pub const DEFAULT_INSPECTOR: &str = "127.0.0.1:9229";

/// How the inspector of a process was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// It was already listening (`--inspect`, an earlier `SIGUSR1`).
    AlreadyOpen,
    /// heapsim sent `SIGUSR1`; the inspector stays open after heapsim leaves.
    Started,
}

/// The WebSocket URL of the first Node target listed by the inspector at `host:port`.
pub fn websocket_url(host: &str, port: u16) -> Result<String> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(REQUEST_TIMEOUT))
        .max_redirects(0)
        .build()
        .into();
    let url = format!("http://{authority}/json/list");
    let not_inspector =
        |why: String| Error::Inspector(format!("{authority}: not a Node inspector ({why})"));
    let body = agent
        .get(&url)
        .call()
        .map_err(|e| match e {
            ureq::Error::ConnectionFailed | ureq::Error::Io(_) | ureq::Error::HostNotFound
                if !answers(&authority) =>
            {
                Error::Inspector(format!(
                    "{authority}: connection refused (no inspector listening)"
                ))
            }
            other => not_inspector(format!("GET /json/list: {other}")),
        })?
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .map_err(|e| not_inspector(format!("GET /json/list: {e}")))?;
    let list: Value = serde_json::from_str(&body)
        .map_err(|_| not_inspector("GET /json/list did not return JSON".into()))?;
    let path = list
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["type"] == "node")
        .find_map(|t| t["webSocketDebuggerUrl"].as_str())
        .and_then(|u| u.parse::<Uri>().ok())
        .map(|u| u.path().to_string())
        .ok_or_else(|| not_inspector("/json/list names no Node target".into()))?;
    // Connect to the address that was checked, whatever host the inspector put in its URL.
    Ok(format!("ws://{authority}{path}"))
}

/// Whether anything accepts TCP connections at `authority`.
fn answers(authority: &str) -> bool {
    use std::net::ToSocketAddrs;
    authority
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, REQUEST_TIMEOUT).is_ok())
}

/// The inspector WebSocket of `process`, started with `SIGUSR1` if it has none.
pub fn inspector_of(process: &NodeProcess) -> Result<(String, Activation)> {
    if let Some(url) = own_inspector(process) {
        return Ok((url, Activation::AlreadyOpen));
    }
    process.signal(Signal::SIGUSR1)?;
    let deadline = Instant::now() + ACTIVATION_TIMEOUT;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        if !process.is_alive() {
            return Err(Error::Process(format!(
                "PID {} exited after SIGUSR1 (was it started with a SIGUSR1 handler or \
                 --disable-sigusr1?)",
                process.pid
            )));
        }
        if let Some(url) = own_inspector(process) {
            return Ok((url, Activation::Started));
        }
    }
    Err(Error::Inspector(not_started(process)))
}

/// The inspector among the process's own loopback listeners, if one answers.
fn own_inspector(process: &NodeProcess) -> Option<String> {
    process
        .listening_loopback()
        .into_iter()
        .find_map(|a: SocketAddr| websocket_url(&a.ip().to_string(), a.port()).ok())
}

/// Why `SIGUSR1` gave no inspector: most often its port is taken.
fn not_started(process: &NodeProcess) -> String {
    let port = process
        .node_option("inspect-port")
        .unwrap_or_else(|| DEFAULT_INSPECTOR.to_string());
    let addr: Option<SocketAddr> = port
        .parse()
        .ok()
        .or_else(|| format!("127.0.0.1:{port}").parse().ok());
    let holder = addr.and_then(listener_of);
    match (addr, holder) {
        (Some(a), Some((pid, comm))) => format!(
            "PID {} did not start its inspector after SIGUSR1: {a} is taken by PID {pid} ({comm})",
            process.pid
        ),
        _ => format!(
            "PID {} did not start its inspector within {} s of SIGUSR1 (started with \
             --disable-sigusr1, or {port} taken?)",
            process.pid,
            ACTIVATION_TIMEOUT.as_secs()
        ),
    }
}
