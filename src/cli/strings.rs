//! `heapsim strings`: duplicated strings and the bytes they waste (see
//! `analyzer::report::strings`).

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::report::{json, strings, text};

/// List strings stored more than once and the bytes the copies waste.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  heapsim strings app.heapsnapshot
  heapsim strings app.heapsnapshot --min-count 100 --top 50
  heapsim strings app.heapsnapshot --json

Wasted bytes = all copies' size minus one copy. Strings over 1024 characters are compared
by their first 1024 (V8 writes no more into snapshots).")]
pub struct Args {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Only strings with at least N copies (N ≥ 2).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_count: u64,
    /// Show at most N strings.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = super::common::at_least_one)]
    pub top: usize,
    /// Print JSON instead of text (see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    if args.min_count < 2 {
        anyhow::bail!(
            "--min-count {}: a duplicate needs at least 2 copies",
            args.min_count
        );
    }
    let s = super::load::load(&args.file)?;
    let d = strings::duplicates(&s, args.min_count);
    if args.json {
        let list: Vec<json::DuplicateStringJson> = d
            .iter()
            .take(args.top)
            .map(|x| json::duplicate(&s, x))
            .collect();
        let wasted: u64 = d.iter().map(|x| x.wasted_size).sum();
        let more = d.len() - list.len();
        let body =
            serde_json::json!({ "wasted_size": wasted, "strings": list, "more_strings": more });
        let out = json::Document::new(&[&args.file], body);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        out!("{}", text::duplicates(&s, &d, args.top));
    }
    Ok(0)
}
