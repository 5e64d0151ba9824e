#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (issue 16, item 7), in its own
# build directory (build-asan; -O1 -g1, see CMakeLists.txt; no benchmark binary). Any report aborts
# the test that triggered it (a leak, an overflow, a use after free, undefined behaviour);
# test_no_alloc counts through ASan's allocation hooks.
#   bash scripts/sanitize.sh [CTEST_ARGS...]   the whole suite
#   bash scripts/sanitize.sh --ci [CTEST_ARGS...]
#       what CI runs (.ci/run): the whole suite but the runs that only repeat, with other
#       arguments, code the sanitized suite already runs: mpi_trace_equal_np1 and _np3
#       (np2 stays), check_jobs_same_output (check's -j 1 vs -j 3; `check --suite quick` stays),
#       fuzz_inputs (the unsanitized driver; fuzz_inputs_sanitized stays).
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
if [ "${1:-}" = --ci ]; then
  shift
  args=(-E '^(mpi_trace_equal_np[13]|check_jobs_same_output|fuzz_inputs)$')
fi
COMMOPT_WERROR=ON COMMOPT_SANITIZE=ON COMMOPT_BUILD_BENCH=OFF COMMOPT_BUILD_DIR=build-asan bash scripts/build.sh
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-asan && ctest --output-on-failure -j"$(nproc)" --timeout 1800 "${args[@]}" "$@"
