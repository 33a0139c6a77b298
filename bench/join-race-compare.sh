#!/usr/bin/env bash
# The join race on SQLite, this build against an older commit, taking turns in one run, so
# both meet the same machine, disk and moment:
#   bench/join-race-compare.sh COMMIT [applicants] [concurrency] [places] [runs]
# The older commit is checked out as a git worktree under bench/.run/compare-COMMIT and built
# there with its own target folder (the first time takes a while: a release build of the
# server and the load generator; the race needs no wasm); each side runs its own load
# generator (server/examples/join_race.rs of its commit) against its own server, on a fresh
# database each time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
old=${1:?usage: bench/join-race-compare.sh COMMIT [applicants] [concurrency] [places] [runs]}
applicants=${2:-2000} concurrency=${3:-200} places=${4:-20} runs=${5:-5}
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
race() { (cd "$1" && target/release/examples/join_race "$applicants" "$concurrency" "$places"); }
for run in $(seq "$runs"); do
  echo "--- run $run: $old"
  race "$tree"
  echo "--- run $run: this tree ($(git rev-parse --short HEAD))"
  race "$PWD"
done
