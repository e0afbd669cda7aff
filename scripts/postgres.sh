#!/usr/bin/env bash
# One way to get a private PostgreSQL cluster from the machine's own binaries, used by run.sh, test.sh and the
# test fixture alike. PostgreSQL refuses to run as root, so as root every server command runs as user postgres.
#
#   scripts/postgres.sh install                       install Debian's postgresql when its binaries are absent
#   scripts/postgres.sh start DIR PORT [--ephemeral]  initdb DIR once, then start it on 127.0.0.1:PORT
#   scripts/postgres.sh stop DIR [--remove|--immediate]
#                                                     stop the cluster in DIR (fast shutdown), and delete DIR;
#                                                     or stop it as a crash would (immediate: no checkpoint)
#   scripts/postgres.sh free-port [FROM]              print the first free TCP port from FROM (default 5433)
set -euo pipefail

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install() {
  bindir >/dev/null && return 0
  echo "PostgreSQL is absent: installing Debian's postgresql" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  bindir >/dev/null
}

# Runs a server command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port=${1:-5433}
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

start() {
  local dir=$1 port=$2 mode=${3:-}
  local bin; bin=$(bindir) || { echo "PostgreSQL binaries not found; run: $0 install" >&2; exit 1; }
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    # ICU ru-RU collation: registries are sorted the way Russian readers expect (ё beside е).
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      --locale-provider=icu --icu-locale=ru-RU >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # Test runs open many pools at once (a database per test class, Hangfire in every gateway host).
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400"
  # Throwaway test clusters trade durability for speed; run.sh's demo cluster keeps it.
  [ "$mode" = "--ephemeral" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  # For profiling a bench, e.g. MSI_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements".
  opts="$opts ${MSI_PG_OPTIONS:-}"
  as_owner "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
}

stop() {
  local dir=$1 mode=${2:-}
  local bin; bin=$(bindir)
  local how=fast
  [ "$mode" = "--immediate" ] && how=immediate
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m "$how" -w stop >/dev/null
  fi
  if [ "$mode" = "--remove" ]; then rm -rf "$dir"; fi
}

case "${1:-}" in
  install) install ;;
  start) start "$2" "$3" "${4:-}" ;;
  stop) stop "$2" "${3:-}" ;;
  free-port) free_port "${2:-5433}" ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
