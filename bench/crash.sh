#!/usr/bin/env bash
# Crash test (issue 7, docs/reliability.md): kill -9 the server under load, restart it, and check that
# every application that received a 201 is readable with its verdict. Zero lost.
#
# usage: bench/crash.sh sqlite|postgres [SECONDS] [KILLS]        (defaults: 30 s, 5 kills)
#
# A fresh database; bench/acked_load.py POSTs synthetic applications (`vetgate-dev generate --jsonl`)
# from THREADS (16) threads and logs every acknowledgement before sending its next request; the
# server is killed with SIGKILL KILLS times at even intervals and started again on the same database
# each time; when the load ends, every acknowledged application is read back through the API from
# the last server. Prints one summary line; exit code 1 if anything acknowledged is missing.
#
# Environment: BIN (target/release/vetgate), DEV_BIN (target/release/vetgate-dev, from
# `cargo build --release -p vetgate-dev`; under CARGO_TARGET_DIR if set),
# PORT (18097), THREADS (16), PG_URL
# (postgres://postgres@127.0.0.1:5432), PG_DB (vetgate_crash), WORK (a fresh temporary directory;
# the server logs and the acknowledgement log stay there). Needs curl, openssl, python3, and psql for
# PostgreSQL.
set -euo pipefail

backend=${1:?usage: bench/crash.sh sqlite|postgres [SECONDS] [KILLS]}
seconds=${2:-30}
kills=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/target/release/vetgate}
dev_bin=${DEV_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/vetgate-dev}
port=${PORT:-18097}
threads=${THREADS:-16}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_db=${PG_DB:-vetgate_crash}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
url=http://127.0.0.1:$port
[ -x "$dev_bin" ] || { echo "no vetgate-dev at $dev_bin (cargo build --release -p vetgate-dev, or set DEV_BIN)" >&2; exit 2; }

export VETGATE_LOG=${VETGATE_LOG:-warn} VETGATE_LISTEN=127.0.0.1:$port
VETGATE_JWT_SECRET=$(openssl rand -hex 32)
VETGATE_PII_KEY=$(openssl rand -hex 32)
export VETGATE_JWT_SECRET VETGATE_PII_KEY
case $backend in
sqlite) export VETGATE_DATABASE_URL="sqlite://$work/crash.db" ;;
postgres)
  psql -q "$pg_url/postgres" -c "drop database if exists $pg_db" -c "create database $pg_db"
  export VETGATE_DATABASE_URL="$pg_url/$pg_db"
  ;;
*) echo "unknown backend $backend" >&2; exit 2 ;;
esac

server=
start_server() {
  # From an empty directory: no GeoIP databases, so the server starts in a fraction of a second.
  (cd "$work" && exec "$bin" serve >>"$work/server.log" 2>&1) &
  server=$!
  for _ in $(seq 1 200); do
    curl -fs "$url/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server did not start; see $work/server.log" >&2
  exit 2
}
cleanup() {
  [ -z "$server" ] || kill -9 "$server" 2>/dev/null || true
  [ -z "${load:-}" ] || kill "$load" 2>/dev/null || true
}
trap cleanup EXIT

# Bodies for up to 3,000 applications per second; application i of seed 7 is the same on every run.
"$dev_bin" generate --jsonl --seed 7 --count $((seconds * 3000)) >"$work/bodies.jsonl"
token=$("$bin" token --tenant crash --scope applications:write --scope verdicts:read --ttl 2h)

start_server
: >"$work/acked.log"
python3 "$root/bench/acked_load.py" load "$url" "$token" "$work/bodies.jsonl" "$work/acked.log" \
  --seconds "$seconds" --threads "$threads" >"$work/load.json" &
load=$!

interval=$(python3 -c "print($seconds / ($kills + 1))")
for k in $(seq 1 "$kills"); do
  sleep "$interval"
  before=$(wc -l <"$work/acked.log")
  kill -9 "$server"
  wait "$server" 2>/dev/null || true
  echo "kill $k: SIGKILL with $before acknowledged so far"
  start_server
done
wait "$load"
load=
verify=$(python3 "$root/bench/acked_load.py" verify "$url" "$token" "$work/acked.log") && status=0 || status=$?
echo "load: $(cat "$work/load.json")"
echo "verify: $verify"
echo "backend=$backend seconds=$seconds kills=$kills work=$work"
[ "$backend" != postgres ] || [ -n "${KEEP:-}" ] || psql -q "$pg_url/postgres" -c "drop database if exists $pg_db" 2>/dev/null || true
exit $status
