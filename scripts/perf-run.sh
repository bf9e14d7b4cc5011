#!/usr/bin/env bash
# Runs rota's performance checks and saves their JSON for scripts/perf-compare.py: the solver
# on the small Curtois & Qu instances, no-op jobs through each configured queue backend, and
# a load test against `rota all` on seeded data with trained models.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/perf-run.sh --binary PATH [--out DIR] [--db URL] [--skip LIST]

Writes into DIR: curtois.jsonl, queue-<backend>.json (embedded always; redis when REDIS_URL
is set; amqp when AMQP_URL is set), train.json and loadtest-mixed.json.

Options:
  --binary PATH   the rota binary to measure (a release build for figures worth comparing)
  --out DIR       where the results go [default: perf-results]
  --db URL        database of the load test, migrated and seeded here
                  [default: a temporary SQLite file]
  --skip LIST     comma-separated parts to leave out: curtois, queue, loadtest
  --duration S    load test seconds [default: 30]
  -h, --help      this help
USAGE
}

cd "$(dirname "$0")/.."
binary="" out=perf-results db="" skip="" duration=30
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --db) db=${2:?--db needs a URL}; shift 2 ;;
    --skip) skip=${2:?--skip needs a list}; shift 2 ;;
    --duration) duration=${2:?--duration needs seconds}; shift 2 ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "${binary:-}" ] || { echo "error: --binary must name the rota binary (see --help)" >&2; exit 2; }
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
mkdir -p "$out"
scratch=$(mktemp -d)
server=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
skipped() { [[ ",$skip," == *",$1,"* ]]; }
failed=0

if ! skipped curtois; then
  echo "== solver: Curtois & Qu instances 1-3"
  "$binary" bench curtois --dir solver/tests/fixtures --instances 1,2,3 --time-limit 10 --json \
    > "$out/curtois.jsonl"
fi

if ! skipped queue; then
  backends=(embedded)
  [ -n "${REDIS_URL:-}" ] && backends+=(redis)
  [ -n "${AMQP_URL:-}" ] && backends+=(amqp)
  for backend in "${backends[@]}"; do
    echo "== queue: $backend"
    "$binary" bench queue --backend "$backend" --jobs 5000 --concurrency 8 --json \
      > "$out/queue-$backend.json"
  done
fi

if ! skipped loadtest; then
  echo "== load test: rota all on seeded data"
  db=${db:-"sqlite://$scratch/perf.db?mode=rwc"}
  rota() { "$binary" --db "$db" "$@"; }
  rota migrate up
  rota seed-demo --units 5 --days 730
  rota train-all --no-email --json > "$out/train.json"
  token=$(rota token create --role viewer --name perf | tail -n1)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  rota all --host 127.0.0.1 --port "$port" > "$scratch/all.log" 2>&1 &
  server=$!
  url="http://127.0.0.1:$port"
  "$binary" smoke --url "$url" --token "$token" --wait 60 || { tail -n 50 "$scratch/all.log" >&2; exit 1; }
  "$binary" loadtest --url "$url" --token "$token" --duration "$duration" --connections 8 \
    --scenario mixed --json --max-mean-ms 1000 > "$out/loadtest-mixed.json" || failed=1
fi

ls -l "$out"
exit "$failed"
