#!/usr/bin/env bash
# tools/setup.sh — install what threadsim needs to build and test, if missing.
# Safe to run again: it only installs Debian packages that are not installed.
# Called by `make run`, `make test` and .ci/run.
set -euo pipefail

# tmux, chromium, libpng-dev: the stepper's screen test and the html timeline's screenshot test
# libpython3.11-dev: the embedded CPython (pkg-config python3-embed); python3-lib2to3: the
# Python 2 translator; libpython3.11-testsuite: CPython's own threading tests; libseccomp-dev: --sandbox
# parallel: the explorer's shards run side by side in a test
# dpkg-dev, debhelper: make deb (dpkg-buildpackage with debian/, tools/deb.sh)
# zsh: the zsh completion's test
# liblz4-dev: event batches are stored LZ4-compressed (traces/evbatch.h)
pkgs=(build-essential cmake pkg-config libsqlite3-dev liblz4-dev sqlite3 libcunit1-dev clang tmux chromium libpng-dev
      libpython3.11-dev python3.11 python3-lib2to3 libpython3.11-testsuite libseccomp-dev parallel
      dpkg-dev debhelper zsh)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup: missing packages (${missing[*]}) and not root; install them and retry" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
