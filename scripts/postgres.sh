#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests and benchmarks: Debian's PostgreSQL server
# (installed by scripts/install-tools.sh), initialised into a folder of its own, listening on
# a free port on 127.0.0.1 only, trusted without a password (nothing else can reach it).
#
#   scripts/postgres.sh start DIR [fast]   starts a fresh cluster in DIR and prints its URL
#                                           (`fast`: no fsync, for tests where durability
#                                           is not what is measured)
#   scripts/postgres.sh stop DIR           stops it (and is quiet when it is not running)
#   scripts/postgres.sh resume DIR         starts a stopped cluster again, same data and port
#
# As root (CI), the server runs as the `postgres` user, since PostgreSQL refuses to run as root.
set -euo pipefail

command=${1:?usage: scripts/postgres.sh start|stop DIR [fast]}
dir=${2:?usage: scripts/postgres.sh start|stop DIR [fast]}
mode=${3:-durable}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL's server is not installed (scripts/install-tools.sh --test installs it)" >&2
  exit 1
fi
as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    "$0" stop "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    options="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=400"
    if [ "$mode" = fast ]; then
      options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    echo "$options" >"$dir/options"
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  resume)
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|resume DIR [fast]" >&2
    exit 2
    ;;
esac
