#!/usr/bin/env bash
# Configures and builds foliosim in build/ (Release, 2 parallel jobs by default).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build build -j "${JOBS:-2}"
