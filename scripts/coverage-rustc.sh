#!/usr/bin/env bash
# RUSTC_WRAPPER for the coverage build: keeps cargo-tarpaulin's instrumentation and full debug
# info on the workspace's own crates only. On every dependency they would double the build
# (the solver's and the forecaster's stacks are large) and slow the tests, and nothing of them
# is measured.
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  echo "Usage: RUSTC_WRAPPER=scripts/coverage-rustc.sh cargo ... (run by scripts/test.sh)"
  exit 0
fi
rustc=$1
shift
if [ -n "${CARGO_PRIMARY_PACKAGE:-}" ]; then
  exec "$rustc" "$@"
fi
args=()
for arg in "$@"; do
  case "$arg" in
    -Cinstrument-coverage|-Cdebuginfo=2|-Cstrip=none) ;;
    *) args+=("$arg") ;;
  esac
done
exec "$rustc" "${args[@]}"
