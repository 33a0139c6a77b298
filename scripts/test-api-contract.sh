#!/usr/bin/env bash
# The JSON API against its published contract: schemathesis (PyPI, installed by
# scripts/install-tools.sh --test) reads /api/v1/openapi.json from the release server and
# sends it generated requests, valid and invalid, bounded in examples and time. Every answer
# must be no 5xx, a documented status code with a documented content type, and a body that
# matches the schema; invalid input must be refused.
#   scripts/test-api-contract.sh [examples per operation] [seconds]     (default 60, 120)
# Left out: the event stream (it never ends) and one check, positive_data_acceptance, which
# expects every schema-valid body to be accepted: a schema cannot say "consent must be
# true", "one active application per email per intake" or "a taster that has started", so
# valid-looking bodies are rightly refused (422, 409) with the field named.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-60} seconds=${2:-120}
st="$PWD/.tools/schemathesis/bin/st"
test -x "$st" || { echo "schemathesis is missing: scripts/install-tools.sh --test installs it" >&2; exit 1; }
test -x target/release/server || { echo "Build first: make build" >&2; exit 1; }
work="$PWD/target/api-contract"
rm -rf "$work"
mkdir -p "$work"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$work/enrol.db" ENROL_DEMO=1 ENROL_OUTBOX_DIR="$work/outbox" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  RUST_LOG=error target/release/server >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "$base/healthz" >/dev/null && break
  sleep 0.2
done
echo "==> The JSON API against its OpenAPI document (schemathesis, at most $examples examples an operation, ${seconds}s)"
"$st" run "$base/api/v1/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --exclude-path /api/v1/events \
  --max-examples "$examples" --max-time "$seconds" \
  --generation-database none --no-color \
  --report junit --report-dir "$work/report"
