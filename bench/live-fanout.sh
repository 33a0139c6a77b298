#!/usr/bin/env bash
# The live counter benchmark: 5,000 event-stream clients on 127.0.0.1, one allocation, the
# time until every client has the new figure, and the servers' memory — on one SQLite
# instance, then on two PostgreSQL instances sharing the clients (the allocation made through
# the first, the figure reaching the second's clients through the database's notifications).
#   bench/live-fanout.sh [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
make -s build >/dev/null 2>&1
LEPTOS_OUTPUT_NAME=enrol cargo build --release -p server --example live_fanout >/dev/null 2>&1
# Each client holds a socket at both ends: raise the open-files limit (the servers inherit it).
ulimit -n "$(ulimit -Hn)"
echo "open-files limit: $(ulimit -n)"
cluster="$PWD/bench/.run/postgres-fanout"
trap 'scripts/postgres.sh stop "$cluster"' EXIT
server=$(scripts/postgres.sh start "$cluster")
psql -q -d "$server" -c "CREATE DATABASE live_fanout" >/dev/null
echo "--- SQLite, one instance"
target/release/examples/live_fanout "${1:-5000}"
echo "--- PostgreSQL, two instances"
target/release/examples/live_fanout "${1:-5000}" --database "${server%/*}/live_fanout" --instances 2
