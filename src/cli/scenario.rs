//! `heapsim scenario`: run one of the scripted leak scenarios on the simulator and write its
//! snapshot, with the scenario's ground truth beside it (`FILE.truth.json`) — reference
//! snapshots against which any heap analyzer can be checked.

use super::load::is_stdio;
use super::output::{outln, Output, OutputFile};
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use format::Format;
use scenarios::truth::{write_scenario_truth, ScenarioTruth};
use scenarios::{Params, ALL};

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    heapsim scenario --list\n  \
    heapsim scenario listeners -o listeners.heapsnapshot\n  \
    heapsim scenario ssr-timers --requests 20000 --format node24 -o timers.heapsnapshot\n\n\
    FILE.truth.json holds what leaks: {\"scenario\", \"requests\", \"suspect_class\",\n\
    \"accumulation_class\", \"leaked_class\"} (the last three null for the control).")]
pub struct ScenarioArgs {
    /// Scenario name (see --list).
    #[arg(required_unless_present = "list")]
    pub name: Option<String>,
    /// List the scenarios and exit.
    #[arg(long)]
    pub list: bool,
    /// Simulated requests (the leak grows with them).
    #[arg(long, default_value_t = Params::default().requests)]
    pub requests: usize,
    /// Snapshot layout: node20, node22, node24.
    #[arg(long, default_value = "node20")]
    pub format: Format,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// Output snapshot file (`-`: standard output, and no truth file).
    #[arg(short = 'o', long = "output", required_unless_present = "list")]
    pub output: Option<PathBuf>,
}

pub fn run(args: ScenarioArgs) -> Result<i32> {
    if args.list {
        for s in ALL {
            outln!("{:<12} {}", s.name, s.summary);
        }
        return Ok(0);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let Some(scenario) = scenarios::find(name) else {
        let names: Vec<_> = ALL.iter().map(|s| s.name).collect();
        bail!("unknown scenario `{name}` (one of: {})", names.join(", "));
    };
    let out = args.output.expect("clap requires -o without --list");
    let truth_path = PathBuf::from(format!("{}.truth.json", out.display()));
    let params = Params {
        requests: args.requests,
        ..Params::default()
    };
    let bytes = scenario
        .snapshot(&params, args.format)
        .with_context(|| format!("scenario {}", scenario.name))?;
    // Both files are claimed before writing either, so a refusal leaves nothing behind.
    let mut snapshot_file = Output::create(Some(&out), args.force, &[])?;
    let mut truth_file = (!is_stdio(&out))
        .then(|| OutputFile::create(&truth_path, args.force, &[]))
        .transpose()?;
    snapshot_file
        .writer()
        .write_all(&bytes)
        .with_context(|| format!("{}", out.display()))?;
    if let Some(truth_file) = &mut truth_file {
        write_scenario_truth(
            truth_file,
            &ScenarioTruth::of_scenario(scenario, params.requests),
        )
        .with_context(|| format!("{}", truth_path.display()))?;
    }
    snapshot_file.commit()?;
    match truth_file {
        Some(truth_file) => {
            truth_file.commit()?;
            eprintln!(
                "wrote {} ({} bytes) and {}",
                out.display(),
                bytes.len(),
                truth_path.display()
            );
        }
        None => eprintln!("wrote {} bytes to standard output", bytes.len()),
    }
    Ok(0)
}
