//! `heapsim report`: the leak report as one self-contained HTML page (see the
//! `heapsim-report` crate, `report::leak`).

use std::io::Write;
use std::path::PathBuf;

use analyzer::analysis::Analysis;
use analyzer::report::{diff, suspects};
use report::leak::{self, comparison};

use super::output::Output;

/// Write the leak report of a heap snapshot as one HTML page.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim report app.heapsnapshot                     # writes report.html
  heapsim report app.heapsnapshot -o leak.html --open
  heapsim report after.heapsnapshot before.heapsnapshot          # + DevTools' Comparison
  heapsim report target.heapsnapshot base.heapsnapshot final.heapsnapshot   # + memlab's leak groups

The page works offline (all styles, scripts, data and pictures are inside it): Overview
with the Statistics chart, Leak suspects as `heapsim analyze` finds them, the Dominator
treemap, the Retainer graph of the first suspect and the Summary table; with BASE, the
Comparison of FILE against BASE; with FINAL, the objects allocated between BASE and FILE
that are still alive in FINAL. See docs/report.md.")]
pub struct Args {
    /// The snapshot to report on (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// An earlier snapshot of the same process: adds DevTools' Comparison view.
    pub base: Option<PathBuf>,
    /// A later snapshot: adds memlab's leaked-object groups (needs BASE).
    #[arg(value_name = "FINAL")]
    pub fin: Option<PathBuf>,
    /// The HTML file to write (`-`: standard output).
    #[arg(short, long, value_name = "OUT", default_value = "report.html")]
    pub output: PathBuf,
    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// Open the report in the desktop's browser when written (`xdg-open`, `open` on macOS).
    #[arg(long)]
    pub open: bool,
    /// Percent of the heap a suspect must retain (0 < PCT ≤ 100), as for `heapsim analyze`.
    #[arg(long, value_name = "PCT", default_value_t = suspects::DEFAULT_THRESHOLD_PCT)]
    pub threshold: f64,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    super::common::check_threshold(args.threshold)?;
    let to_stdout = super::load::is_stdio(&args.output);
    if args.open && to_stdout {
        anyhow::bail!("--open needs a file (-o OUT), not standard output");
    }
    let inputs: Vec<PathBuf> = [Some(&args.file), args.base.as_ref(), args.fin.as_ref()]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let input_refs: Vec<&std::path::Path> = inputs.iter().map(|p| p.as_path()).collect();
    let mut out = Output::create(Some(&args.output), args.force, &input_refs)?;
    let a = Analysis::new(super::load::load(&args.file)?);
    let comparison = match &args.base {
        None => None,
        Some(base) => Some(history(&a, base, args.fin.as_deref())?),
    };
    let page = leak::page(leak::Inputs {
        analysis: &a,
        files: inputs,
        comparison,
        threshold_pct: args.threshold,
    })?;
    let html = page.render()?;
    let mut w = std::io::BufWriter::new(out.writer());
    w.write_all(html.as_bytes())?;
    w.flush()?;
    drop(w);
    out.commit()?;
    if !to_stdout {
        eprintln!(
            "heapsim: wrote {} ({})",
            args.output.display(),
            analyzer::units::human_bytes(html.len() as u64)
        );
    }
    if args.open {
        open(&args.output)?;
    }
    Ok(0)
}

/// The Comparison of FILE against BASE, with FINAL's leak groups. BASE's graph is dropped
/// before FINAL is read, so at most two snapshots are held at once.
fn history(
    target: &Analysis,
    base: &std::path::Path,
    fin: Option<&std::path::Path>,
) -> anyhow::Result<comparison::ComparisonJson> {
    let base = Analysis::new(super::load::load(base)?);
    let c = comparison::compare(&base, target);
    let Some(fin) = fin else {
        return Ok(c);
    };
    let in_base = diff::sorted_id_column(&base.snapshot);
    drop(base);
    let in_target = diff::sorted_id_column(&target.snapshot);
    let fin = Analysis::new(super::load::load(fin)?);
    Ok(c.with_groups(&in_base, &in_target, &fin))
}

/// Opens `path` with the desktop's opener, without waiting for the browser.
fn open(path: &std::path::Path) -> anyhow::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(path)
        .spawn()
        .map(drop)
        .map_err(|e| anyhow::anyhow!("{}: cannot open with {opener}: {e}", path.display()))
}
