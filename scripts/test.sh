#!/usr/bin/env bash
# The whole test suite: unit, property and interop tests.
# The interop suite (tests/interop.rs) needs the reference toolchain (Node 20/22/24, Chrome
# DevTools' heap snapshot worker, memlab), installed and cached by scripts/setup-interop.sh.
# Under CI=true it is installed first and a missing toolchain fails the interop tests;
# elsewhere set HEAPSIM_SKIP_INTEROP_SETUP=1 to skip the install (the tests then skip too
# if it was never installed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = true ] || [ -z "${HEAPSIM_SKIP_INTEROP_SETUP:-}" ]; then
  scripts/setup-interop.sh >/dev/null
fi
cargo test --workspace --all-targets
