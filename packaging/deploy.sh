#!/usr/bin/env bash
# Runs on a server, from inside an unpacked rota release: switches the `current` symlink
# among the installed releases, keeps the last 3, rolls back, backs up, migrates, restarts.
# The deploy workflows call it over SSH; an operator runs it the same way by hand.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy.sh COMMAND [--root DIR]

Commands (ROOT defaults to /opt/rota; releases live in ROOT/releases/<name>/):
  activate   point ROOT/current at this release, remember the old one as ROOT/previous,
             and delete all but the 3 most recently activated releases (never-activated
             ones are left alone)
  rollback   point ROOT/current back at ROOT/previous (fails when there is none)
  backup     pg_dump the database to ROOT/backups/rota-<UTC timestamp>.dump (custom format)
  migrate    run `rota migrate up` with the current release
  restart    systemctl restart rota-api rota-worker rota-scheduler (with sudo -n unless root)
  smoke-token  create a viewer API token for `rota smoke` and print it alone on the last line
  status     print the current and previous release and the installed ones

Options:
  --root DIR   installation root [default: /opt/rota]
  -h, --help   this help

Settings: /etc/rota/rota.env, then ROOT/rota.env (DATABASE_URL, REDIS_URL, AMQP_URL; each
read when present, the later winning, as the systemd units do) and /etc/rota/rota.toml
(passed as --config when present). ROTA_ENV_FILE and ROTA_CONFIG_FILE name other files;
ROTA_RESTART_CMD replaces the systemctl command.
USAGE
}

KEEP=3
root=/opt/rota
command=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$command" ] || { echo "error: one command only (see --help)" >&2; exit 2; }
       command=$1; shift ;;
  esac
done
[ -n "$command" ] || { usage >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd -P)
env_file=${ROTA_ENV_FILE:-/etc/rota/rota.env}
config_file=${ROTA_CONFIG_FILE:-/etc/rota/rota.toml}

load_env() {
  local file
  for file in "$env_file" "$root/rota.env"; do
    # shellcheck disable=SC1090 # the server's own environment files
    if [ -r "$file" ]; then set -a; . "$file"; set +a; fi
  done
}

rota_cmd() {
  local args=()
  [ -r "$config_file" ] && args+=(--config "$config_file")
  "$root/current/rota" "${args[@]}" "$@"
}

# ln + mv -T replaces the link in one rename, so no process ever sees it missing.
point() { # link target
  ln -sfn "$2" "$1.new"
  mv -Tf "$1.new" "$1"
}

activate() {
  local releases="$root/releases" old="" real=""
  real=$(cd "$releases" 2>/dev/null && pwd -P) || true
  if [ -z "$real" ] || [ "$(dirname "$here")" != "$real" ]; then
    echo "error: this release is at $here, not inside $releases" >&2; exit 1
  fi
  [ -L "$root/current" ] && old=$(readlink -f "$root/current")
  if [ "$old" = "$here" ]; then echo "already current: $here"; return; fi
  # A marker's modification time is the activation order (the clock's own time: a plain touch
  # takes the kernel's coarse time, and two quick activations could tie). Releases unpacked
  # but never activated carry no marker and are left alone.
  touch -d "@$(date +%s.%N)" "$here/.activated"
  [ -n "$old" ] && point "$root/previous" "$old"
  point "$root/current" "$here"
  echo "current: $here${old:+ (previous: $old)}"
  local keep=0 marker dir
  while IFS= read -r marker; do
    dir=$(dirname "$marker")
    keep=$((keep + 1))
    if [ "$keep" -gt "$KEEP" ] && [ "$dir" != "$here" ] && [ "$dir" != "$old" ]; then
      echo "removing old release: $dir"
      rm -rf -- "$dir"
    fi
  done < <(ls -1t "$releases"/*/.activated)
}

rollback() {
  [ -L "$root/previous" ] || { echo "error: no previous release to roll back to" >&2; exit 1; }
  local previous current
  previous=$(readlink -f "$root/previous")
  [ -x "$previous/rota" ] || { echo "error: previous release $previous is gone" >&2; exit 1; }
  current=$(readlink -f "$root/current")
  point "$root/current" "$previous"
  rm -f "$root/previous"
  echo "rolled back: current is $previous (was $current)"
}

backup() {
  load_env
  case "${DATABASE_URL:-}" in
    postgres://*|postgresql://*) ;;
    "") echo "error: DATABASE_URL is not set (put it in $env_file)" >&2; exit 1 ;;
    *) echo "error: backup needs a PostgreSQL DATABASE_URL" >&2; exit 1 ;;
  esac
  mkdir -p "$root/backups"
  local file
  file="$root/backups/rota-$(date -u +%Y%m%dT%H%M%SZ).dump"
  pg_dump --format=custom --no-owner --file "$file" "$DATABASE_URL"
  echo "backup: $file ($(du -h "$file" | cut -f1))"
}

case "$command" in
  activate) activate ;;
  rollback) rollback ;;
  backup) backup ;;
  migrate) load_env; rota_cmd migrate up; rota_cmd migrate status ;;
  restart)
    if [ -n "${ROTA_RESTART_CMD:-}" ]; then eval "$ROTA_RESTART_CMD"
    elif [ "$(id -u)" -eq 0 ]; then systemctl restart rota-api rota-worker rota-scheduler
    else sudo -n systemctl restart rota-api rota-worker rota-scheduler; fi ;;
  smoke-token) load_env; rota_cmd token create --role viewer --name "smoke $(date -u +%FT%TZ)" ;;
  status)
    echo "current:  $(readlink -f "$root/current" 2>/dev/null || echo none)"
    echo "previous: $(readlink -f "$root/previous" 2>/dev/null || echo none)"
    ls -1dt "$root"/releases/*/ 2>/dev/null || true ;;
  *) echo "error: unknown command '$command' (see --help)" >&2; exit 2 ;;
esac
