//! Every scenario's snapshot, read back by heapsim's analyzer, yields the scenario's own
//! ground truth: the right first suspect, accumulation point and leaked group — and the
//! control scenario yields no suspect at all. Runs in all three snapshot formats.

use analyzer::analysis::Analysis;
use analyzer::report::suspects::{self, SuspectKind};
use analyzer::report::DomView;
use format::Format;
use scenarios::{Params, ALL};

fn analyse(bytes: &[u8]) -> Analysis {
    let snap = analyzer::reader::read_bytes(bytes).expect("the simulator writes valid snapshots");
    Analysis::new(snap)
}

#[test]
fn each_scenario_reports_its_ground_truth_in_every_format() {
    let p = Params::default();
    for scenario in ALL {
        for format in Format::ALL {
            let what = format!("{} ({})", scenario.name, format.name());
            let bytes = scenario.snapshot(&p, format).unwrap();
            let a = analyse(&bytes);
            let view = DomView::of(&a);
            let found = suspects::find(&view, &suspects::Params::default());
            let s = &a.snapshot;
            let Some(truth) = scenario.truth else {
                assert!(found.is_empty(), "{what}: control has suspects: {found:?}");
                continue;
            };
            let first = found
                .first()
                .unwrap_or_else(|| panic!("{what}: no suspect"));
            assert_eq!(first.kind, SuspectKind::Object, "{what}");
            assert_eq!(
                s.node_name(first.node),
                truth.suspect_class,
                "{what}: suspect"
            );
            assert_eq!(
                s.node_name(first.accumulation.point),
                truth.accumulation_class,
                "{what}: accumulation point"
            );
            let group = first
                .groups
                .first()
                .unwrap_or_else(|| panic!("{what}: no group"));
            assert!(
                group.label.contains(truth.leaked_class) && group.count >= p.requests as u64,
                "{what}: top group {group:?} should hold the {} leaked {}",
                p.requests,
                truth.leaked_class
            );
        }
    }
}

#[test]
fn the_leak_grows_with_the_number_of_requests() {
    let scenario = scenarios::find("listeners").unwrap();
    let retained = |requests| {
        let p = Params {
            requests,
            ..Params::default()
        };
        let a = analyse(&scenario.snapshot(&p, Format::Node20).unwrap());
        let view = DomView::of(&a);
        let found = suspects::find(&view, &suspects::Params::default());
        found[0].retained_size
    };
    let (small, large) = (retained(1000), retained(3000));
    assert!(large > 2 * small, "{small} -> {large}");
}
