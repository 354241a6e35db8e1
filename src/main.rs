//! `heapsim`: the command line over the analyzer, the simulator and the scenarios.

use clap::Parser;

mod cli;

fn main() {
    let args = cli::Cli::parse();
    std::process::exit(cli::run(args));
}
