#!/usr/bin/env bash
# The Rust tests, twice: on SQLite, then the same suite on PostgreSQL (every store and HTTP
# test takes its database from ENROL_TEST_DATABASE_URL), against a private cluster this
# script starts under target/ and stops at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> Rust unit and integration tests, on SQLite"
cargo test -p app -p server --features app/ssr
cluster="$PWD/target/postgres-test"
trap 'scripts/postgres.sh stop "$cluster"' EXIT
url=$(scripts/postgres.sh start "$cluster" fast)
echo "==> The same tests on PostgreSQL (a private cluster at $url)"
ENROL_TEST_DATABASE_URL="$url" cargo test -p app -p server --features app/ssr
