#!/usr/bin/env bash
# tools/deb.sh [OUTDIR] — the Debian package, built by dpkg-buildpackage
# from the source tree with debian/ (make deb). dpkg-buildpackage works in
# the source folder and writes its results beside it, so it runs on a copy
# of the tree (without build folders and .git) in OUTDIR/deb-src/, and the
# .deb is moved to OUTDIR (default: build). Prints the .deb's path.
# Needs debian/control's Build-Depends (tools/setup.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build}
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n '1s/^threadsim (\([^)]*\)).*/\1/p' "$here/debian/changelog")
cmake_version=$(sed -n 's/^project(threadsim VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")
if [ "$version" != "$cmake_version" ]; then
    echo "threadsim: deb: debian/changelog says $version, CMakeLists.txt $cmake_version" >&2
    exit 2
fi
arch=$(dpkg --print-architecture)

src=$out/deb-src/threadsim-$version
rm -rf "$out/deb-src"
mkdir -p "$src"
# the tree as tracked, or as it is when it is not a git checkout
if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$here" ls-files -z --cached --others --exclude-standard |
        (cd "$here" && xargs -0 cp --parents -t "$src" 2>/dev/null || true)
else
    (cd "$here" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -xf - -C "$src"
fi
[ -f "$src/debian/rules" ] || { echo "threadsim: deb: no debian/ in the copy of the tree" >&2; exit 2; }

log=$out/deb-src/build.log
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" \
        dpkg-buildpackage -b -us -uc >"$log" 2>&1); then
    tail -n 40 "$log" >&2
    echo "threadsim: deb: dpkg-buildpackage failed (the whole log: $log)" >&2
    exit 1
fi
deb=threadsim_${version}_${arch}.deb
mv "$out/deb-src/$deb" "$out/$deb"
echo "$out/$deb"
