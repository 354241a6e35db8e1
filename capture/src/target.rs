//! What `heapsim capture TARGET` attaches to: a process id, an inspector's `HOST:PORT`, or
//! an inspector WebSocket URL (`ws://HOST:PORT/ID`, as Node prints "Debugger listening
//! on …").
//!
//! Whoever connects to an inspector can run code in the process, so only loopback
//! addresses are accepted unless the user says `--allow-remote`: a host name counts as
//! loopback when every address it resolves to is one (`127.0.0.0/8`, `::1`).

use std::net::{SocketAddr, ToSocketAddrs};

use tungstenite::http::Uri;

use crate::error::{Error, Result};

/// A parsed TARGET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A process: its inspector is found (or started with `SIGUSR1`) by heapsim.
    Pid(i32),
    /// An inspector's HTTP endpoint; its `/json/list` names the WebSocket.
    Endpoint { host: String, port: u16 },
    /// An inspector WebSocket URL, used as it is.
    WebSocket(String),
}

impl Target {
    /// Parses TARGET; a host must be loopback unless `allow_remote`.
    pub fn parse(text: &str, allow_remote: bool) -> Result<Target> {
        let bad = |why: &str| {
            Error::Target(format!(
                "target `{text}`: {why} (expected a PID, HOST:PORT or ws://HOST:PORT/ID)"
            ))
        };
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let pid = text.parse::<i32>().map_err(|_| bad("PID out of range"))?;
            if pid <= 0 {
                return Err(bad("PID must be positive"));
            }
            return Ok(Target::Pid(pid));
        }
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("http://{text}")
        };
        let uri: Uri = with_scheme.parse().map_err(|_| bad("not an address"))?;
        let host = uri.host().ok_or_else(|| bad("no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().ok_or_else(|| bad("no port"))?;
        let target = match uri.scheme_str() {
            Some("ws") => Target::WebSocket(text.to_string()),
            Some("http") if uri.path() == "/" && !text.contains("://") => Target::Endpoint {
                host: host.clone(),
                port,
            },
            Some("wss") => {
                return Err(bad(
                    "wss:// is not supported (Node's inspector speaks ws://)",
                ))
            }
            _ => return Err(bad("not an inspector address")),
        };
        check_loopback(&host, port, allow_remote)?;
        Ok(target)
    }
}

/// Refuses a host with any non-loopback address unless `allow_remote`.
pub fn check_loopback(host: &str, port: u16, allow_remote: bool) -> Result<()> {
    if allow_remote {
        return Ok(());
    }
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::Target(format!("{host}: cannot resolve: {e}")))?
        .collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(Error::Target(format!(
            "{host}:{port} is not a loopback address: the inspector lets whoever connects run \
             code in the process; pass --allow-remote to connect anyway"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_endpoints_and_urls() {
        assert_eq!(Target::parse("4321", false).unwrap(), Target::Pid(4321));
        assert_eq!(
            Target::parse("127.0.0.1:9229", false).unwrap(),
            Target::Endpoint {
                host: "127.0.0.1".into(),
                port: 9229
            }
        );
        assert_eq!(
            Target::parse("[::1]:9230", false).unwrap(),
            Target::Endpoint {
                host: "::1".into(),
                port: 9230
            }
        );
        let url = "ws://127.0.0.1:9229/0f2c936f-b1cd-4ac9-aab3-f63b0f33d55e";
        assert_eq!(
            Target::parse(url, false).unwrap(),
            Target::WebSocket(url.into())
        );
    }

    #[test]
    fn remote_hosts_need_allow_remote() {
        let e = Target::parse("192.0.2.7:9229", false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not a loopback address") && e.contains("--allow-remote"),
            "{e}"
        );
        assert_eq!(
            Target::parse("192.0.2.7:9229", true).unwrap(),
            Target::Endpoint {
                host: "192.0.2.7".into(),
                port: 9229
            }
        );
    }

    #[test]
    fn malformed_targets_are_one_line_errors() {
        for t in [
            "",
            "0",
            "localhost",
            "http://127.0.0.1:9229/json",
            "wss://127.0.0.1:9229/x",
        ] {
            let e = Target::parse(t, false).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("target `{t}`")) && !e.contains('\n'),
                "{e}"
            );
        }
    }
}
