#!/usr/bin/env bash
# Lighthouse (mobile settings) on /, /tasters and /join: the median of 5 runs of each score,
# against the release server with demo data on 127.0.0.1, driving Debian's Chromium.
#   bench/lighthouse.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
runs=${1:-5}
run=bench/.run/lighthouse
port=3402
(cd bench/lighthouse && npm install --no-audit --no-fund --loglevel=error)
make -s build >/dev/null 2>&1
rm -rf "$run" && mkdir -p "$run"
ENROL_DEMO=1 RUST_LOG=warn DATABASE_URL="sqlite://$run/enrol.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" target/release/server >"$run/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
printf '%-9s %12s %14s %15s %6s\n' page performance accessibility best-practices seo
status=0
for path in / /tasters /join; do
  name=$(echo "$path" | tr -c 'a-z\n' '_')
  for i in $(seq "$runs"); do
    bench/lighthouse/node_modules/.bin/lighthouse "http://127.0.0.1:$port$path" --quiet --form-factor=mobile \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$run/$name-$i.json" --chrome-flags="$flags" >/dev/null 2>&1 || true
  done
  scores=$(node -e '
    const fs = require("fs");
    const [dir, name, runs] = process.argv.slice(1);
    const cats = ["performance", "accessibility", "best-practices", "seo"];
    const median = (xs) => { xs.sort((a, b) => a - b); return xs[Math.floor(xs.length / 2)]; };
    const reports = [];
    for (let i = 1; i <= Number(runs); i++) {
      try { reports.push(JSON.parse(fs.readFileSync(`${dir}/${name}-${i}.json`, "utf8"))); } catch {}
    }
    if (!reports.length) { console.log("- - - -"); process.exit(); }
    console.log(cats.map((c) => Math.round(100 * median(reports.map((r) => r.categories[c].score)))).join(" "));
  ' "$run" "$name" "$runs")
  read -r perf a11y best seo <<<"$scores"
  printf '%-9s %12s %14s %15s %6s\n' "$path" "$perf" "$a11y" "$best" "$seo"
  [ "$perf" != "-" ] && [ "$perf" -ge 95 ] && [ "$a11y" -eq 100 ] && [ "$best" -ge 95 ] || status=1
done
echo "targets (performance >= 95, accessibility 100, best practices >= 95): $([ $status -eq 0 ] && echo MET || echo NOT MET)"
exit $status
