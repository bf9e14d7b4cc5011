#!/usr/bin/env bash
# Builds rota's release package: a .tar.gz with the `rota` binary, the migrations' sources,
# an example rota.toml, systemd units, compose.yaml with a Dockerfile for the packaged binary,
# the server-side deploy script and a README. CI and people run it the same way.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/package.sh [--binary PATH] [--out DIR] [--name NAME]

Builds dist/<name>.tar.gz, which unpacks into one folder <name>/.

Options:
  --binary PATH   package this already built `rota` binary instead of building one
                  (CI packages the binary its one build made)
                  [default: cargo build --release --locked --bin rota]
  --out DIR       where the tarball goes [default: dist]
  --name NAME     package and folder name
                  [default: rota-<version>-<git short sha>-<target triple>]
  -h, --help      this help

Prints the tarball's path as the last line.
USAGE
}

cd "$(dirname "$0")/.."
binary="" out=dist name=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --name) name=${2:?--name needs a name}; shift 2 ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$binary" ]; then
  cargo build --release --locked --bin rota >&2
  binary="${CARGO_TARGET_DIR:-target}/release/rota"
fi
[ -x "$binary" ] || { echo "error: $binary is not an executable rota binary" >&2; exit 1; }
version=$("$binary" --version | awk '{print $2}')
if [ -z "$name" ]; then
  sha=$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
  target=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
  name="rota-$version-$sha-${target:-unknown}"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
dir="$staging/$name"
mkdir -p "$dir/migration" "$dir/systemd"
install -m 0755 "$binary" "$dir/rota"
cp -R migration/Cargo.toml migration/src "$dir/migration/"
install -m 0644 packaging/rota.toml packaging/README.md compose.yaml packaging/Dockerfile "$dir/"
install -m 0644 packaging/systemd/*.service "$dir/systemd/"
install -m 0755 packaging/deploy.sh "$dir/deploy.sh"
printf 'name=%s\nversion=%s\nbuilt=%s\n' "$name" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  > "$dir/RELEASE"

mkdir -p "$out"
tarball="$(cd "$out" && pwd)/$name.tar.gz"
tar -C "$staging" -czf "$tarball" "$name"
echo "$tarball"
