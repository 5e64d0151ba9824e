#!/usr/bin/env bash
# `commopt completion bash`: the script is valid bash (bash -n), registers itself for commopt
# (complete -p), and completes as a user would type: `commopt ru<TAB>` -> run, `commopt run --method
# <TAB>` -> the method registry, `commopt run --me<TAB>` -> --method (read from run's --help),
# `commopt data fetch real<TAB>` -> real-sim (the catalogue). `commopt completion zsh` passes zsh -n
# where zsh is installed.
# usage: completion.sh COMMOPT_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/check_lib.sh"
"$bin" completion bash > "$tmp/commopt.bash"
check "completion bash exits 0" [ $? = 0 ]
check "bash -n accepts the script" bash -n "$tmp/commopt.bash"
source "$tmp/commopt.bash"
check "complete -p names _commopt for commopt" bash -c "source '$tmp/commopt.bash'; complete -p commopt | grep -q -- '-F _commopt'"
complete_words() {  # complete_words WORD... : COMPREPLY for the last word, space-joined
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  _commopt
  echo "${COMPREPLY[*]}"
}
check "commopt ru -> run" [ "$(complete_words commopt ru)" = "run" ]
methods=$(complete_words commopt run --method "")
check "run --method <TAB> offers gd" grep -qw gd <<< "$methods"
check "run --method <TAB> offers ef21" grep -qw ef21 <<< "$methods"
check "run --method <TAB> offers every method of 'list methods --names'" \
  [ "$(echo $methods | tr ' ' '\n' | sort)" = "$("$bin" list methods --names | sort)" ]
check "run --method ef2 -> ef21 ef21_pp ef21_bc" [ "$(complete_words commopt run --method ef2)" = "ef21 ef21_pp ef21_bc" ]
check "run --me -> --method" [ "$(complete_words commopt run --me)" = "--method" ]
check "data fetch real -> real-sim" [ "$(complete_words commopt data fetch real)" = "real-sim" ]
check "check --suite -> quick full" [ "$(complete_words commopt check --suite "")" = "quick full" ]
if command -v zsh > /dev/null; then
  "$bin" completion zsh > "$tmp/_commopt"
  check "zsh -n accepts the zsh script" zsh -n "$tmp/_commopt"
fi
"$bin" completion fish > /dev/null 2>&1
check "unknown shell exits 2" [ $? = 2 ]
finish
