#!/usr/bin/env bash
# Set up a fresh Debian 12 machine: install the Debian packages mmusim needs, build it into
# build/, and run the main job on the bundled default trace. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# The package list lives in scripts/packages.txt (shared with .ci/run).
mapfile -t packages < <(grep -v '^#' scripts/packages.txt | grep -v '^$')
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

echo "== build/mmusim traces/samples/pipeline.mmb.zst"
build/mmusim traces/samples/pipeline.mmb.zst
