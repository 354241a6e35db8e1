//! Helpers shared by the analysis subcommands: loading + analysing, node ids, tables.

use std::path::Path;

use analyzer::analysis::{Analysis, SummaryAnalysis};
use analyzer::snapshot::NodeIx;

/// Loads `path` and runs DevTools' analyses on it.
pub fn analyse(path: &Path) -> anyhow::Result<Analysis> {
    let snapshot = super::load::load(path)?;
    Ok(Analysis::new(snapshot))
}

/// [`analyse`] for the Summary, which reads only per-node results ([`SummaryAnalysis`]).
pub fn analyse_lean(path: &Path) -> anyhow::Result<SummaryAnalysis> {
    let snapshot = super::load::load(path)?;
    Ok(SummaryAnalysis::new(snapshot))
}

/// Parses `@123` or `123` as a V8 node id.
pub fn parse_id(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix('@').unwrap_or(text);
    digits
        .parse::<u32>()
        .map_err(|_| format!("`{text}` is not a node id (expected @ID, e.g. @4321)"))
}

/// A count option (`--top`, `--max`, `--limit`, `--max-rows`): zero is refused rather than
/// honoured, because a report that shows nothing reads as "nothing found".
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1 (0 would show nothing)".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// The ordinal of node `@id`, or a one-line error naming the file.
pub fn find(a: &Analysis, path: &Path, id: u32) -> anyhow::Result<NodeIx> {
    a.find_id(id)
        .ok_or_else(|| anyhow::anyhow!("{}: no node with id @{id}", path.display()))
}

/// Right-aligns `cells` under `headers` (first column left-aligned).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let cols = headers.len();
    let mut width: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, c) in cells.enumerate() {
            let pad = width[i].saturating_sub(c.chars().count());
            if i == 0 {
                l.push_str(c);
                l.push_str(&" ".repeat(pad));
            } else {
                l.push_str("  ");
                l.push_str(&" ".repeat(pad));
                l.push_str(c);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for r in rows {
        line(&mut r.iter().map(|s| s.as_str()));
    }
    out
}

/// `--threshold PCT` of the leak report (`analyze`, `report`): above 0 and at most 100.
pub fn check_threshold(pct: f64) -> anyhow::Result<()> {
    if !(pct > 0.0 && pct <= 100.0) {
        anyhow::bail!("--threshold {pct}: must be a percentage above 0 and at most 100");
    }
    Ok(())
}

/// A distance as DevTools' grid shows it (`toUIDistance`): the number for user-reachable
/// objects, `−` for system-only (≥ 100000000) and unreachable (-5) ones. JSON and CSV keep
/// the raw value.
pub fn distance_text(d: i32) -> String {
    if (0..analyzer::devtools::distances::BASE_SYSTEM_DISTANCE).contains(&d) {
        d.to_string()
    } else {
        "\u{2212}".to_string()
    }
}

/// Shortens `s` to at most `max` characters with a trailing `…`.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_with_and_without_at() {
        assert_eq!(parse_id("@42"), Ok(42));
        assert_eq!(parse_id("42"), Ok(42));
        assert!(parse_id("@x").is_err());
        assert!(parse_id("@").is_err());
    }

    #[test]
    fn counts_refuse_zero() {
        assert_eq!(at_least_one("3"), Ok(3));
        assert!(at_least_one("0").unwrap_err().contains("at least 1"));
        assert!(at_least_one("-1").is_err());
    }

    #[test]
    fn table_aligns_columns() {
        let t = table(&["Class", "Count"], &[vec!["Array".into(), "12".into()]]);
        assert_eq!(t, "Class  Count\nArray     12\n");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(distance_text(-5), "\u{2212}");
        assert_eq!(distance_text(100_000_003), "\u{2212}");
        assert_eq!(distance_text(3), "3");
    }
}
