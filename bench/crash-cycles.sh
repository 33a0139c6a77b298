#!/usr/bin/env bash
# Crash cycles: a join race in progress, the release server killed with SIGKILL at a random
# moment, the database checked, the server started again — on SQLite, then on PostgreSQL
# (a private, durable cluster under bench/.run, stopped at the end). What each cycle checks
# is in server/examples/crash_cycles.rs; any failure ends the script non-zero.
#   bench/crash-cycles.sh [cycles] [applicants] [concurrency] [places]
# Defaults: 100 cycles of 300 applicants, 50 at a time, 10 places. `make test` runs 10 cycles
# (with ENROL_BUILT=1: the release server was built just before).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
cycles=${1:-100} applicants=${2:-300} concurrency=${3:-50} places=${4:-10}
if [ "${ENROL_BUILT:-}" != 1 ]; then
  make -s build >/dev/null 2>&1
fi
# Same LEPTOS_OUTPUT_NAME as cargo-leptos, so this build reuses the server's compiled crates.
LEPTOS_OUTPUT_NAME=enrol cargo build -q --release -p server --example crash_cycles
cluster="$PWD/bench/.run/postgres-crash"
trap 'scripts/postgres.sh stop "$cluster"' EXIT
cycles_on() { target/release/examples/crash_cycles "$cycles" "$applicants" "$concurrency" "$places" "$@"; }
echo "==> Crash cycles on SQLite"
cycles_on
server=$(scripts/postgres.sh start "$cluster")
psql -q -d "$server" -c "CREATE DATABASE crash_cycles" >/dev/null
echo "==> Crash cycles on PostgreSQL"
cycles_on --database "${server%/*}/crash_cycles"
