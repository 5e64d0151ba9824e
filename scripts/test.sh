#!/usr/bin/env bash
# Set up, build with warnings as errors, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Its own build directory, so that the demo's build (./build, warnings allowed) is not reconfigured.
COMMOPT_WERROR=ON COMMOPT_BUILD_DIR=build-test bash scripts/build.sh
cd build-test && ctest --output-on-failure -j"$(nproc)" "$@"
