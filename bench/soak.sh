#!/usr/bin/env bash
# The soak: a mixed load (page views, event streams, joins, status pages, a coordinator's
# pages) on the release server for a long while; every minute its latency, memory, open
# files and CPU. What it sends and what "steady" means: server/examples/soak.rs.
#   bench/soak.sh [minutes] [event streams] [requests per second] [applications in play]
#                                                     (default 30, 300, 100, 2000; 0: no limit)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
make -s build >/dev/null 2>&1
# Same LEPTOS_OUTPUT_NAME as cargo-leptos, so this build reuses the server's compiled crates.
LEPTOS_OUTPUT_NAME=enrol cargo build -q --release -p server --example soak
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
target/release/examples/soak "${1:-30}" "${2:-300}" "${3:-100}" "${4:-2000}"
