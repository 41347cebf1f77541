#!/usr/bin/env bash
# The scan step of action.yml: one scalegate run that prints GitHub
# annotations, writes the step summary and the SARIF file, and records the
# exit code instead of failing, so that the SARIF upload still happens; the
# gate step fails the job with that code afterwards.
#
# Inputs arrive as INPUT_* variables (set by action.yml); SCALEGATE_BIN names
# the binary (default: `scalegate` on PATH). Runs in GITHUB_WORKSPACE.
set -uo pipefail

bin="${SCALEGATE_BIN:-scalegate}"
cd "${GITHUB_WORKSPACE:-.}" || exit 2

args=(scan --format github)
# Paths: whitespace- or newline-separated; default the whole workspace.
read -r -a paths <<< "$(echo "${INPUT_PATHS:-.}" | tr '\n' ' ')"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi
args+=("${paths[@]}")
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
read -r -a policies <<< "$(echo "${INPUT_POLICY:-}" | tr '\n' ' ')"
for dir in "${policies[@]}"; do
  args+=(--policy "$dir")
done
read -r -a helm_values <<< "$(echo "${INPUT_HELM_VALUES:-}" | tr '\n' ' ')"
for file in "${helm_values[@]}"; do
  args+=(--helm-values "$file")
done
if [ -n "${INPUT_FAIL_ON:-}" ]; then
  args+=(--fail-on "$INPUT_FAIL_ON")
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=(--baseline "$INPUT_BASELINE")
fi
if [ "${INPUT_NO_CONFIG:-false}" = true ]; then
  args+=(--no-config)
fi
sarif="${INPUT_SARIF_FILE:-scalegate.sarif}"
args+=(--sarif-file "$sarif" --sarif-category "${INPUT_CATEGORY:-scalegate/}")

"$bin" "${args[@]}"
code=$?

written=false
if [ -s "$sarif" ]; then
  written=true
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "sarif-file=$sarif"
    echo "sarif-written=$written"
  } >> "$GITHUB_OUTPUT"
fi
case "$code" in
  0) echo "scalegate: no finding fails the gate" ;;
  1) echo "scalegate: findings fail the gate (the job fails after the SARIF upload)" ;;
  *) echo "::error::scalegate could not run (exit $code); see the messages above" ;;
esac
exit 0
