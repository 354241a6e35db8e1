//! The target process: is it Node.js, is it alive, which loopback ports it listens on, and
//! sending it signals.
//!
//! `SIGUSR1` and `SIGUSR2` end most programs (their default action is to terminate), so a
//! signal is only ever sent after [`NodeProcess::check`] has found a Node executable
//! (`/proc/PID/exe` named `node` or `nodejs`, `/proc/PID/cmdline` present). What the
//! process listens on is read from `/proc/PID/fd` (socket inodes) and its network
//! namespace's TCP tables, which tells an inspector that belongs to this process from one
//! that belongs to another (Node's `SIGUSR1` inspector always binds the same port).

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use procfs::net::TcpState;
use procfs::process::{FDTarget, Process};

use crate::error::{Error, Result};

/// A process checked to be Node.js.
pub struct NodeProcess {
    pub pid: i32,
    proc: Process,
    /// `argv` as the process was started.
    pub cmdline: Vec<String>,
}

impl NodeProcess {
    /// Finds `pid` and checks that it runs a Node executable.
    pub fn check(pid: i32) -> Result<NodeProcess> {
        let proc =
            Process::new(pid).map_err(|_| Error::Process(format!("no process with PID {pid}")))?;
        let exe = proc
            .exe()
            .map_err(|e| Error::Process(format!("PID {pid}: cannot read its executable ({e})")))?;
        let cmdline = proc.cmdline().unwrap_or_default();
        if !is_node_executable(&exe) || cmdline.is_empty() {
            return Err(Error::Process(format!(
                "PID {pid} is not a Node.js process (it runs {}); refusing to signal it",
                exe.display()
            )));
        }
        Ok(NodeProcess { pid, proc, cmdline })
    }

    pub fn is_alive(&self) -> bool {
        // A zombie has exited; only its parent's `wait` is missing.
        self.proc
            .stat()
            .is_ok_and(|s| s.state != 'Z' && s.state != 'X')
    }

    /// CPU time used so far, in clock ticks: a process that uses CPU is still working.
    pub fn cpu_ticks(&self) -> u64 {
        self.proc.stat().map_or(0, |s| s.utime + s.stime)
    }

    /// Sends `signal`; only ever to a checked Node process.
    pub fn signal(&self, signal: Signal) -> Result<()> {
        kill(Pid::from_raw(self.pid), signal)
            .map_err(|e| Error::Process(format!("PID {}: cannot send {signal}: {e}", self.pid)))
    }

    /// The process's working directory (where `--heapsnapshot-signal` writes by default).
    pub fn cwd(&self) -> Result<PathBuf> {
        self.proc.cwd().map_err(|e| {
            Error::Process(format!(
                "PID {}: cannot read its working directory ({e})",
                self.pid
            ))
        })
    }

    /// The value of a `--NAME=VALUE` (or `--NAME VALUE`) Node option, from the command
    /// line or `NODE_OPTIONS`.
    pub fn node_option(&self, name: &str) -> Option<String> {
        let from_env = self
            .proc
            .environ()
            .ok()
            .and_then(|env| env.get(std::ffi::OsStr::new("NODE_OPTIONS")).cloned())
            .map(|v| {
                v.to_string_lossy()
                    .split_whitespace()
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        // Options come before the script; arguments after it belong to the program.
        let node_args = self
            .cmdline
            .iter()
            .skip(1)
            .take_while(|a| a.starts_with('-'));
        let args: Vec<&String> = from_env.iter().chain(node_args).collect();
        let flag = format!("--{name}");
        args.iter().enumerate().find_map(|(i, a)| {
            if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
                Some(v.to_string())
            } else if **a == flag {
                args.get(i + 1).map(|v| v.to_string())
            } else {
                None
            }
        })
    }

    /// Whether any of the process's file descriptors refers to `path`.
    pub fn has_open(&self, path: &Path) -> bool {
        self.proc.fd().is_ok_and(|fds| {
            fds.flatten()
                .any(|fd| matches!(&fd.target, FDTarget::Path(p) if p == path))
        })
    }

    /// The loopback addresses on which this process accepts TCP connections (a socket
    /// bound to every interface counts, reached through loopback).
    pub fn listening_loopback(&self) -> Vec<SocketAddr> {
        let inodes = self.socket_inodes();
        listeners(&self.proc)
            .into_iter()
            .filter(|(addr, inode)| {
                inodes.contains(inode) && (addr.ip().is_loopback() || addr.ip().is_unspecified())
            })
            .map(|(mut addr, _)| {
                if addr.ip().is_unspecified() {
                    let ip: IpAddr = if addr.is_ipv4() {
                        Ipv4Addr::LOCALHOST.into()
                    } else {
                        Ipv6Addr::LOCALHOST.into()
                    };
                    addr.set_ip(ip);
                }
                addr
            })
            .collect()
    }

    fn socket_inodes(&self) -> HashSet<u64> {
        self.proc
            .fd()
            .map(|fds| {
                fds.flatten()
                    .filter_map(|fd| match fd.target {
                        FDTarget::Socket(inode) => Some(inode),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `(address, socket inode)` of every listening TCP socket in `proc`'s network namespace.
fn listeners(proc: &Process) -> Vec<(SocketAddr, u64)> {
    let v4 = proc.tcp().unwrap_or_default();
    let v6 = proc.tcp6().unwrap_or_default();
    v4.into_iter()
        .chain(v6)
        .filter(|e| e.state == TcpState::Listen)
        .map(|e| (e.local_address, e.inode))
        .collect()
}

/// The PID and command name of the process listening on `addr`, if one can be seen.
pub fn listener_of(addr: SocketAddr) -> Option<(i32, String)> {
    let me = Process::myself().ok()?;
    let inode = listeners(&me)
        .into_iter()
        .find(|(a, _)| a.port() == addr.port() && (a.ip() == addr.ip() || a.ip().is_unspecified()))?
        .1;
    procfs::process::all_processes()
        .ok()?
        .flatten()
        .find_map(|p| {
            let owns = p
                .fd()
                .ok()?
                .flatten()
                .any(|fd| matches!(fd.target, FDTarget::Socket(i) if i == inode));
            owns.then(|| (p.pid, p.stat().map(|s| s.comm).unwrap_or_default()))
        })
}

/// `node`, `nodejs`, or a versioned name such as `node22`.
fn is_node_executable(exe: &Path) -> bool {
    let name = exe.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // A replaced binary shows as `node (deleted)`: still Node.
    let name = name.trim_end_matches(" (deleted)");
    name == "nodejs"
        || name
            .strip_prefix("node")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_executables_by_name() {
        for n in [
            "/usr/bin/node",
            "/usr/bin/nodejs",
            "/opt/node22",
            "/x/node (deleted)",
        ] {
            assert!(is_node_executable(Path::new(n)), "{n}");
        }
        for n in ["/usr/bin/nodemon", "/bin/sh", "/usr/bin/python3", "/x/deno"] {
            assert!(!is_node_executable(Path::new(n)), "{n}");
        }
    }

    #[test]
    fn this_test_process_is_not_node() {
        let e = NodeProcess::check(std::process::id() as i32)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("is not a Node.js process"), "{e}");
    }

    #[test]
    fn a_missing_pid_is_named() {
        // PIDs are below 2^22 on Linux.
        let e = NodeProcess::check(i32::MAX).err().unwrap().to_string();
        assert_eq!(e, format!("no process with PID {}", i32::MAX));
    }
}
