#!/usr/bin/env bash
# rota's test command: the whole test suite, run once under coverage instrumentation
# (cargo-tarpaulin's LLVM engine, which reads the raw profiles itself, so no llvm-tools are
# needed), then the coverage gate: at least 80 % of lines in solver, forecast and worker.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test.sh [--out DIR] [--min PERCENT] [--no-coverage] [-- TEST ARGS]

Runs every test of the workspace (unit, integration and doc tests) against the servers the
README names, measures line coverage of every crate, prints it per crate, and fails when
solver, forecast or worker is below the minimum.

Options:
  --out DIR       where lcov.info, tarpaulin-report.json and coverage.txt go [default: coverage]
  --min PERCENT   minimum line coverage of the gated crates [default: 80]
  --no-coverage   plain `cargo test --workspace`, no instrumentation and no gate
  -h, --help      this help
Anything after `--` is passed to the test binaries (e.g. a name filter).

The instrumented build lives in $CARGO_TARGET_DIR/coverage (default target/coverage), apart
from the plain one. cargo-tarpaulin is installed from crates.io when missing.
USAGE
}

cd "$(dirname "$0")/.."
out=coverage min=80 coverage=1
test_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --min) min=${2:?--min needs a percentage}; shift 2 ;;
    --no-coverage) coverage=""; shift ;;
    --) shift; test_args=("$@"); break ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$coverage" ]; then
  exec cargo test --workspace --locked -- "${test_args[@]}"
fi

if ! cargo tarpaulin --version >/dev/null 2>&1; then
  echo "installing cargo-tarpaulin from crates.io"
  cargo install --locked cargo-tarpaulin
fi

target="${CARGO_TARGET_DIR:-target}/coverage"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Instrument only the workspace's crates (see the wrapper); the doc tests link against the
# same instrumented libraries, so they get the same flags and reuse that build.
export RUSTC_WRAPPER="$PWD/scripts/coverage-rustc.sh"
cargo tarpaulin --workspace --locked --engine llvm --skip-clean --target-dir "$target" \
  --out Lcov --out Json --output-dir "$out" --timeout 600 --no-fail-fast \
  --exclude-files 'tests/*' --exclude-files '*/tests/*' -- "${test_args[@]}"

echo "== doc tests"
RUSTFLAGS="-Cdebuginfo=2 -Cstrip=none --cfg=tarpaulin -Cinstrument-coverage" \
  RUSTDOCFLAGS="-Cinstrument-coverage" LLVM_PROFILE_FILE=/dev/null \
  cargo test --workspace --locked --doc --target-dir "$target"

python3 scripts/coverage-gate.py "$out/lcov.info" --min "$min" | tee "$out/coverage.txt"
