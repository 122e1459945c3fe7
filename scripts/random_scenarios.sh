#!/usr/bin/env bash
# Runs the random-scenario invariants over N scenarios (default 500; the
# suite runs 50): every run ends, reproduces, has no negative or non-finite
# figure and places every byte written.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
FOLIOSIM_RANDOM_SCENARIOS="${1:-500}" build/tests/foliosim_tests -tc='random scenarios*' -s 2>&1 | grep -E 'MESSAGE|random scenarios|assertions|Status|ERROR' | head -40
