# Shared by the shell tests (source it): `check DESCRIPTION COMMAND...` runs the command, prints
# "ok: ..." or "FAIL: ..." and counts the failures; `finish` prints the count and exits non-zero
# when any check failed.
fails=0
check() {
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
finish() {
  echo "$fails failure(s)"
  [ "$fails" = 0 ]
}
