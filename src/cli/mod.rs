//! Command-line parsing and dispatch. Each subcommand lives in its own module and is a thin
//! layer over library calls: parse arguments, call the library, print.
//!
//! Exit codes: 0 success; 1 the command ran and found a failure it was asked to check
//! (algorithms disagree, the heap verifier failed); 2 bad input or usage (one line on stderr
//! naming what and where).

use clap::{Parser, Subcommand};

mod oracle_check;
mod stress;

#[derive(Parser, Debug)]
#[command(
    name = "heapsim",
    version,
    about = "Simulate V8's heap, write real heap snapshots, and find leaks in them",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a random mutator on the simulated heap with the heap verifier after every GC.
    Stress(stress::StressArgs),
}

/// Runs a command and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result: anyhow::Result<i32> = match cli.command {
        Command::Stress(a) => stress::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heapsim: error: {e:#}");
            2
        }
    }
}
