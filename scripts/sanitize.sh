#!/usr/bin/env bash
# Builds foliosim with ASan + UBSan in build-asan/ and runs, under them, the
# whole test suite and every shipped scenario but the Axboe one (minutes at
# full scale even without sanitizers). Actors run on thread contexts (an ASan
# build's default too): Debian's SimGrid lacks ASan's fiber annotations, so on
# raw or ucontext contexts ASan loses track of the stack whenever an exception
# unwinds an actor, as every actor's end does, and reports false errors
# (models/common/contexts.hpp). No suppression or ASan option is needed.
#
#   scripts/sanitize.sh            # JOBS=2 by default
#
# With JOBS=1 on a shared 2-core machine, once built: about 6 minutes, of
# which the suite 2.5 to 3 and the scenarios 2.5 (the build alone: 25 minutes).
#
# Exit 1 on any failing test, failing run or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIOSIM_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j "${JOBS:-2}"
export FOLIOSIM_CONTEXTS=thread
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
ctest --test-dir build-asan --output-on-failure -j "${JOBS:-2}" || status=1
out=$(mktemp -d /tmp/foliosim-sanitize.XXXXXX)
trap 'rm -rf "$out"' EXIT
for s in scenarios/*.json scenarios/calibration/*.json; do
  case "$s" in *axboe*) continue ;; esac
  name=$(basename "$s" .json)
  if build-asan/foliosim run "$s" -o "$out/$name" >"$out/$name.log" 2>&1; then
    echo "sanitize.sh: $s ok"
  else
    echo "sanitize.sh: $s FAILED"; cat "$out/$name.log"; status=1
  fi
done
exit $status
