//! The stress driver behind `heapsim stress`: a random mutator program on the simulated heap
//! with the heap verifier around every GC (V8's `--gc-interval` + `--verify-heap`).
//!
//! The program comes from [`crate::mutator`], the same generator the property tests use, so
//! a failing seed and step reproduce exactly. Each [`StressMode`] runs the program on a
//! fresh heap; after it, with the program's roots gone, one verified full GC and the oracle
//! check follow. The oracle compares `retained_by_gc` with the dominator-based retained size
//! of sampled objects; the dominator side is the caller's ([`Stress::run`]'s `oracle`)
//! because the simulator must not depend on the analyzer. The first failure — verifier,
//! out of memory, oracle mismatch — stops the run.
//!
//! The report's counters are one [`Counters`] per mode, summed into the totals with `+=`.

use std::ops::AddAssign;

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use crate::mutator::{run_seeded, RunOptions, Stop};
use crate::{GcReason, Heap, Profile, StressMode};

/// Every how many scavenges the verifier checks the whole heap; the others check the young
/// generation (see [`crate::verify::schedule`]), so a verified scavenge costs in proportion to
/// what it touches, not to the heap, and the cost per op stays flat as `--ops` grows. Every
/// full GC, the run's last among them, checks the whole heap.
pub const FULL_VERIFICATION_INTERVAL: u32 = 16;

/// One stress run: the program, the heap and the collector settings.
#[derive(Clone, Debug)]
pub struct Stress {
    /// Seed of the random mutator program.
    pub seed: u64,
    /// Number of mutator operations.
    pub ops: u64,
    pub profile: Profile,
    /// Scavenge before every K-th allocation; `None`: when new space is full.
    pub gc_interval: Option<u64>,
    /// The modes to run, each on a fresh heap, in order.
    pub modes: Vec<StressMode>,
    /// Full GC before every N-th allocation in the modes that force full GCs.
    pub full_gc_interval: u64,
    /// Live objects sampled per mode for the oracle check.
    pub oracle_samples: usize,
    /// Before the program, store one old-to-new pointer without the write barrier: a heap
    /// corruption the verifier must report at the next scavenge. It proves the failure path
    /// (report, exit status, reproduce line) end to end.
    pub missing_barrier: bool,
}

/// The oracle check's outcome on one heap.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OracleCheck {
    /// Objects compared.
    pub checked: usize,
    /// Sampled objects skipped as ephemeron-dependent (see [`crate::oracle`]).
    pub skipped: usize,
    /// The first disagreement, as a message naming the object.
    pub mismatch: Option<String>,
}

/// What one mode did. In a [`StressReport`]'s totals `ops` is the longest run (every mode
/// runs the same program); every other counter is a sum.
#[derive(Serialize, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counters {
    pub ops: u64,
    pub allocations: u64,
    pub scavenges: usize,
    pub full_gcs: usize,
    pub incremental_steps: usize,
    pub overflows: usize,
    pub rescans: usize,
    pub pages_evacuated: usize,
    pub barrier_greyings: usize,
    pub oracle_checks: usize,
    pub oracle_skipped: usize,
    // The scavenger's copying work: reported in the totals only.
    #[serde(skip)]
    pub objects_copied: usize,
    #[serde(skip)]
    pub bytes_copied: usize,
    #[serde(skip)]
    pub promoted: usize,
    #[serde(skip)]
    pub bytes_promoted: usize,
    pub verifier_checks: u64,
}

impl AddAssign<&Counters> for Counters {
    fn add_assign(&mut self, r: &Counters) {
        self.ops = self.ops.max(r.ops);
        self.allocations += r.allocations;
        self.scavenges += r.scavenges;
        self.full_gcs += r.full_gcs;
        self.incremental_steps += r.incremental_steps;
        self.overflows += r.overflows;
        self.rescans += r.rescans;
        self.pages_evacuated += r.pages_evacuated;
        self.barrier_greyings += r.barrier_greyings;
        self.oracle_checks += r.oracle_checks;
        self.oracle_skipped += r.oracle_skipped;
        self.objects_copied += r.objects_copied;
        self.bytes_copied += r.bytes_copied;
        self.promoted += r.promoted;
        self.bytes_promoted += r.bytes_promoted;
        self.verifier_checks += r.verifier_checks;
    }
}

/// One mode's counters.
#[derive(Serialize, Clone, Debug)]
pub struct ModeReport {
    pub mode: &'static str,
    #[serde(flatten)]
    pub counters: Counters,
}

/// What stopped a run.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Verifier,
    OutOfMemory,
    Oracle,
}

impl FailureKind {
    /// The kind as the one-line failure message names it.
    pub fn description(self) -> &'static str {
        match self {
            FailureKind::Verifier => "verifier failure",
            FailureKind::Oracle => "oracle mismatch",
            FailureKind::OutOfMemory => "simulated heap out of memory",
        }
    }
}

/// The first failure of a run.
#[derive(Serialize, Clone, Debug)]
pub struct Failure {
    pub mode: &'static str,
    pub kind: FailureKind,
    /// The 0-based op during which it happened (the op count for the final GC and oracle).
    pub step: usize,
    pub message: String,
}

/// What a stress run did: totals, the modes run (up to the failing one) and the failure.
#[derive(Clone, Debug)]
pub struct StressReport {
    pub total: Counters,
    pub modes: Vec<ModeReport>,
    pub failure: Option<Failure>,
}

impl Stress {
    /// Runs every mode in order, stopping at the first failure. `oracle` computes the
    /// dominator side of the oracle check; `mode_done` sees each mode's heap when the mode
    /// is finished (e.g. to print its GC trace).
    pub fn run(
        &self,
        oracle: &dyn Fn(&Heap, usize, u64) -> OracleCheck,
        mode_done: &mut dyn FnMut(StressMode, &Heap),
    ) -> StressReport {
        let mut report = StressReport {
            total: Counters::default(),
            modes: Vec::new(),
            failure: None,
        };
        for &mode in &self.modes {
            let mut heap = Heap::new(self.profile.clone());
            heap.set_old_gen_config(mode.config(self.full_gc_interval));
            heap.set_full_verification_interval(FULL_VERIFICATION_INTERVAL);
            let (counters, failure) = self.run_mode(&mut heap, mode, oracle);
            mode_done(mode, &heap);
            report.total += &counters;
            report.modes.push(ModeReport {
                mode: mode.name(),
                counters,
            });
            if failure.is_some() {
                report.failure = failure;
                break;
            }
        }
        report
    }

    fn run_mode(
        &self,
        heap: &mut Heap,
        mode: StressMode,
        oracle: &dyn Fn(&Heap, usize, u64) -> OracleCheck,
    ) -> (Counters, Option<Failure>) {
        if self.missing_barrier {
            store_without_barrier(heap);
        }
        let opts = RunOptions {
            gc_interval: self.gc_interval,
            verify: true,
        };
        let out = run_seeded(heap, self.seed, self.ops as usize, opts);
        let fail = |kind, step, message| Failure {
            mode: mode.name(),
            kind,
            step,
            message,
        };
        let mut failure = out.stop.as_ref().map(|s| match s {
            Stop::VerifierFailure { step, error } => {
                fail(FailureKind::Verifier, *step, error.to_string())
            }
            Stop::OutOfMemory { step, error } => {
                fail(FailureKind::OutOfMemory, *step, error.to_string())
            }
        });
        let mut check = OracleCheck::default();
        if failure.is_none() {
            // With the program's roots gone: one verified full GC, then the oracle.
            heap.collect_garbage(GcReason::Explicit);
            if let Some(e) = heap.verifier_stats().failures.first() {
                failure = Some(fail(FailureKind::Verifier, out.ops, e.to_string()));
            } else {
                check = oracle(heap, self.oracle_samples, self.seed);
                if let Some(m) = check.mismatch.take() {
                    failure = Some(fail(FailureKind::Oracle, out.ops, m));
                }
            }
        }
        let t = heap.old_gen_totals();
        let counters = Counters {
            ops: out.ops as u64,
            allocations: out.allocations,
            scavenges: out.scavenges,
            full_gcs: t.full_gcs,
            incremental_steps: t.incremental_steps,
            overflows: t.overflows,
            rescans: t.rescans,
            pages_evacuated: t.pages_evacuated,
            barrier_greyings: t.barrier_greyings,
            oracle_checks: check.checked,
            oracle_skipped: check.skipped,
            objects_copied: out.objects_copied,
            bytes_copied: out.bytes_copied,
            promoted: out.promoted,
            bytes_promoted: out.bytes_promoted,
            verifier_checks: heap.verifier_stats().checks,
        };
        (counters, failure)
    }
}

/// An old-space array, held by a global handle the program never touches, gets a pointer to
/// a young object by a raw store that skips the write barrier, so the remembered set misses
/// the slot: what a missing barrier in a real collector does.
fn store_without_barrier(heap: &mut Heap) {
    let host = heap.alloc_fixed_array(1).expect("a fresh heap has room");
    let host = heap.new_global_handle(host);
    // Two scavenges promote it (verification is not on yet).
    heap.scavenge(GcReason::Explicit);
    heap.scavenge(GcReason::Explicit);
    let young = heap.alloc_fixed_array(1).expect("a fresh heap has room");
    let a = heap.get_global(host).addr();
    let slot = heap.body(a).tagged_end - 1;
    heap.managed.mem.write(a + 8 * slot as u64, young.0);
}

impl StressReport {
    /// How many failures stopped the run (0 or 1: the run stops at the first).
    pub fn failures(&self) -> usize {
        usize::from(self.failure.is_some())
    }
}

/// A [`StressReport`] with the run's parameters, as `heapsim stress --json` prints it.
pub struct StressJson<'a> {
    pub seed: u64,
    pub profile: &'a str,
    pub mode: &'a str,
    pub gc_interval: Option<u64>,
    pub report: &'a StressReport,
}

impl Serialize for StressJson<'_> {
    // The key order of docs/json.md: parameters and totals interleaved as they were first
    // published, so the totals are written key by key.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.report.total;
        let mut m = s.serialize_struct("StressReport", 23)?;
        m.serialize_field("seed", &self.seed)?;
        m.serialize_field("ops", &t.ops)?;
        m.serialize_field("profile", self.profile)?;
        m.serialize_field("mode", self.mode)?;
        m.serialize_field("gc_interval", &self.gc_interval)?;
        m.serialize_field("allocations", &t.allocations)?;
        m.serialize_field("scavenges", &t.scavenges)?;
        m.serialize_field("full_gcs", &t.full_gcs)?;
        m.serialize_field("incremental_steps", &t.incremental_steps)?;
        m.serialize_field("overflows", &t.overflows)?;
        m.serialize_field("rescans", &t.rescans)?;
        m.serialize_field("pages_evacuated", &t.pages_evacuated)?;
        m.serialize_field("barrier_greyings", &t.barrier_greyings)?;
        m.serialize_field("oracle_checks", &t.oracle_checks)?;
        m.serialize_field("oracle_skipped", &t.oracle_skipped)?;
        m.serialize_field("objects_copied", &t.objects_copied)?;
        m.serialize_field("bytes_copied", &t.bytes_copied)?;
        m.serialize_field("promoted", &t.promoted)?;
        m.serialize_field("bytes_promoted", &t.bytes_promoted)?;
        m.serialize_field("verifier_checks", &t.verifier_checks)?;
        m.serialize_field("failures", &self.report.failures())?;
        m.serialize_field("failure", &self.report.failure)?;
        m.serialize_field("modes", &self.report.modes)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stress(modes: Vec<StressMode>, missing_barrier: bool) -> Stress {
        Stress {
            seed: 5,
            ops: 400,
            profile: Profile::v8_6(),
            gc_interval: Some(17),
            modes,
            full_gc_interval: 97,
            oracle_samples: 8,
            missing_barrier,
        }
    }

    fn no_oracle(_: &Heap, _: usize, _: u64) -> OracleCheck {
        OracleCheck::default()
    }

    #[test]
    fn totals_are_the_sum_of_the_modes() {
        let r = stress(StressMode::ALL.to_vec(), false).run(&no_oracle, &mut |_, _| {});
        assert!(r.failure.is_none(), "{:?}", r.failure);
        assert_eq!(r.modes.len(), 5);
        let mut sum = Counters::default();
        for m in &r.modes {
            sum += &m.counters;
        }
        assert_eq!(sum, r.total);
        assert_eq!(r.total.ops, 400, "ops is the longest run, not a sum");
        assert!(r.total.scavenges > 0 && r.total.full_gcs > 0);
    }

    #[test]
    fn a_missing_write_barrier_stops_the_run_with_a_verifier_failure() {
        let r = stress(vec![StressMode::Scavenge, StressMode::Weak], true)
            .run(&no_oracle, &mut |_, _| {});
        let f = r
            .failure
            .clone()
            .expect("the verifier reports the unrecorded slot");
        assert_eq!((f.mode, f.kind), ("scavenge", FailureKind::Verifier));
        assert_eq!(r.modes.len(), 1, "the run stops at the first failure");
        assert_eq!(r.failures(), 1);
    }

    #[test]
    fn an_oracle_mismatch_is_a_failure() {
        let mismatch = |_: &Heap, _: usize, _: u64| OracleCheck {
            checked: 1,
            skipped: 0,
            mismatch: Some("differs".into()),
        };
        let r = stress(vec![StressMode::Compact], false).run(&mismatch, &mut |_, _| {});
        let f = r.failure.expect("mismatch reported");
        assert_eq!(
            (f.kind, f.step, f.message.as_str()),
            (FailureKind::Oracle, 400, "differs")
        );
        assert_eq!(r.total.oracle_checks, 1);
    }
}
