#!/usr/bin/env bash
# Set up, build with warnings as errors, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMOPT_WERROR=ON bash scripts/build.sh
cd build && ctest --output-on-failure -j"$(nproc)" "$@"
