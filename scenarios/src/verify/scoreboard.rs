//! The scoreboard: one row per run, ✓ / ✗ per score with its figures, `–` where a score
//! does not apply and `not scored` where the analyzer gave no answer; then a summary line.

use std::fmt::Write;

use super::{RunScore, Score};

fn cell(s: &Score) -> String {
    match s {
        Score::Pass(f) => format!("✓ {f}"),
        Score::Miss(f) => format!("✗ {f}"),
        Score::NotScored => "not scored".into(),
        Score::NotApplicable => "–".into(),
    }
}

/// The scoreboard of `rows` for `analyzer`, as text.
pub fn render(analyzer: &str, rows: &[RunScore]) -> String {
    let mut table: Vec<[String; 7]> = vec![[
        "scenario", "format", "profile", "suspect", "leak set", "retained", "control",
    ]
    .map(str::to_string)];
    for r in rows {
        let [a, b, c, d] = r.scores().map(|(_, s)| cell(s));
        table.push([
            r.scenario.clone(),
            r.format.clone(),
            r.profile.clone(),
            a,
            b,
            c,
            d,
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = format!("heapsim verify — analyzer: {analyzer}\n");
    for row in &table {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, &w)| format!("{text}{}", " ".repeat(w - text.chars().count())))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let misses = rows.iter().filter(|r| r.has_miss()).count();
    let _ = writeln!(
        out,
        "{} runs, {} with a miss, {} all passed",
        rows.len(),
        misses,
        rows.len() - misses
    );
    out
}
