#!/usr/bin/env bash
# tools/deb.sh BUILD [OUTDIR] — a Debian package of a built tree (make deb):
# the install of BUILD under /usr, staged in OUTDIR/deb-root (OUTDIR: BUILD), man pages
# gzipped as Debian wants them, a control file and md5sums, packed with
# dpkg-deb (root-owned files). Prints the .deb's path.
set -euo pipefail
build=${1:-build}
out=${2:-$build}
stage=$out/deb-root
bin=$build/tools/threadsim

version=$("$bin" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
rm -rf "$stage"
DESTDIR="$stage" cmake --install "$build" --prefix /usr >/dev/null
gzip -9n "$stage"/usr/share/man/man1/*.1
mkdir -p "$stage/usr/share/doc/threadsim"
cat > "$stage/usr/share/doc/threadsim/copyright" <<EOT
threadsim: a deterministic thread-scheduling simulator.
Built from the threadsim source tree; see its README.md.
EOT

mkdir -p "$stage/DEBIAN"
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$stage" | awk '{ print $1 }')
cat > "$stage/DEBIAN/control" <<EOT
Package: threadsim
Version: $version
Architecture: $arch
Maintainer: threadsim developers <threadsim@localhost>
Installed-Size: $size
Depends: libc6, libpython3.11, libsqlite3-0, libseccomp2, python3-lib2to3
Section: devel
Priority: optional
Homepage: https://localhost/threadsim
Description: deterministic simulator of Python threading programs
 threadsim runs Python 3 threading programs (in an embedded CPython 3.11)
 and C scenarios as green threads on a virtual clock, in one exact,
 reproducible interleaving; records every run in SQLite; diffs, replays,
 steps through and explores the interleavings of a program.
 .
 This package holds the threadsim command, its man pages and shell
 completion, the built-in scenarios' expected outputs, and libthreadsim
 (the engine and threading model as a C library, with pkg-config file).
EOT
mkdir -p "$out"
deb=$out/threadsim_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
