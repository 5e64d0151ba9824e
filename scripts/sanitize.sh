#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (issue 16, item 7), in its own
# build directory (build-asan; -O1 -g1, see CMakeLists.txt). Any report aborts the test that triggered it;
# test_no_alloc counts through ASan's allocation hooks. CI runs the sanitized fuzz test of the parsers
# (ctest fuzz_inputs_sanitized); this script is the full run (~32 CPU-minutes to build on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
COMMOPT_WERROR=ON COMMOPT_SANITIZE=ON COMMOPT_BUILD_DIR=build-asan bash scripts/build.sh
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-asan && ctest --output-on-failure -j"$(nproc)" --timeout 1800 "$@"
