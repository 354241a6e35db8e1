//! `heapsim verify --realism`: run each shipped scenario on the simulator and, through the
//! real-Node shim (`scenarios/node/harness.js`), under each given Node; compare the two
//! final snapshots as a leak hunter reads them (`scenarios::realism`) and print a table per
//! scenario. The shim, the scripts and the prelude they need are embedded in the binary and
//! written to a temporary folder, so this works from any directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use anyhow::{bail, Context};
use format::Format;
use scenarios::realism::{self, Comparison, Picture};
use scenarios::scripts::{self, NODE_SHIM};

use analyzer::analysis::Analysis;
use analyzer::devtools::{statistics::statistics, summary::summary};
use analyzer::report::{json, suspects, DomView};
use analyzer::units::{human_bytes, thousands};

use super::super::output::outln;

/// One Node binary and the snapshot layout its version writes.
struct Node {
    path: PathBuf,
    version: u32,
    format: Format,
}

pub fn run(names: &[String], nodes: &[PathBuf], json_out: bool) -> anyhow::Result<i32> {
    let nodes = nodes
        .iter()
        .map(|p| node(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let shim = tempfile::tempdir().context("a temporary folder")?;
    write_shim(shim.path())?;
    let jobs: Vec<(&String, &Node)> = names
        .iter()
        .flat_map(|s| nodes.iter().map(move |n| (s, n)))
        .collect();
    let comparisons = run_jobs(&jobs, shim.path())?;
    let failed = comparisons.iter().filter(|c| !c.passed()).count();
    if json_out {
        let doc = serde_json::json!({
            "schema_version": 1,
            "share_points": realism::SHARE_POINTS,
            "comparisons": comparisons,
            "failed": failed,
        });
        outln!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        outln!("{}", render(&comparisons).trim_end());
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// `path --version`'s major version and its layout (`v22.11.0` → 22, `node22`).
fn node(path: &Path) -> anyhow::Result<Node> {
    let out = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("--node {}: cannot start", path.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version: u32 = text
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .with_context(|| format!("--node {}: not a Node version: {text:?}", path.display()))?;
    let format = match version {
        20 => Format::Node20,
        22 => Format::Node22,
        24 => Format::Node24,
        v => bail!(
            "--node {}: Node {v} has no simulated snapshot layout (20, 22 or 24)",
            path.display()
        ),
    };
    Ok(Node {
        path: path.to_path_buf(),
        version,
        format,
    })
}

/// The shim, the scripts with their helpers, and the prelude, under their repository paths.
fn write_shim(root: &Path) -> anyhow::Result<()> {
    let prelude = [
        ("interp/prelude/events.js", interp::prelude::EVENTS),
        ("interp/prelude/timers.js", interp::prelude::TIMERS),
        ("interp/prelude/harness.js", interp::prelude::HARNESS),
    ];
    let embedded = scripts::files()
        .chain(NODE_SHIM.iter())
        .map(|f| (f.path, f.source));
    for (path, source) in embedded.chain(prelude) {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("a repository path has a folder"))
            .and_then(|()| std::fs::write(&file, source))
            .with_context(|| format!("{}: cannot write", file.display()))?;
    }
    Ok(())
}

/// Runs the jobs two at a time (Node and the simulator are one process each).
fn run_jobs(jobs: &[(&String, &Node)], shim: &Path) -> anyhow::Result<Vec<Comparison>> {
    let queue = Mutex::new(jobs.iter().enumerate());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2.min(jobs.len()) {
            s.spawn(|| loop {
                let next = queue.lock().expect("queue").next();
                let Some((i, (scenario, node))) = next else {
                    break;
                };
                let r = compare_one(scenario, node, shim);
                results.lock().expect("results").push((i, r));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn compare_one(scenario: &str, node: &Node, shim: &Path) -> anyhow::Result<Comparison> {
    let what = format!("{scenario} on Node {}", node.version);
    let dir = tempfile::tempdir().context("a temporary folder")?;
    let (real, sim) = (dir.path().join("node"), dir.path().join("sim"));
    run_under_node(scenario, node, shim, &real).context(what.clone())?;
    run_simulated(scenario, node.format, &sim).context(what.clone())?;
    let picture_of = |d: &Path| picture(&d.join("final.heapsnapshot")).context(what.clone());
    Ok(Comparison::new(
        scenario,
        node.version,
        picture_of(&sim)?,
        picture_of(&real)?,
    ))
}

fn run_under_node(scenario: &str, node: &Node, shim: &Path, out: &Path) -> anyhow::Result<()> {
    let script = scripts::find(scenario).expect("names are checked before");
    let mut node_run = Command::new(&node.path);
    node_run
        .arg("--expose-gc")
        .arg(shim.join("scenarios/node/harness.js"))
        .arg(shim.join(script.file.path))
        .arg(out);
    succeed(node_run, "the real-Node shim")
}

/// `heapsim run NAME --format F --profile modern` (V8 ≥ 9, as in every Node it compares to).
fn run_simulated(scenario: &str, format: Format, out: &Path) -> anyhow::Result<()> {
    let mut sim_run = Command::new(std::env::current_exe().context("heapsim's own path")?);
    sim_run
        .args(["run", scenario, "--format"])
        .arg(format.to_string())
        .args(["--profile", "modern", "-o"])
        .arg(out);
    succeed(sim_run, "heapsim run")
}

/// Runs `cmd` (no input, its output dropped); its standard error when it fails.
fn succeed(mut cmd: Command, what: &str) -> anyhow::Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {what}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("{what} failed: {}", err.trim());
    }
    Ok(())
}

/// A final snapshot as `heapsim analyze` and DevTools' Summary and Statistics show it.
fn picture(path: &Path) -> anyhow::Result<Picture> {
    let a = Analysis::new(super::super::load::load(path)?);
    let view = DomView::of(&a);
    let found = suspects::find(&view, &suspects::Params::default());
    let report = json::leak_report(&view, &found[..found.len().min(1)], &[]);
    let first = report.suspects.first();
    let st = statistics(&a);
    let share = |bytes: u64| 100.0 * bytes as f64 / st.total.max(1) as f64;
    // In `realism::STATISTICS`' order.
    let shares = [st.code, st.strings, st.js_arrays, st.system, st.other].map(share);
    Ok(Picture {
        nodes: a.snapshot.node_count() as u64,
        total: st.total,
        suspect: first.map(|s| s.class.clone()),
        accumulation: first.map(|s| s.accumulation.class.clone()),
        leaked: first
            .and_then(|s| s.groups.first())
            .map(|g| g.class.clone()),
        leaked_count: first.and_then(|s| s.groups.first()).map_or(0, |g| g.count),
        suspect_share: first.map_or(0.0, |s| s.percent),
        statistics: shares,
        classes: summary(&a).len() as u64,
    })
}

/// One Markdown table per scenario: a row per check, a pair of columns (heapsim, Node) per
/// Node version, ✓ or ✗ after Node's value.
fn render(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let mut scenarios: Vec<&str> = comparisons.iter().map(|c| c.scenario.as_str()).collect();
    scenarios.dedup();
    for scenario in scenarios {
        let runs: Vec<&Comparison> = comparisons
            .iter()
            .filter(|c| c.scenario == scenario)
            .collect();
        out += &scenario_table(scenario, &runs);
    }
    let failed = comparisons.iter().filter(|c| !c.passed()).count();
    out += &format!(
        "{} of {} comparisons agree\n",
        comparisons.len() - failed,
        comparisons.len()
    );
    out
}

fn scenario_table(scenario: &str, runs: &[&Comparison]) -> String {
    let mut out = format!("### {scenario}\n\n| |");
    for r in runs {
        out += &format!(" heapsim node{0} | Node {0} |", r.node_version);
    }
    out += "\n|---|";
    out += &"---|---|".repeat(runs.len());
    out += "\n";
    out += &row("objects", runs, |p| thousands(p.nodes));
    out += &row("size", runs, |p| human_bytes(p.total));
    for (i, c) in runs[0].checks.iter().enumerate() {
        out += &format!("| {} |", c.metric);
        for r in runs {
            let check = &r.checks[i];
            let mark = if check.ok { "✓" } else { "✗" };
            out += &format!(" {} | {} {mark} |", check.simulated, check.node);
        }
        out += "\n";
    }
    out + "\n"
}

fn row(name: &str, runs: &[&Comparison], value: fn(&Picture) -> String) -> String {
    let mut out = format!("| {name} |");
    for r in runs {
        out += &format!(" {} | {} |", value(&r.simulated), value(&r.node));
    }
    out + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture() -> Picture {
        Picture {
            nodes: 40_000,
            leaked_count: 100,
            ..Picture::default()
        }
    }

    #[test]
    fn the_table_shows_both_sides_per_version() {
        let runs = [20, 22].map(|v| Comparison::new("listeners", v, picture(), picture()));
        let text = render(&runs);
        let head = "### listeners\n\n| | heapsim node20 | Node 20 | heapsim node22 | Node 22 |\n";
        assert!(text.starts_with(head), "{text}");
        let count = "| leaked count | 100 | 100 ✓ | 100 | 100 ✓ |";
        assert!(text.contains(count), "{text}");
        assert!(text.contains("| objects | 40,000 | 40,000 |"), "{text}");
        assert!(text.ends_with("2 of 2 comparisons agree\n"), "{text}");
    }
}
