#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer: scripts/test.sh builds and runs it
# that way (it is what CI runs); this name is kept for the habit. Arguments go to ctest.
set -euo pipefail
exec bash "$(dirname "$0")/test.sh" "$@"
