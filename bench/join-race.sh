#!/usr/bin/env bash
# The join race (issue: joining form and allocation): 2,000 eligible applicants, 200 at a
# time, for 20 places, through the JSON API of the release server on 127.0.0.1.
#   bench/join-race.sh [applicants] [concurrency] [places] [runs]
# Builds what it needs (the release server with `make build`, the load generator as an
# example of the server crate), then runs the race `runs` times (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
applicants=${1:-2000} concurrency=${2:-200} places=${3:-20} runs=${4:-5}
make -s build >/dev/null 2>&1
# Same LEPTOS_OUTPUT_NAME as cargo-leptos, so this build reuses the server's compiled crates.
LEPTOS_OUTPUT_NAME=enrol cargo build --release -p server --example join_race >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
for run in $(seq "$runs"); do
  echo "--- run $run"
  target/release/examples/join_race "$applicants" "$concurrency" "$places"
done
