#!/usr/bin/env bash
# Installs what foliosim needs to build and run on Debian, and only what is
# missing. Safe to run again.
set -euo pipefail

packages=(build-essential cmake pkg-config git libsimgrid-dev libboost-graph-dev libboost-dev
          nlohmann-json3-dev doctest-dev libcli11-dev gnuplot-nox
          xfsprogs e2fsprogs util-linux  # mkfs.xfs, mkfs.ext4, losetup: `foliosim record`
          libnlopt-dev)                  # `foliosim fit`
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
