//! `heapsim capture` and `heapsim watch` against real Node.js 20, 22 and 24 processes on
//! loopback, started WITHOUT `--inspect` where the test is about attaching by PID: each
//! runs `tests/capture/listeners_server.js` (the talk's listener leak, serving on a timer
//! until it is killed; a guard kills it when the test ends, however it ends).
//!
//! * `capture PID --analyze` names the `Client` suspect and its listener `Array`; the
//!   streamed report equals `heapsim analyze` of the written file, and DevTools' worker
//!   reads that file exactly as heapsim does (the interop comparison);
//! * `watch` finds the leaked `onError` closures as the top group, and a control server
//!   that removes its listeners yields no group;
//! * `--signal SIGUSR2` against `node --heapsnapshot-signal=SIGUSR2`;
//! * faults: the target exits mid-capture, a port held by something that is not an
//!   inspector, a PID that does not exist, a program that is not Node, a non-loopback host
//!   without `--allow-remote`, an existing output file.
//!
//! Node's `SIGUSR1` always opens 127.0.0.1:9229, so the tests that start an inspector that
//! way take [`PORT_9229`] in turn; the others start Node with `--inspect=127.0.0.1:0` (or
//! no inspector at all) and run in parallel. Every wait has a timeout.
//!
//! Node comes from `scripts/setup-interop.sh`'s env file. Without it a test fails under CI
//! (`CI` set and not `false`/`0`) and prints SKIPPED elsewhere.

#[path = "interop/common/mod.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::Toolchain;

/// Held by every test in which Node's `SIGUSR1` opens 127.0.0.1:9229.
static PORT_9229: Mutex<()> = Mutex::new(());

fn port_9229() -> std::sync::MutexGuard<'static, ()> {
    PORT_9229
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The longest any heapsim run or Node start may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// A running Node server, killed when dropped.
struct Server {
    child: Child,
    /// Node's stderr lines (the inspector's "Debugger listening on ws://…").
    stderr: mpsc::Receiver<String>,
}

impl Server {
    /// Starts `listeners_server.js` with `node_args` before and `args` after the script,
    /// in `cwd`, and waits for its "ready".
    fn start(
        tc: &Toolchain,
        version: u32,
        node_args: &[&str],
        args: &[&str],
        cwd: &Path,
    ) -> Server {
        let script = common::repo_root().join("tests/capture/listeners_server.js");
        let mut child = Command::new(tc.node(version))
            .args(node_args)
            .arg(script)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start node");
        let stderr = lines_of(child.stderr.take().expect("stderr"));
        let stdout = lines_of(child.stdout.take().expect("stdout"));
        let server = Server { child, stderr };
        match stdout.recv_timeout(TIMEOUT) {
            Ok(line) if line == "ready" => server,
            other => panic!("node {version} {args:?}: no \"ready\" ({other:?})"),
        }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// The WebSocket URL of `--inspect=127.0.0.1:0`, from Node's "Debugger listening on".
    fn inspector_url(&self) -> String {
        let deadline = Instant::now() + TIMEOUT;
        while let Ok(line) = self
            .stderr
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if let Some(url) = line.strip_prefix("Debugger listening on ") {
                return url.to_string();
            }
        }
        panic!("node printed no inspector address");
    }

    /// The port of [`Server::inspector_url`].
    fn inspector_port(&self) -> u16 {
        let url = self.inspector_url();
        let port = url.trim_start_matches("ws://127.0.0.1:").split('/').next();
        port.and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{url}: no port"))
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The lines of `pipe`, read on a thread.
fn lines_of(pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn heapsim_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heapsim"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for a started heapsim, killing it after [`TIMEOUT`].
fn finish(mut child: Child, args: &[&str]) -> Output {
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!(
                "heapsim {args:?} did not finish within {} s",
                TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("heapsim output")
}

fn heapsim(args: &[&str]) -> Output {
    finish(heapsim_command(args).spawn().expect("start heapsim"), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A run that failed with status 2 and one line on stderr; that line.
fn one_line_failure(out: &Output, args: &[&str]) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "heapsim {args:?}: {err}");
    assert_eq!(
        err.lines().count(),
        1,
        "heapsim {args:?}: not one line: {err}"
    );
    assert!(err.starts_with("heapsim: error: "), "{err}");
    err.trim_end().to_string()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn partial(p: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", p.display()))
}

fn capture_analyze(version: u32) {
    let test = format!("capture PID --analyze node{version}");
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let _port = port_9229();
    let mut server = Server::start(&tc, version, &[], &[], dir.path());
    let file = dir.path().join("live.heapsnapshot");
    let pid = server.pid();
    let args = ["capture", &pid, "--analyze", "-o", path_str(&file)];
    let out = heapsim(&args);
    let (report, err) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{test}: {err}");
    assert!(
        err.contains("started its inspector on SIGUSR1"),
        "{test}: {err}"
    );
    assert!(server.is_running(), "{test}: the server stopped serving");
    assert!(
        report.contains("Suspect 1: \"Client\" instance"),
        "{test}:\n{report}"
    );
    assert!(
        report.contains("mostly accumulated in \"Array\" instance"),
        "{test}:\n{report}"
    );
    assert!(report.contains("app → client\n"), "{test}:\n{report}");
    assert!(
        report.contains("closure \"onError\" listeners_server.js:"),
        "{test}:\n{report}"
    );
    assert!(
        file.is_file() && !partial(&file).exists(),
        "{test}: no complete file"
    );

    // The report read from the chunks is the report of the file they make up.
    let from_file = heapsim(&["analyze", path_str(&file)]);
    assert_eq!(
        text(&from_file.stdout),
        report,
        "{test}: streamed and file reports differ"
    );
    if let Err(diff) = common::devtools_agrees(&tc, &file) {
        panic!("{test}: DevTools reads the captured file differently:\n{diff}");
    }
}

#[test]
fn capture_analyze_node20() {
    capture_analyze(20);
}

#[test]
fn capture_analyze_node22() {
    capture_analyze(22);
}

#[test]
fn capture_analyze_node24() {
    capture_analyze(24);
}

/// HOST:PORT and ws:// targets, --gc, and --close-inspector on an inspector opened at start.
#[test]
fn capture_by_address_and_close_the_inspector() {
    let test = "capture HOST:PORT";
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&tc, 22, &["--inspect=127.0.0.1:0"], &[], dir.path());
    let port = server.inspector_port();
    let endpoint = format!("127.0.0.1:{port}");
    let by_endpoint = dir.path().join("endpoint.heapsnapshot");
    let out = heapsim(&["capture", &endpoint, "--gc", "-o", path_str(&by_endpoint)]);
    assert!(out.status.success(), "{test}: {}", text(&out.stderr));
    analyzer::reader::read_path(&by_endpoint, &Default::default()).expect("a complete snapshot");

    // By PID, the inspector the process already has is used: no signal.
    let pid = server.pid();
    let by_pid = dir.path().join("pid.heapsnapshot");
    let args = [
        "capture",
        &pid,
        "--close-inspector",
        "-o",
        path_str(&by_pid),
    ];
    let out = heapsim(&args);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{test}: {err}");
    assert!(
        !err.contains("SIGUSR1") && err.contains("closing the inspector of PID"),
        "{err}"
    );
    // Closed: the port refuses connections now.
    let file = dir.path().join("after-close.heapsnapshot");
    let args = ["capture", &endpoint, "-o", path_str(&file)];
    let line = one_line_failure(&heapsim(&args), &args);
    assert!(
        line.ends_with(&format!(
            "{endpoint}: connection refused (no inspector listening)"
        )),
        "{line}"
    );
}

#[test]
fn capture_by_websocket_url() {
    let test = "capture ws://";
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&tc, 20, &["--inspect=127.0.0.1:0"], &[], dir.path());
    let url = server.inspector_url();
    let out = heapsim(&["capture", &url, "--analyze", "--no-save", "--json"]);
    assert!(out.status.success(), "{test}: {}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json report");
    assert_eq!(report["suspects"][0]["name"], "Client", "{test}: {report}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "--no-save wrote a file"
    );

    let (base, _) = url.rsplit_once('/').expect("ws://HOST:PORT/ID");
    let wrong = format!("{base}/no-such-session");
    let file = dir.path().join("w");
    let args = ["capture", &wrong, "-o", path_str(&file)];
    let line = one_line_failure(&heapsim(&args), &args);
    assert!(line.contains("WebSocket handshake failed"), "{line}");
}

fn watch(control: bool) -> String {
    let test = format!("watch control={control}");
    let Some(tc) = Toolchain::require() else {
        return String::new();
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let server_args: &[&str] = if control { &["--control"] } else { &[] };
    let server = Server::start(&tc, 24, &["--inspect=127.0.0.1:0"], server_args, dir.path());
    let pid = server.pid();
    let snaps = dir.path().join("snaps");
    let args = [
        "watch",
        &pid,
        "--interval",
        "1s",
        "--count",
        "3",
        "-o",
        path_str(&snaps),
    ];
    let out = heapsim(&args);
    assert!(out.status.success(), "{test}: {}", text(&out.stderr));
    for i in 1..=3 {
        assert!(
            snaps.join(format!("snapshot-{i}.heapsnapshot")).is_file(),
            "{test}: snapshot {i}"
        );
    }
    text(&out.stdout)
}

#[test]
fn watch_finds_the_leaked_closures() {
    let report = watch(false);
    if report.is_empty() {
        return;
    }
    let heap_lines = report
        .lines()
        .filter(|l| l.contains(" s  heap ") && l.contains("snapshot "))
        .count();
    assert_eq!(heap_lines, 3, "{report}");
    let group = report
        .lines()
        .find(|l| l.starts_with("Leak group 1: "))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        group.contains("closure \"onError\" listeners_server.js:"),
        "{report}"
    );
    assert!(
        report.contains("Suspect 1: \"Client\" instance"),
        "{report}"
    );
}

#[test]
fn watch_finds_no_leak_in_the_control() {
    let report = watch(true);
    if report.is_empty() {
        return;
    }
    assert!(
        report.contains(
            "No leak: nothing allocated between BASE and TARGET is still alive in FINAL."
        ),
        "{report}"
    );
    assert!(report.contains("No leak suspect"), "{report}");
}

#[test]
fn watch_until_growth() {
    let test = "watch --until-growth";
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&tc, 22, &["--inspect=127.0.0.1:0"], &[], dir.path());
    let port = server.inspector_port();
    let snaps = dir.path().join("snaps");
    let out = heapsim(&[
        "watch",
        &format!("127.0.0.1:{port}"),
        "--interval",
        "1s",
        "--until-growth",
        "100kB",
        "--timeout",
        "60s",
        "--json",
        "-o",
        path_str(&snaps),
    ]);
    assert!(out.status.success(), "{test}: {}", text(&out.stderr));
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("a sequence of JSON documents");
    let samples: Vec<&serde_json::Value> = docs
        .iter()
        .filter(|d| d.get("heap_used").is_some())
        .collect();
    let base = samples[0]["heap_used"].as_u64().unwrap();
    let second = samples
        .iter()
        .find(|s| s["snapshot"] == 2)
        .expect("snapshot 2");
    assert!(
        second["heap_used"].as_u64().unwrap() >= base + 100_000,
        "{test}: {samples:?}"
    );
    let groups = docs.iter().find_map(|d| d.get("groups")).expect("groups");
    assert!(!groups.as_array().unwrap().is_empty(), "{test}: {groups}");
    assert!(
        docs.last().unwrap().get("suspects").is_some(),
        "{test}: no leak report last"
    );
}

#[test]
fn signal_sigusr2_moves_nodes_own_snapshot() {
    let test = "capture --signal SIGUSR2";
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(&tc, 22, &["--heapsnapshot-signal=SIGUSR2"], &[], dir.path());
    let pid = server.pid();
    let file = dir.path().join("by-signal.heapsnapshot");
    let out = heapsim(&[
        "capture",
        &pid,
        "--signal",
        "SIGUSR2",
        "--analyze",
        "-o",
        path_str(&file),
    ]);
    assert!(out.status.success(), "{test}: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Suspect 1: \"Client\" instance"),
        "{test}"
    );
    assert!(file.is_file() && server.is_running(), "{test}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left,
        vec![file.file_name().unwrap().to_owned()],
        "{test}: Node's file was not moved"
    );
}

#[test]
fn signal_sigusr2_is_refused_without_the_handler() {
    let test = "capture --signal SIGUSR2 without --heapsnapshot-signal";
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(&tc, 20, &[], &[], dir.path());
    let pid = server.pid();
    let file = dir.path().join("s");
    let args = [
        "capture",
        &pid,
        "--signal",
        "SIGUSR2",
        "-o",
        path_str(&file),
    ];
    let line = one_line_failure(&heapsim(&args), &args);
    assert!(
        line.contains("was not started with --heapsnapshot-signal=SIGUSR2"),
        "{line}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.is_running(),
        "{test}: the process was signalled anyway"
    );
}

#[test]
fn fault_target_exits_mid_capture() {
    let test = "capture: the target exits mid-capture";
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    // A heap that takes seconds to serialise, so that the kill lands mid-snapshot.
    let mut server = Server::start(
        &tc,
        22,
        &["--inspect=127.0.0.1:0"],
        &["--bulk", "300000"],
        dir.path(),
    );
    let pid = server.pid();
    let file = dir.path().join("cut.heapsnapshot");
    let args = ["capture", &pid, "-o", path_str(&file)];
    let child = heapsim_command(&args).spawn().expect("start heapsim");
    let deadline = Instant::now() + TIMEOUT;
    while std::fs::metadata(partial(&file)).map_or(0, |m| m.len()) == 0 {
        assert!(Instant::now() < deadline, "{test}: no chunk arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill();
    let out = finish(child, &args);
    let line = one_line_failure(&out, &args);
    assert!(
        line.contains(&format!("PID {pid} exited during the capture")),
        "{line}"
    );
    assert!(
        !file.exists() && !partial(&file).exists(),
        "{test}: files left behind"
    );
}

#[test]
fn fault_port_taken_by_something_else() {
    let test = "capture: a port that is not an inspector";
    // Something that accepts and answers, but not HTTP.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            use std::io::Write;
            let _ = conn.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
        }
    });
    let endpoint = format!("127.0.0.1:{port}");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("f.heapsnapshot");
    let args = ["capture", &endpoint, "-o", path_str(&file)];
    let line = one_line_failure(&heapsim(&args), &args);
    assert!(
        line.contains(&format!("{endpoint}: not a Node inspector")),
        "{test}: {line}"
    );
    assert!(!partial(&file).exists(), "{test}: .partial left");

    // SIGUSR1 while 127.0.0.1:9229 is taken: Node cannot open its inspector.
    let Some(tc) = Toolchain::require() else {
        return;
    };
    let _port = port_9229();
    let Ok(_blocker) = TcpListener::bind("127.0.0.1:9229") else {
        panic!("{test}: 127.0.0.1:9229 is in use by another program");
    };
    let mut server = Server::start(&tc, 24, &[], &[], dir.path());
    let pid = server.pid();
    let args = ["capture", &pid, "-o", path_str(&file)];
    let line = one_line_failure(&heapsim(&args), &args);
    let me = std::process::id();
    assert!(
        line.contains(&format!("PID {pid} did not start its inspector after SIGUSR1: 127.0.0.1:9229 is taken by PID {me}")),
        "{test}: {line}"
    );
    assert!(server.is_running() && !partial(&file).exists(), "{test}");
}

#[test]
fn fault_missing_pid_and_not_node() {
    let args = ["capture", "99999999", "-o", "/tmp/heapsim-never-written"];
    let line = one_line_failure(&heapsim(&args), &args);
    assert_eq!(line, "heapsim: error: no process with PID 99999999");
    assert!(!Path::new("/tmp/heapsim-never-written").exists());

    let mut sleeper = Command::new("sleep").arg("60").spawn().expect("sleep");
    let pid = sleeper.id().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("f");
    let args = ["capture", &pid, "-o", path_str(&file)];
    let line = one_line_failure(&heapsim(&args), &args);
    std::thread::sleep(Duration::from_millis(200));
    let alive = sleeper.try_wait().expect("wait").is_none();
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    assert!(
        line.contains(&format!("PID {pid} is not a Node.js process")),
        "{line}"
    );
    assert!(alive, "a program that is not Node was signalled");
    assert!(!partial(&file).exists(), ".partial left");
}

#[test]
fn fault_remote_host_needs_allow_remote() {
    // A documentation address (RFC 5737): refused before any connection is made.
    for target in ["192.0.2.1:9229", "ws://192.0.2.1:9229/x"] {
        let args = ["capture", target];
        let line = one_line_failure(&heapsim(&args), &args);
        assert!(
            line.contains("192.0.2.1:9229 is not a loopback address"),
            "{line}"
        );
        assert!(line.contains("--allow-remote"), "{line}");
        let args = ["watch", target];
        let line = one_line_failure(&heapsim(&args), &args);
        assert!(line.contains("not a loopback address"), "{line}");
    }
}

#[test]
fn fault_existing_output_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("mine.heapsnapshot");
    std::fs::write(&file, "precious").unwrap();
    // Checked before anything is sent: no process needed.
    let args = ["capture", "127.0.0.1:9", "-o", path_str(&file)];
    let line = one_line_failure(&heapsim(&args), &args);
    assert!(
        line.ends_with("mine.heapsnapshot: already exists (use --force to overwrite)"),
        "{line}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}
