//! `heapsim verify`: run shipped scenarios on the simulator, let an analyzer answer on their
//! snapshots, and score the answers against the ground truth (`scenarios::verify`,
//! `docs/ground-truth.md`). The analyzer is heapsim's own, in process, or any command
//! speaking the `--analyzer` protocol. Runs go two at a time (one per core of the machine
//! it was measured on), each `heapsim run` in a child process of this binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use anyhow::{bail, Context};
use clap::Args;
use format::Format;
use scenarios::scripts::{self, SCRIPTS};
use scenarios::truth::TruthFile;
use scenarios::verify::{scoreboard, Answer, RunScore, SuspectAnswer};

use analyzer::analysis::Analysis;
use analyzer::report::lineage::Fingerprint;
use analyzer::report::{diff, suspects, DomView};

use super::output::outln;

mod realism;

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    heapsim verify                          # every scenario × node20/22/24 × v8-6/modern\n  \
    heapsim verify listeners --format node24 --profile modern\n  \
    heapsim verify --analyzer 'node scripts/adapters/memlab.js' --json\n  \
    heapsim verify --realism --node ~/node20/bin/node --node ~/node24/bin/node\n\n\
    Scores per run: suspect and accumulation point found (by id), the three-snapshot leak\n\
    set's precision and recall against the true leaked set, retained sizes equal to\n\
    devtools_retained on every sampled object, no suspect for controls. Exit status: 0 when\n\
    nothing is missed, 1 on any miss (not-scored answers are no miss), 2 on bad usage or a\n\
    failing run or analyzer. With --realism: 0 when every scenario's simulated snapshot\n\
    looks like real Node's (docs/ground-truth.md), 1 otherwise.")]
pub struct VerifyArgs {
    /// Shipped scenarios to verify (default: all of them).
    pub scenarios: Vec<String>,
    /// Only this snapshot layout (default: node20, node22 and node24).
    #[arg(long)]
    pub format: Option<Format>,
    /// Only this heap profile (default: v8-6 and modern).
    #[arg(long)]
    pub profile: Option<String>,
    /// Score this command instead of heapsim's analyzer: it gets the baseline, target and
    /// final snapshot paths as arguments and prints JSON (docs/ground-truth.md).
    #[arg(long, value_name = "CMD")]
    pub analyzer: Option<String>,
    /// Compare each scenario's final snapshot on the simulator with the same script's under
    /// real Node (the first suspect, what accumulates, the Statistics shares, the classes)
    /// instead of scoring an analyzer.
    #[arg(long, conflicts_with_all = ["analyzer", "format", "profile"])]
    pub realism: bool,
    /// With --realism: a Node binary to compare with, repeatable (default: `node` on PATH);
    /// its version (20, 22 or 24) picks the simulated layout.
    #[arg(long, value_name = "PATH", requires = "realism")]
    pub node: Vec<PathBuf>,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
}

const FORMATS: [Format; 3] = [Format::Node20, Format::Node22, Format::Node24];
const PROFILES: [&str; 2] = ["v8-6", "modern"];
/// Runs at a time.
const PARALLEL: usize = 2;

/// One run to verify.
#[derive(Clone, Debug)]
struct Job {
    scenario: String,
    format: Format,
    profile: String,
}

pub fn run(args: VerifyArgs) -> anyhow::Result<i32> {
    if args.realism {
        let nodes = match args.node.is_empty() {
            true => vec![PathBuf::from("node")],
            false => args.node.clone(),
        };
        return realism::run(&scenario_names(&args)?, &nodes, args.json);
    }
    let jobs = jobs(&args)?;
    let queue = Mutex::new(jobs.iter().enumerate());
    let results: Mutex<Vec<(usize, anyhow::Result<RunScore>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL.min(jobs.len()) {
            s.spawn(|| loop {
                let next = queue.lock().expect("queue").next();
                let Some((i, job)) = next else { break };
                let r = verify_one(job, args.analyzer.as_deref());
                results.lock().expect("results").push((i, r));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    let rows = results
        .into_iter()
        .map(|(_, r)| r)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let name = args.analyzer.as_deref().unwrap_or("heapsim");
    let misses = rows.iter().filter(|r| r.has_miss()).count();
    if args.json {
        let doc = serde_json::json!({
            "schema_version": 1,
            "analyzer": name,
            "runs": rows,
            "misses": misses,
        });
        outln!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        outln!("{}", scoreboard::render(name, &rows).trim_end());
    }
    Ok(if misses > 0 { 1 } else { 0 })
}

/// The scenarios asked for (all shipped ones by default), each checked to exist.
fn scenario_names(args: &VerifyArgs) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = match args.scenarios.is_empty() {
        true => SCRIPTS.iter().map(|s| s.name.to_string()).collect(),
        false => args.scenarios.clone(),
    };
    for n in &names {
        if scripts::find(n).is_none() {
            let all: Vec<_> = SCRIPTS.iter().map(|s| s.name).collect();
            bail!("unknown scenario `{n}` (one of: {})", all.join(", "));
        }
    }
    Ok(names)
}

/// Every scenario × format × profile asked for, in that order.
fn jobs(args: &VerifyArgs) -> anyhow::Result<Vec<Job>> {
    let names = scenario_names(args)?;
    let formats: Vec<Format> = args.format.map_or(FORMATS.to_vec(), |f| vec![f]);
    let profiles: Vec<String> = match &args.profile {
        Some(p) if PROFILES.contains(&p.as_str()) => vec![p.clone()],
        Some(p) => bail!("--profile: unknown profile {p:?} (v8-6 or modern)"),
        None => PROFILES.map(str::to_string).to_vec(),
    };
    let mut jobs = Vec::new();
    for scenario in &names {
        for &format in &formats {
            for profile in &profiles {
                jobs.push(Job {
                    scenario: scenario.clone(),
                    format,
                    profile: profile.clone(),
                });
            }
        }
    }
    Ok(jobs)
}

/// Runs one job in a temporary folder and scores the analyzer's answer.
fn verify_one(job: &Job, analyzer: Option<&str>) -> anyhow::Result<RunScore> {
    let what = format!(
        "{} --format {} --profile {}",
        job.scenario, job.format, job.profile
    );
    let dir = tempfile::tempdir().context("a temporary folder")?;
    let out = Command::new(std::env::current_exe().context("heapsim's own path")?)
        .args(["run", &job.scenario, "--format"])
        .arg(job.format.to_string())
        .args(["--profile", &job.profile, "-o"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .output()
        .with_context(|| format!("{what}: cannot start heapsim run"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("{what}: heapsim run failed: {}", err.trim());
    }
    let truth_path = dir.path().join("truth.json");
    let text = std::fs::read_to_string(&truth_path)
        .with_context(|| format!("{what}: {}", truth_path.display()))?;
    let truth: TruthFile =
        serde_json::from_str(&text).with_context(|| format!("{what}: truth.json"))?;
    let snapshots =
        ["baseline", "target", "final"].map(|n| dir.path().join(format!("{n}.heapsnapshot")));
    let answer = match analyzer {
        None => heapsim_answer(&snapshots, &truth).with_context(|| what.clone())?,
        Some(cmd) => external_answer(cmd, &snapshots).with_context(|| what.clone())?,
    };
    Ok(RunScore::of(&truth, &answer))
}

/// heapsim's analyzer: `analyze`'s suspects on the final snapshot, `diff`'s three-snapshot
/// leaked objects (memlab's method, `analyzer::report::diff`), retained sizes of the
/// sampled objects.
fn heapsim_answer(snapshots: &[PathBuf; 3], truth: &TruthFile) -> anyhow::Result<Answer> {
    let base = Fingerprint::of(&super::load::load(&snapshots[0])?).ids;
    let target = Fingerprint::of(&super::load::load(&snapshots[1])?).ids;
    let a = Analysis::new(super::load::load(&snapshots[2])?);
    let view = DomView::of(&a);
    let params = suspects::Params {
        top: usize::MAX,
        ..suspects::Params::default()
    };
    let s = &a.snapshot;
    let found = suspects::find(&view, &params)
        .into_iter()
        .map(|x| SuspectAnswer {
            id: s.node_id(x.node),
            accumulation_id: Some(s.node_id(x.accumulation.point)),
        })
        .collect();
    let leaked_ids = (0..s.node_count() as u32)
        .filter(|&n| diff::is_leak_candidate(s, n))
        .map(|n| s.node_id(n))
        .filter(|id| target.binary_search(id).is_ok() && base.binary_search(id).is_err())
        .collect();
    let retained = truth
        .objects
        .iter()
        .filter_map(|o| {
            let n = s.find_id(o.id)?;
            Some((o.id.to_string(), a.tree.retained[n as usize]))
        })
        .collect();
    Ok(Answer {
        suspects: Some(found),
        leaked_ids: Some(leaked_ids),
        retained: Some(retained),
    })
}

/// The `--analyzer` protocol: `sh -c CMD` with the three snapshot paths as arguments; its
/// standard output is one JSON [`Answer`].
fn external_answer(cmd: &str, snapshots: &[PathBuf; 3]) -> anyhow::Result<Answer> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} \"$@\""))
        .arg("sh")
        .args(snapshots.iter().map(PathBuf::as_path).map(Path::as_os_str))
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("--analyzer {cmd}: cannot start"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").trim();
        bail!("--analyzer {cmd}: exited {:?}: {last}", out.status.code());
    }
    serde_json::from_slice(&out.stdout)
        .with_context(|| format!("--analyzer {cmd}: its output is not the protocol's JSON"))
}
