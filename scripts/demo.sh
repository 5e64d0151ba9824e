#!/usr/bin/env bash
# The main job: set up, build, and run `commopt demo` on the shipped a9a data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/commopt demo "$@"
