//! Realism: does a scenario's final snapshot on the simulator look like the same script's
//! final snapshot under real Node (`heapsim verify --realism`, docs/ground-truth.md)?
//!
//! Each side is reduced to a [`Picture`] — what a leak hunter reads first: the first
//! suspect, where its memory accumulates and what accumulates there (classes as `heapsim
//! analyze` names them), how many of those objects, the suspect's share of the heap, the
//! Statistics view's shares, the number of classes in the Summary. [`compare`] checks the
//! two pictures with the rules:
//! * the suspect's, the accumulation point's and the leaked objects' classes agree;
//! * the leaked object count is equal;
//! * the suspect's share of the heap is within [`SHARE_POINTS`] percentage points;
//! * each Statistics share (code, strings, JS arrays, system, other) is within
//!   [`SHARE_POINTS`] points;
//! * the simulator shows at least half as many classes as Node.
//!
//! No difference beyond these rules is tolerated: every shipped scenario meets them on
//! Node 20, 22 and 24 (docs/ground-truth.md).

use serde::Serialize;

/// Percentage points two shares may be apart.
pub const SHARE_POINTS: f64 = 10.0;

/// The Statistics view's categories compared, in DevTools' order.
pub const STATISTICS: [&str; 5] = ["code", "strings", "JS arrays", "system", "other"];

/// One final snapshot as a leak hunter first reads it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Picture {
    /// Node count and total size (bytes), for the table.
    pub nodes: u64,
    pub total: u64,
    /// The first suspect's class; `None` when `analyze` names no suspect.
    pub suspect: Option<String>,
    pub accumulation: Option<String>,
    /// The class of the first group of accumulated objects, and how many they are.
    pub leaked: Option<String>,
    pub leaked_count: u64,
    /// The first suspect's retained size, in percent of the heap (0 without a suspect).
    pub suspect_share: f64,
    /// Percent of the heap per [`STATISTICS`] category.
    pub statistics: [f64; 5],
    /// Classes in the Summary view.
    pub classes: u64,
}

/// One rule applied to one scenario on one Node version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    pub metric: String,
    pub simulated: String,
    pub node: String,
    pub ok: bool,
}

/// Every check of the simulated picture against Node's.
pub fn compare(sim: &Picture, node: &Picture) -> Vec<Check> {
    let mut checks = vec![
        same("suspect", &sim.suspect, &node.suspect),
        same("accumulation point", &sim.accumulation, &node.accumulation),
        same("leaked class", &sim.leaked, &node.leaked),
        Check {
            metric: "leaked count".into(),
            simulated: sim.leaked_count.to_string(),
            node: node.leaked_count.to_string(),
            ok: sim.leaked_count == node.leaked_count,
        },
        share("suspect share", sim.suspect_share, node.suspect_share),
    ];
    for (i, name) in STATISTICS.iter().enumerate() {
        let metric = format!("{name} share");
        checks.push(share(&metric, sim.statistics[i], node.statistics[i]));
    }
    checks.push(Check {
        metric: "classes".into(),
        simulated: sim.classes.to_string(),
        node: node.classes.to_string(),
        ok: 2 * sim.classes >= node.classes,
    });
    checks
}

fn same(metric: &str, sim: &Option<String>, node: &Option<String>) -> Check {
    let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "(none)".into());
    Check {
        metric: metric.into(),
        simulated: show(sim),
        node: show(node),
        ok: sim == node,
    }
}

fn share(metric: &str, sim: f64, node: f64) -> Check {
    Check {
        metric: metric.into(),
        simulated: format!("{sim:.1} %"),
        node: format!("{node:.1} %"),
        ok: (sim - node).abs() <= SHARE_POINTS,
    }
}

/// One scenario compared on one Node version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub scenario: String,
    /// Node's major version (20, 22, 24).
    pub node_version: u32,
    pub simulated: Picture,
    pub node: Picture,
    pub checks: Vec<Check>,
}

impl Comparison {
    pub fn new(scenario: &str, node_version: u32, simulated: Picture, node: Picture) -> Self {
        let checks = compare(&simulated, &node);
        Comparison {
            scenario: scenario.to_string(),
            node_version,
            simulated,
            node,
            checks,
        }
    }

    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture() -> Picture {
        Picture {
            nodes: 40_000,
            total: 3_000_000,
            suspect: Some("EventEmitter".into()),
            accumulation: Some("Array".into()),
            leaked: Some("onData".into()),
            leaked_count: 100,
            suspect_share: 30.0,
            statistics: [28.0, 14.0, 1.0, 3.0, 54.0],
            classes: 170,
        }
    }

    #[test]
    fn equal_pictures_agree() {
        let c = Comparison::new("listeners", 20, picture(), picture());
        assert!(c.passed(), "{:?}", c.checks);
        assert_eq!(c.checks.len(), 11);
    }

    #[test]
    fn each_rule_fails_on_its_own() {
        let node = picture();
        type Change = fn(&mut Picture);
        let cases: [(&str, Change); 7] = [
            ("suspect", |p| p.suspect = None),
            ("accumulation point", |p| {
                p.accumulation = Some("Map".into())
            }),
            ("leaked class", |p| p.leaked = Some("onEnd".into())),
            ("leaked count", |p| p.leaked_count = 99),
            ("suspect share", |p| p.suspect_share = 40.1),
            ("strings share", |p| p.statistics[1] = 3.9),
            ("classes", |p| p.classes = 84),
        ];
        for (metric, change) in cases {
            let mut sim = picture();
            change(&mut sim);
            let c = Comparison::new("listeners", 20, sim, node.clone());
            let failed: Vec<&str> = c
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.metric.as_str())
                .collect();
            assert_eq!(failed, [metric]);
        }
    }

    #[test]
    fn shares_ten_points_apart_still_agree() {
        let mut sim = picture();
        sim.suspect_share = 40.0;
        sim.statistics[4] = 44.0;
        sim.classes = 85;
        assert!(Comparison::new("listeners", 20, sim, picture()).passed());
    }
}
