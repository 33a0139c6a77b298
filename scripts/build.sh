#!/usr/bin/env bash
# `make build`: the release build, in two lines of work side by side, as they share nothing
# (each has a target folder of its own) and much of each runs on one core (link-time
# optimisation, wasm-opt): the server binary, and the browser's side (the full wasm, the
# styles and assets, then each page group's own bundle, scripts/build-bundles.sh).
# Output lines are marked [server] or [wasm]; the build fails if either line fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
started=$(date +%s)
echo "==> Building enrol: the release server, and beside it the wasm (a first build takes about 15 minutes)"
(cargo leptos build --release --server-only 2>&1 | sed -u 's/^/[server] /') &
server=$!
# The full wasm first: it (re)makes target/site, where the bundles go.
( (cargo leptos build --release --precompress --frontend-only && scripts/build-bundles.sh) 2>&1 \
  | sed -u 's/^/[wasm]   /') &
wasm=$!
failed=()
wait "$server" || failed+=(server)
wait "$wasm" || failed+=(wasm)
if [ ${#failed[@]} -gt 0 ]; then
  echo "The build failed: ${failed[*]} (see the lines marked above)" >&2
  exit 1
fi
echo "==> Built in $(($(date +%s) - started)) s"
