#!/usr/bin/env bash
# The join race with email (issue: telling people): the same race (2,000 eligible applicants,
# 200 at a time, 20 places, SQLite) with email off and on, in one run. "On" delivers every
# applicant's email over SMTP to a local aiosmtpd server (scripts/smtp_sink.py) and measures
# how long after the race the last one arrives. "Off" is, by default, the same server writing
# its emails as files; pass an older build of the server as the last argument (one from before
# the outbox) to compare with a server that has no email at all.
#   bench/join-race-email.sh [applicants] [concurrency] [places] [runs] [server-without-email]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true
applicants=${1:-2000} concurrency=${2:-200} places=${3:-20} runs=${4:-3} without=${5:-}
make -s build >/dev/null 2>&1
LEPTOS_OUTPUT_NAME=enrol cargo build --release -p server --example join_race >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
race=(target/release/examples/join_race "$applicants" "$concurrency" "$places")
off=("${race[@]}")
[ -n "$without" ] && off+=(--server "$without")
for run in $(seq "$runs"); do
  echo "--- run $run: email off${without:+ (server without email: $without)}"
  rm -rf bench/.run/outbox
  "${off[@]}"
  echo "--- run $run: email on, over SMTP"
  folder="$PWD/bench/.run/smtp"
  rm -rf "$folder"
  PYTHONPATH=.tools/python python3 scripts/smtp_sink.py "$port" "$folder" >/dev/null &
  sink=$!
  sleep 1
  ENROL_SMTP_URL="smtp://127.0.0.1:$port" JOIN_RACE_SMTP_DIR="$folder" "${race[@]}" || status=$?
  kill "$sink"
  wait "$sink" 2>/dev/null || true
  [ "${status:-0}" -eq 0 ] || exit "$status"
done
