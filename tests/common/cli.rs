//! Running the `heapsim` binary from an integration test: one way to start it, and one way
//! to insist that it succeeded (the failure names the arguments and shows standard error).
//! Included by the suites that need it: `#[path = "common/cli.rs"] mod cli;`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// `heapsim ARGS`, whatever its exit status.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .output()
        .expect("run heapsim")
}

/// `heapsim ARGS` with standard output a pipe whose reading end is already closed (what
/// `heapsim … | head -1` becomes), standard error captured.
pub fn into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run heapsim")
}

/// `heapsim ARGS`, which must succeed: its output.
pub fn run_ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "heapsim {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `heapsim ARGS`, which must succeed: its standard output.
pub fn stdout(args: &[&str]) -> String {
    String::from_utf8(run_ok(args).stdout).expect("UTF-8 output")
}

/// `heapsim ARGS`, which must succeed: its standard output as JSON.
pub fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&run_ok(args).stdout).expect("valid JSON")
}

/// `generate --shape chains` (linked lists of `Node`s under `app.chains`, 20 000 objects)
/// into `dir`: its path.
pub fn generated_chains(dir: &Path) -> String {
    let file = dir.join("chains.heapsnapshot");
    let f = file.to_str().expect("UTF-8 temp path");
    run_ok(&[
        "generate",
        "--shape",
        "chains",
        "--objects",
        "20000",
        "-o",
        f,
    ]);
    f.to_string()
}
