#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh) and builds commopt in Release into ./build
# (or $COMMOPT_BUILD_DIR). COMMOPT_WERROR=ON (scripts/test.sh, CI) turns warnings into errors;
# COMMOPT_SANITIZE=ON (scripts/test.sh, CI) builds under AddressSanitizer + UndefinedBehaviorSanitizer;
# COMMOPT_BUILD_BENCH=OFF leaves out the Google Benchmark binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
dir="${COMMOPT_BUILD_DIR:-build}"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOMMOPT_WERROR="${COMMOPT_WERROR:-OFF}" \
      -DCOMMOPT_SANITIZE="${COMMOPT_SANITIZE:-OFF}" -DCOMMOPT_BUILD_BENCH="${COMMOPT_BUILD_BENCH:-ON}" \
      "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
