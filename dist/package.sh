#!/usr/bin/env bash
# Packs one release asset: dist/package.sh VERSION TARGET BINARY OUTDIR
#
# Writes OUTDIR/scalegate-VERSION-TARGET.tar.gz (.zip for Windows targets)
# holding the directory scalegate-VERSION-TARGET/ with the binary, LICENSE
# and README.md, and puts that file's line into
# OUTDIR/scalegate-VERSION-SHA256SUMS in `sha256sum` format (replacing an
# older line for the same file, so packing again is safe).
#
# The release workflow and the tests both call this script, so what the
# tests install is what a release ships. It runs under bash on Linux, macOS
# and Windows (Git Bash) runners; the zip is written with Python's zipfile
# because Windows runners have no `zip`.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: dist/package.sh VERSION TARGET BINARY OUTDIR" >&2
  echo "  e.g. dist/package.sh 0.1.0 x86_64-unknown-linux-gnu target/x86_64-unknown-linux-gnu/dist/scalegate dist/out" >&2
  exit 2
fi
version="$1"
target="$2"
binary="$3"
outdir="$4"
repo="$(cd "$(dirname "$0")/.." && pwd)"

case "$version" in
  "" | v*) echo "package.sh: VERSION is the bare version, e.g. 0.1.0 (got '$version')" >&2; exit 2 ;;
esac
if [ ! -f "$binary" ]; then
  echo "package.sh: no binary at $binary" >&2
  exit 2
fi

name="scalegate-$version-$target"
case "$target" in
  *windows*) exe=scalegate.exe; archive="$name.zip" ;;
  *) exe=scalegate; archive="$name.tar.gz" ;;
esac

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$repo/LICENSE" "$repo/README.md" "$stage/$name/"

rm -f "$outdir/$archive"
case "$archive" in
  *.zip)
    # Windows runners name the interpreter `python`, others `python3`.
    python="$(command -v python3 || command -v python)"
    (cd "$stage" && "$python" -m zipfile -c "$outdir/$archive" "$name")
    ;;
  *) tar -C "$stage" -czf "$outdir/$archive" "$name" ;;
esac

if command -v sha256sum > /dev/null; then
  sum="$(cd "$outdir" && sha256sum "$archive")"
else
  sum="$(cd "$outdir" && shasum -a 256 "$archive")"
fi
sums="$outdir/scalegate-$version-SHA256SUMS"
touch "$sums"
# Keep every other asset's line; the rewrite goes through a temporary file
# so an interrupted run never leaves a half-written SHA256SUMS.
grep -v "  $archive\$" "$sums" > "$sums.tmp" || true
echo "$sum" >> "$sums.tmp"
sort -k2 "$sums.tmp" > "$sums"
rm -f "$sums.tmp"
echo "$outdir/$archive"
