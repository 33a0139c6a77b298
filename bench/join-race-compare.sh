#!/usr/bin/env bash
# The join race, this build against an older commit, taking turns in one run, so both meet
# the same machine, disk and moment:
#   bench/join-race-compare.sh COMMIT [applicants] [concurrency] [places] [runs] [backends]
# backends: `sqlite` (the default), or `all` for SQLite, PostgreSQL with one instance and
# PostgreSQL with two (a private, durable cluster under bench/.run, stopped at the end).
# The older commit is checked out as a git worktree under bench/.run/compare-COMMIT and built
# there with its own target folder (the first time takes a while: a release build of the
# server and the load generator; the race needs no wasm); each side runs its own load
# generator (server/examples/join_race.rs of its commit) against its own server, on a fresh
# database each time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
old=${1:?usage: bench/join-race-compare.sh COMMIT [applicants] [concurrency] [places] [runs] [sqlite|all]}
applicants=${2:-2000} concurrency=${3:-200} places=${4:-20} runs=${5:-5} backends=${6:-sqlite}
case "$backends" in
  sqlite) races=(sqlite) ;;
  all) races=(sqlite postgres-1 postgres-2) ;;
  *) echo "backends: sqlite or all, not '$backends'" >&2; exit 2 ;;
esac
old=$(git rev-parse --short "$old")
tree="$PWD/bench/.run/compare-$old"
if [ ! -d "$tree" ]; then
  git worktree add --detach "$tree" "$old" >/dev/null
fi
echo "==> Building this tree and $old (release)"
make -s build >/dev/null 2>&1
LEPTOS_OUTPUT_NAME=enrol cargo build --release -p server --example join_race >/dev/null
(cd "$tree" && LEPTOS_OUTPUT_NAME=enrol cargo build --release -p server --bins --example join_race >/dev/null)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$backends" = all ]; then
  cluster="$PWD/bench/.run/postgres"
  trap 'scripts/postgres.sh stop "$cluster"' EXIT
  server=$(scripts/postgres.sh start "$cluster")
fi
# A race of the build in folder $1 on backend $2, on an empty database.
race() {
  local database=()
  case "$2" in
    postgres-*)
      psql -q -d "$server" -c "DROP DATABASE IF EXISTS join_race" -c "CREATE DATABASE join_race" >/dev/null
      database=(--database "${server%/*}/join_race" --instances "${2#postgres-}") ;;
  esac
  (cd "$1" && target/release/examples/join_race "$applicants" "$concurrency" "$places" "${database[@]}")
}
for run in $(seq "$runs"); do
  for backend in "${races[@]}"; do
    echo "--- run $run, $backend: $old"
    race "$tree" "$backend"
    echo "--- run $run, $backend: this tree ($(git rev-parse --short HEAD))"
    race "$PWD" "$backend"
  done
done
