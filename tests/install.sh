#!/usr/bin/env bash
# `cmake --install BUILD --prefix TMP` puts a commopt that runs in TMP/bin, the bash completion in
# TMP/share/bash-completion/completions (valid bash), and, when the build made one (help2man found),
# the man page in TMP/share/man/man1 with a section per subcommand.
# usage: install.sh BUILD_DIR
set -u
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/check_lib.sh"
cmake --install "$build" --prefix "$tmp" > "$tmp.log" 2>&1
check "cmake --install exits 0" [ $? = 0 ]
check "bin/commopt is installed and executable" [ -x "$tmp/bin/commopt" ]
check "installed commopt --version runs" bash -c "'$tmp/bin/commopt' --version | grep -q '^commopt '"
check "installed commopt lists the methods" bash -c "'$tmp/bin/commopt' list methods --names | grep -qx ef21"
check "bash completion installed" [ -s "$tmp/share/bash-completion/completions/commopt" ]
check "installed bash completion is valid bash" bash -n "$tmp/share/bash-completion/completions/commopt"
check "zsh completion installed" [ -s "$tmp/share/zsh/vendor-completions/_commopt" ]
if [ -e "$build/commopt.1" ]; then
  man="$tmp/share/man/man1/commopt.1"
  check "man page installed" [ -s "$man" ]
  check "man page has a section for 'commopt run'" grep -q '^\.SS "commopt run"' "$man"
  check "man page has a section for 'commopt data fetch'" grep -q '^\.SS "commopt data fetch"' "$man"
fi
rm -f "$tmp.log"
finish
