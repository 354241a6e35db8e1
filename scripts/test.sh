#!/usr/bin/env bash
# The whole test suite: unit, property and interop tests.
# The interop suite (tests/interop.rs) needs the reference toolchain (Node 20/22/24, Chrome
# DevTools' heap snapshot worker, memlab), installed and cached by scripts/setup-interop.sh.
# Under CI (CI set, and not to false or 0: testkit's rule) the install must succeed, and the
# interop tests fail if the toolchain is missing. Elsewhere a failed install only warns (the interop tests then print SKIPPED),
# and HEAPSIM_SKIP_INTEROP_SETUP=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${CI:-}" in "" | false | 0) in_ci= ;; *) in_ci=1 ;; esac
if [ -n "$in_ci" ]; then
  scripts/setup-interop.sh >/dev/null
elif [ -z "${HEAPSIM_SKIP_INTEROP_SETUP:-}" ]; then
  scripts/setup-interop.sh >/dev/null || echo "test.sh: interop toolchain not installed; interop tests will skip" >&2
fi
# Unit, integration and doc tests. Criterion benches are only compiled here: run once in
# the test profile they would build benchmark-sized heaps unoptimised (`cargo bench` runs them).
cargo test --workspace
cargo build --workspace --benches
