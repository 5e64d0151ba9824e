#!/usr/bin/env bash
# Installs the Debian 12 packages commopt needs (only the missing ones; quiet when all are there).
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config
      libeigen3-dev libboost-program-options-dev libboost-iostreams-dev
      libboost-filesystem-dev libboost-system-dev catch2 libbenchmark-dev
      libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
      liblzma-dev libbz2-dev zlib1g-dev xz-utils
      gnuplot-nox libgnuplot-iostream-dev libopenmpi-dev openmpi-bin liblinear-tools
      libcurl4-openssl-dev libssl-dev help2man python3)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "commopt setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
