#!/usr/bin/env bash
# Builds the scalegate a release ships for one target:
# dist/build.sh TARGET [WHEEL_DIR]
#
# `cargo build --locked --profile dist --target TARGET`, statically linked
# where the platform allows it: on Linux the C library is linked in
# (`+crt-static`, a static-pie binary that runs on any distribution, with no
# glibc version requirement), and on Windows the C runtime is, so no Visual
# C++ redistributable is needed. macOS binaries link only the system
# libraries every macOS has. With WHEEL_DIR, maturin then packs the same
# build into a PyPI wheel there (cargo finds it up to date: same profile,
# target and flags, so nothing is compiled twice).
#
# Prints the binary's path last. The release workflow and .ci/run both call
# this script, so what CI tests is what a release ships.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: dist/build.sh TARGET [WHEEL_DIR]   e.g. dist/build.sh x86_64-unknown-linux-gnu target/wheels" >&2
  exit 2
fi
target="$1"
case "$target" in
  *-linux-gnu | *-windows-msvc) export RUSTFLAGS="-C target-feature=+crt-static" ;;
  *) export RUSTFLAGS="" ;;
esac
cargo build --locked --profile dist --target "$target" >&2
if [ "$#" -eq 2 ]; then
  # The profile and --locked come from pyproject.toml.
  if command -v maturin > /dev/null; then
    maturin build --target "$target" --out "$2" >&2
  else
    # pip's script directory is not on PATH on every runner.
    "$(command -v python3 || command -v python)" -m maturin build --target "$target" --out "$2" >&2
  fi
fi
case "$target" in
  *windows*) echo "target/$target/dist/scalegate.exe" ;;
  *) echo "target/$target/dist/scalegate" ;;
esac
