#!/usr/bin/env bash
# Set up, build with warnings as errors, and run the whole test suite. CI (.ci/run) then runs the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer: scripts/sanitize.sh --ci.
set -euo pipefail
cd "$(dirname "$0")/.."
# Its own build directory, so that the demo's build (./build, warnings allowed) is not reconfigured.
COMMOPT_WERROR=ON COMMOPT_BUILD_DIR=build-test bash scripts/build.sh
# Tests run two at a time on CI's two cores: OpenMP threads that spin at barriers would fight over
# them (a 45 s test became minutes). Passive waiting changes no result (traces do not depend on
# threads), only the waste.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
cd build-test && ctest --output-on-failure -j"$(nproc)" "$@"
