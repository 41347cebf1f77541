#!/usr/bin/env bash
# The install step of action.yml: puts a verified scalegate on PATH.
#
# Picks the release asset for RUNNER_OS/RUNNER_ARCH, downloads it and the
# release's SHA256SUMS from <base> (the release's download directory, or
# SCALEGATE_RELEASE_BASE_URL when set), checks the asset's SHA-256, unpacks it
# into RUNNER_TOOL_CACHE/scalegate/<version>/<arch> and appends that
# directory to GITHUB_PATH. A later run with the same tool cache downloads
# nothing. Any failure stops with an ::error:: naming the URL and what to do,
# before anything is put on GITHUB_PATH: nothing unverified is run.
#
# Inputs: INPUT_VERSION (a version such as 0.2.0; empty means the version in
# the action checkout's Cargo.toml; `source` builds the checkout with cargo),
# GITHUB_ACTION_PATH, ACTION_REPOSITORY (owner/name the release lives in;
# when empty, read from the action's path, else scalegate/scalegate),
# and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_PATH.
set -euo pipefail

fail() {
  echo "::error::scalegate install: $*"
  exit 1
}

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
[ -n "${GITHUB_PATH:-}" ] || fail "GITHUB_PATH is not set; this script runs as a step of the scalegate action."

version="${INPUT_VERSION:-}"
version="${version#v}"
if [ -z "$version" ]; then
  # The first `version = "…"` of Cargo.toml is the package's: the action at
  # tag v0.2.0 installs scalegate 0.2.0.
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
  [ -n "$version" ] || fail "no version in $action_path/Cargo.toml; set the action's 'version' input (e.g. 0.1.0)."
fi

to_runner_path() {
  # GITHUB_PATH is read by the runner, which wants native paths on Windows.
  if [ "${RUNNER_OS:-}" = Windows ] && command -v cygpath > /dev/null; then
    cygpath -w "$1"
  else
    echo "$1"
  fi
}

if [ "$version" = source ]; then
  # For forks and unreleased commits. `cargo build` into the checkout's own
  # target directory is idempotent, unlike `cargo install`, which refuses a
  # binary it did not record installing.
  command -v cargo > /dev/null || fail "version: source builds scalegate with cargo, and there is no cargo on PATH; install Rust 1.95 or newer first, or use a released version."
  cargo build --locked --release --manifest-path "$action_path/Cargo.toml" --target-dir "$action_path/target" \
    || fail "cargo build of $action_path failed; see the messages above."
  to_runner_path "$action_path/target/release" >> "$GITHUB_PATH"
  echo "scalegate built from $action_path"
  exit 0
fi

case "$version" in
  *[!0-9A-Za-z.+-]*) fail "'$version' is not a version; use e.g. 0.1.0, or 'source'." ;;
esac

os="${RUNNER_OS:-}"
arch="${RUNNER_ARCH:-}"
case "$os/$arch" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fail "no prebuilt scalegate for RUNNER_OS=$os RUNNER_ARCH=$arch; set 'version: source' to build it with cargo." ;;
esac
case "$target" in
  *windows*) asset="scalegate-$version-$target.zip"; exe=scalegate.exe ;;
  *) asset="scalegate-$version-$target.tar.gz"; exe=scalegate ;;
esac

[ -n "${RUNNER_TOOL_CACHE:-}" ] || fail "RUNNER_TOOL_CACHE is not set; this script runs as a step of the scalegate action."
arch_dir="$(echo "$arch" | tr '[:upper:]' '[:lower:]')"
dest="$RUNNER_TOOL_CACHE/scalegate/$version/$arch_dir"
# The marker is written last, after the checksum matched and the binary ran:
# a directory without it is a broken earlier attempt and is replaced.
marker="$dest.complete"
if [ -f "$marker" ] && [ -x "$dest/$exe" ]; then
  to_runner_path "$dest" >> "$GITHUB_PATH"
  echo "scalegate $version from the tool cache ($dest)"
  exit 0
fi

repository="${ACTION_REPOSITORY:-}"
if [ -z "$repository" ]; then
  # github.action_repository can be empty inside composite actions; the
  # runner checks actions out to <work>/_actions/<owner>/<repo>/<ref>.
  forward="${action_path//\\//}"
  case "$forward" in
    */_actions/*/*/*)
      rest="${forward#*/_actions/}"
      owner="${rest%%/*}"
      rest="${rest#*/}"
      repository="$owner/${rest%%/*}"
      ;;
    *) repository=scalegate/scalegate ;;
  esac
fi
base="${SCALEGATE_RELEASE_BASE_URL:-https://github.com/$repository/releases/download/v$version}"
base="${base%/}"
asset_url="$base/$asset"
sums_name="scalegate-$version-SHA256SUMS"
sums_url="$base/$sums_name"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

download() {
  local url="$1" out="$2" code=0
  curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 \
    --output "$out" "$url" || code=$?
  if [ "$code" -ne 0 ]; then
    fail "could not download $url (curl exit $code). Check that release v$version exists and has the asset $asset (supported: Linux and macOS on X64/ARM64, Windows on X64), pin the action's 'version' input to a released version, or set 'version: source' to build from the action's checkout."
  fi
}

download "$asset_url" "$work/$asset"
download "$sums_url" "$work/$sums_name"

expected="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$work/$sums_name")"
[ -n "$expected" ] || fail "$sums_url has no line for $asset; the release is incomplete. Nothing was installed; pin another version or set 'version: source'."
if command -v sha256sum > /dev/null; then
  actual="$(sha256sum "$work/$asset" | awk '{ print $1 }')"
else
  actual="$(shasum -a 256 "$work/$asset" | awk '{ print $1 }')"
fi
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $asset_url: SHA256SUMS says $expected, the download is $actual. Nothing was installed. Re-run the job; if it fails again, the release assets are damaged: report it, and pin another version meanwhile."
fi

mkdir "$work/unpacked"
case "$asset" in
  *.zip)
    if command -v unzip > /dev/null; then
      unzip -q "$work/$asset" -d "$work/unpacked"
    else
      pwsh -NoProfile -Command "Expand-Archive -LiteralPath '$(to_runner_path "$work/$asset")' -DestinationPath '$(to_runner_path "$work/unpacked")'"
    fi
    ;;
  *) tar -xzf "$work/$asset" -C "$work/unpacked" ;;
esac
unpacked="$work/unpacked/scalegate-$version-$target"
[ -f "$unpacked/$exe" ] || fail "$asset_url does not hold scalegate-$version-$target/$exe; the release asset is malformed. Nothing was installed."
chmod +x "$unpacked/$exe"
ran="$("$unpacked/$exe" --version 2>&1)" || fail "the scalegate from $asset_url does not run on this runner ($os $arch): $ran"
[ "$ran" = "scalegate $version" ] || fail "$asset_url holds '$ran', not scalegate $version. Nothing was installed."

rm -rf "$dest" "$marker"
mkdir -p "$(dirname "$dest")"
mv "$unpacked" "$dest"
touch "$marker"
to_runner_path "$dest" >> "$GITHUB_PATH"
echo "scalegate $version installed in $dest (SHA-256 $actual)"
