#!/usr/bin/env bash
# Set up, build with warnings as errors under AddressSanitizer + UndefinedBehaviorSanitizer, and run
# the whole test suite there: any heap overflow, use after free, leak or undefined behaviour aborts the
# test that triggered it (issue 16). The demo's build (./build, Release) is separate and not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMOPT_WERROR=ON COMMOPT_SANITIZE=ON COMMOPT_BUILD_DIR=build-test bash scripts/build.sh
# Tests run two at a time on CI's two cores: OpenMP threads that spin at barriers would fight over
# them (a 45 s test became minutes). Passive waiting changes no result (traces do not depend on
# threads), only the waste.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-test && ctest --output-on-failure -j"$(nproc)" "$@"
