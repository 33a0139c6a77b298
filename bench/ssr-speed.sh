#!/usr/bin/env bash
# Server-rendering speed: requests per second and p99 latency for /, /tasters and /join on the
# release server with demo data, measured in the same run as nginx serving a saved copy of
# the same HTML, with wrk, 64 connections, on 127.0.0.1.
#   bench/ssr-speed.sh [seconds-per-run]
# Installs wrk and nginx from Debian when missing. Stops both servers when done.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
seconds=${1:-10}
run=bench/.run/ssr
enrol_port=3400
nginx_port=3401

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null
fi
make -s build >/dev/null 2>&1

rm -rf "$run" && mkdir -p "$run/site/tasters" "$run/site/join" "$run/logs"
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop EXIT

ENROL_DEMO=1 RUST_LOG=warn DATABASE_URL="sqlite://$run/enrol.db" LEPTOS_SITE_ADDR="127.0.0.1:$enrol_port" \
  target/release/server >"$run/logs/enrol.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$enrol_port/healthz" >/dev/null && break; sleep 0.1; done

# The same HTML, saved for nginx.
curl -sf "http://127.0.0.1:$enrol_port/" -o "$run/site/index.html"
curl -sf "http://127.0.0.1:$enrol_port/tasters" -o "$run/site/tasters/index.html"
curl -sf "http://127.0.0.1:$enrol_port/join" -o "$run/site/join/index.html"
cat >"$run/nginx.conf" <<NGINX
worker_processes 2;
pid $PWD/$run/nginx.pid;
error_log $PWD/$run/logs/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  client_body_temp_path $PWD/$run/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $PWD/$run/site;
    location = /tasters { try_files /tasters/index.html =404; }
    location = /join { try_files /join/index.html =404; }
  }
}
NGINX
mkdir -p "$run/tmp"
nginx -c "$PWD/$run/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nginx_port/" >/dev/null && break; sleep 0.1; done

measure() { # url → "requests/s p99-ms"
  local out
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$1")
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  case "$p99" in
    *ms) p99=${p99%ms} ;;
    *us) p99=$(awk -v v="${p99%us}" 'BEGIN {printf "%.3f", v / 1000}') ;;
    *s) p99=$(awk -v v="${p99%s}" 'BEGIN {printf "%.1f", v * 1000}') ;;
  esac
  echo "$rps $p99"
}

printf '%-9s %14s %12s %14s %12s %8s\n' "page" "enrol req/s" "enrol p99" "nginx req/s" "nginx p99" "ratio"
status=0
for path in / /tasters /join; do
  read -r e_rps e_p99 <<<"$(measure "http://127.0.0.1:$enrol_port$path")"
  read -r n_rps n_p99 <<<"$(measure "http://127.0.0.1:$nginx_port$path")"
  ratio=$(awk -v a="$e_rps" -v b="$n_rps" 'BEGIN {printf "%.2f", a / b}')
  printf '%-9s %14s %10s ms %14s %10s ms %8s\n' "$path" "$e_rps" "$e_p99" "$n_rps" "$n_p99" "$ratio"
  awk -v r="$ratio" -v p="$e_p99" 'BEGIN {exit !(r >= 0.5 && p <= 20)}' || status=1
done
echo "targets (enrol at least 0.5x nginx, p99 at most 20 ms): $([ $status -eq 0 ] && echo MET || echo NOT MET)"
exit $status
