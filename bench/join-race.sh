#!/usr/bin/env bash
# The join race: 2,000 eligible applicants, 200 at a time, for 20 places, through the JSON
# API of the release server on 127.0.0.1 — on SQLite, on PostgreSQL with one instance, and on
# PostgreSQL with two instances taking requests in turn, in the same run.
#   bench/join-race.sh [applicants] [concurrency] [places] [runs]
# Builds what it needs (the release server with `make build`, the load generator as an
# example of the server crate), starts a private, durable PostgreSQL cluster under bench/.run
# (stopped at the end), then runs each race `runs` times (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
applicants=${1:-2000} concurrency=${2:-200} places=${3:-20} runs=${4:-5}
make -s build >/dev/null 2>&1
# Same LEPTOS_OUTPUT_NAME as cargo-leptos, so this build reuses the server's compiled crates.
LEPTOS_OUTPUT_NAME=enrol cargo build --release -p server --example join_race >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cluster="$PWD/bench/.run/postgres"
trap 'scripts/postgres.sh stop "$cluster"' EXIT
server=$(scripts/postgres.sh start "$cluster")
# An empty database for each race.
fresh() {
  psql -q -d "$server" -c "DROP DATABASE IF EXISTS join_race" -c "CREATE DATABASE join_race" >/dev/null
  echo "${server%/*}/join_race"
}
race=(target/release/examples/join_race "$applicants" "$concurrency" "$places")
for run in $(seq "$runs"); do
  echo "--- run $run: SQLite"
  "${race[@]}"
  echo "--- run $run: PostgreSQL, one instance"
  "${race[@]}" --database "$(fresh)"
  echo "--- run $run: PostgreSQL, two instances"
  "${race[@]}" --database "$(fresh)" --instances 2
done
