#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh) and builds commopt in Release into ./build.
# COMMOPT_WERROR=ON (set by scripts/test.sh and CI) turns warnings into errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOMMOPT_WERROR="${COMMOPT_WERROR:-OFF}" "${launcher[@]}" >/dev/null
cmake --build build -j"$(nproc)"
