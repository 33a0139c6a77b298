#!/usr/bin/env bash
# Runs the Playwright suite in end2end/ against the release build (global-setup.ts starts
# and stops the server). Extra arguments go to Playwright, e.g. scripts/e2e.sh tests/course.spec.ts
set -euo pipefail
cd "$(dirname "$0")/../end2end"
if [ ! -x ../target/release/server ] || [ ! -d ../target/site/pkg ]; then
  echo "Build first: make build" >&2
  exit 1
fi
exec npx playwright test "$@"
