#!/usr/bin/env bash
# Writes a help2man include file: one section per subcommand with its own --help (the man page of
# commopt is then the top-level help plus every subcommand's options). The subcommands are read
# from `commopt --help`, so a new one needs no edit here.
# usage: man-sections.sh COMMOPT_BINARY OUT
set -euo pipefail
bin=$1
out=$2
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
{
  echo "[COMMANDS]"
  for cmd in $("$bin" --help | awk '/^commands:/ {f = 1; next} f && NF {print $1}'); do
    if [ "$cmd" = data ]; then subs="data_info data_constants data_fetch"; else subs=$cmd; fi
    for s in $subs; do
      echo ".SS \"commopt ${s/_/ }\""
      echo ".nf"
      "$bin" ${s/_/ } --help | roff
      echo ".fi"
    done
  done
  echo "[SEE ALSO]"
  echo "The README of the source tree; \\fBcommopt completion bash\\fR for shell completion."
} > "$out"
