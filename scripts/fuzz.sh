#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs
# each for SECONDS (default 600), one after another on one core, from its seed
# corpus (tests/fuzz/corpus/<target>/; the shipped scenarios for scenario_text).
# What a run adds to the corpus stays in build-fuzz/corpus/<target>/; the run
# goes on past a crash, a timeout (10 s for one input) or an out-of-memory,
# each written to build-fuzz/artifacts/<target>-*.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Exit 1 when any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario_text set_overrides unit_string published_section)
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIOSIM_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}" --target "${targets[@]/#/fuzz_}"
mkdir -p build-fuzz/artifacts
status=0
for t in "${targets[@]}"; do
  seeds="tests/fuzz/corpus/$t"
  [ "$t" = scenario_text ] && seeds=scenarios
  mkdir -p "build-fuzz/corpus/$t"
  echo "fuzz.sh: $t for ${seconds}s"
  touch "build-fuzz/$t.start"
  # One forked worker: a crash is kept and fuzzing goes on in a fresh process.
  nice -n 10 "build-fuzz/tests/fuzz_$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="build-fuzz/artifacts/$t-" \
    "build-fuzz/corpus/$t" "$seeds" >"build-fuzz/$t.log" 2>&1 || true
  grep -E '^#[0-9]+: cov' "build-fuzz/$t.log" | tail -1
  found=$(find build-fuzz/artifacts -name "$t-*" -newer "build-fuzz/$t.start" | wc -l)
  echo "fuzz.sh: $t: $found finding(s) in build-fuzz/artifacts/, log build-fuzz/$t.log"
  [ "$found" -eq 0 ] || status=1
done
exit $status
