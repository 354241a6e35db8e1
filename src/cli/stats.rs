//! `heapsim stats`: DevTools' Statistics view — where the bytes go.

use super::output::{out, outln};
use std::path::PathBuf;

use analyzer::units::{human_bytes, thousands};
use clap::Args;

use super::common::{analyse, table};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  heapsim stats app.heapsnapshot
  heapsim stats app.heapsnapshot --json

Categories as in Chrome DevTools' Statistics view: code, strings, JS arrays, typed arrays,
system objects, and native (embedder) memory; `other` is the rest of the V8 heap.")]
pub struct StatsArgs {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Print JSON (see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: StatsArgs) -> anyhow::Result<i32> {
    let a = analyse(&args.file)?;
    let st = analyzer::devtools::statistics::statistics(&a);
    if args.json {
        let out = analyzer::report::json::Document::new(&[&args.file], &st);
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    let row = |name: &str, v: u64| {
        let pct = if st.total == 0 {
            0.0
        } else {
            v as f64 * 100.0 / st.total as f64
        };
        vec![
            name.to_string(),
            human_bytes(v),
            thousands(v),
            format!("{pct:.1} %"),
        ]
    };
    let rows = vec![
        row("Total", st.total),
        row("V8 heap", st.v8_heap),
        row("  Code", st.code),
        row("  Strings", st.strings),
        row("  JS arrays", st.js_arrays),
        row("  System objects", st.system),
        row("  Other JS objects", st.other),
        row("Native", st.native),
        row("  Typed arrays", st.typed_arrays),
        row("  Other non-JS objects", st.other_native),
    ];
    outln!("{}", args.file.display());
    out!("{}", table(&["Category", "Size", "Bytes", "Share"], &rows));
    Ok(0)
}
