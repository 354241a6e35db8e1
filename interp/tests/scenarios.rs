//! Every shipped scenario runs on the simulated heap in its phases, with the heap verifier
//! on around every GC, printing what it prints under Node.

use bumpalo::Bump;
use sim::{Heap, Profile};

struct Run {
    console: Vec<String>,
    snapshots: Vec<String>,
    expectations: Vec<String>,
    verifier_checks: u64,
}

fn run(script: &scenarios::scripts::Script, repeat: u64, profile: Profile) -> Run {
    let bump = Bump::new();
    let mut heap = Heap::new(profile);
    heap.set_verify_heap(true);
    let mut it = interp::run::interpreter(heap, &bump).unwrap();
    it.loader.read = Some(Box::new(|p| {
        scenarios::scripts::read(p).map(str::to_string)
    }));
    let taken = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let t = taken.clone();
    it.host.snapshot = Some(Box::new(move |_heap, name| {
        t.borrow_mut().push(name.to_string());
        Ok(())
    }));
    let r = interp::harness::run(&mut it, script.file.path, script.file.source, Some(repeat));
    if let Err(e) = r {
        panic!("{}: {e}", script.name);
    }
    let stats = it.heap.verifier_stats();
    assert!(
        stats.failures.is_empty(),
        "{}: {:?}",
        script.name,
        stats.failures
    );
    let snapshots = taken.borrow().clone();
    Run {
        console: it.console.clone(),
        snapshots,
        expectations: it.host.expectations.clone(),
        verifier_checks: stats.checks,
    }
}

#[test]
fn every_scenario_runs_in_phases_with_the_verifier_green() {
    for s in &scenarios::scripts::SCRIPTS {
        let r = run(s, 20, Profile::default());
        assert_eq!(r.snapshots, ["baseline", "target", "final"], "{}", s.name);
        assert_eq!(r.expectations.len(), 1, "{}", s.name);
        assert!(r.verifier_checks > 0, "{}", s.name);
        eprintln!("{}: {:?}", s.name, r.console);
    }
}
