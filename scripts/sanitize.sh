#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (issue 16, item 7), in its own
# build directory (build-asan, RelWithDebInfo; tests/test_no_alloc.cpp is left out because it replaces
# malloc). Any report aborts the test that triggered it. CI runs the sanitized fuzz test of the parsers
# (ctest fuzz_inputs_sanitized) on every push; this script is the full run (about 3x the normal suite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOMMOPT_SANITIZE=ON -DCOMMOPT_BUILD_BENCH=OFF \
      "${launcher[@]}" >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
cd build-asan && ctest --output-on-failure -j"$(nproc)" --timeout 900 -LE mpi "$@"
