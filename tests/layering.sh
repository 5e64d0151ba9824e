#!/usr/bin/env bash
# The layering of DESIGN.md, checked on the sources: lib/ (the engine) includes nothing of
# problems/, theory/, cli/ or plots/; plots/ (figures, on lib/ only) nothing of problems/, theory/ or cli/;
# problems/ nothing of theory/ or cli/; theory/ nothing of cli/; and
# inside lib/, net/ nothing of run/ (the round loop drives networks, not the other way round).
# The build enforces part of it too (lib/ compiles with lib/ alone on its include path); this test
# also covers problems/ and theory/, whose include path holds the project root.
# usage: layering.sh SOURCE_DIR
set -euo pipefail
cd "$1"
rules=(
  'lib|problems theory cli plots'
  'plots|problems theory cli'
  'problems|theory cli'
  'theory|cli'
  'lib/net|run'
)
fail=0
for rule in "${rules[@]}"; do
  IFS='|' read -r dir forbidden <<<"$rule"
  for f in $forbidden; do
    # `#include "f/..."` or `#include <f/...>`, also reached through "../" from within the tree.
    if hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]([.][.]/)*$f/" "$dir" \
                --include='*.hpp' --include='*.cpp' --include='*.h'); then
      echo "FAIL $dir/ must not include $f/:"
      echo "$hits" | sed 's/^/  /'
      fail=1
    fi
  done
done
if [ "$fail" = 0 ]; then
  for rule in "${rules[@]}"; do
    IFS='|' read -r dir forbidden <<<"$rule"
    echo "ok   $dir/ includes nothing of: $forbidden"
  done
fi
exit $fail
