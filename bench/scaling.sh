#!/usr/bin/env bash
# Links: lookup cost as the table grows (docs/performance.md, issue 6).
#
# usage: bench/scaling.sh sqlite|postgres [SIZE...]        (default sizes: 10000 1000000)
#
# For one backend: a fresh database, filled by `vetgate-dev generate` (one tenant, seed 1, a
# laptop-farm member every FARM_EVERY-th application) to each SIZE in turn. At each size: a server on
# it (release build, default settings, run from an empty directory: no GeoIP), the re-screen backlog
# the fill queued drained, then REQUESTS sequential POST /v1/applications over one keep-alive
# connection, each a synthetic applicant the database has not seen (the same generator, indices far
# above the fill, so each creates an application whose 5-7 identifier keys are looked up in the full
# index, and every FARM_EVERY-th shares a device and payout account with three others), p50/p90/p99;
# and the plan and timing of the identifier lookup for one stored application's keys. The database
# is dropped at the end unless KEEP=1.
#
# POST_LATENCY=1 also runs bench/post_latency.py (the contract's two examples with a fresh
# external_ref and document number: every request shares its device, phone and payout account with
# all earlier ones under the same name, so it measures that growing set rather than the table).
#
# Environment: BIN (target/release/vetgate), DEV_BIN (target/release/vetgate-dev, from
# `cargo build --release -p vetgate-dev`; under CARGO_TARGET_DIR if set),
# REQUESTS (1000), TENANT (scale), PORT (18095),
# SQLITE_PATH (/tmp/scale.db), PG_URL (postgres://postgres@127.0.0.1:5432), PG_DB (vetgate_scale),
# FARM_EVERY (50), FARMS_UP_TO (no limit: fill steps starting at or above it store no farm members),
# CONCURRENCY (64), SHARED_DIR (../shared) (vetgate refuses unknown VETGATE_* variables, so these
# have other names); START_AT=N continues a database KEEP=1 left with N generated applications
# (give it the same VETGATE_PII_KEY). Needs curl, jq, openssl, python3 and sqlite3 or psql.
set -euo pipefail

backend=${1:?usage: bench/scaling.sh sqlite|postgres [SIZE...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 1000000)

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/target/release/vetgate}
dev_bin=${DEV_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/vetgate-dev}
shared=${SHARED_DIR:-$root/../shared}
requests=${REQUESTS:-1000}
tenant=${TENANT:-scale}
port=${PORT:-18095}
farm_every=${FARM_EVERY:-50}
farms_up_to=${FARMS_UP_TO:-}
concurrency=${CONCURRENCY:-64}
sqlite_path=${SQLITE_PATH:-/tmp/scale.db}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_db=${PG_DB:-vetgate_scale}
[ -x "$dev_bin" ] || { echo "no vetgate-dev at $dev_bin (cargo build --release -p vetgate-dev, or set DEV_BIN)" >&2; exit 2; }

export VETGATE_LOG=${VETGATE_LOG:-warn}
VETGATE_JWT_SECRET=${VETGATE_JWT_SECRET:-$(openssl rand -hex 32)}
VETGATE_PII_KEY=${VETGATE_PII_KEY:-$(openssl rand -hex 32)}
export VETGATE_JWT_SECRET VETGATE_PII_KEY
filled=${START_AT:-0}

case $backend in
sqlite)
  [ "$filled" != 0 ] || rm -f "$sqlite_path" "$sqlite_path-wal" "$sqlite_path-shm"
  export VETGATE_DATABASE_URL="sqlite://$sqlite_path"
  sql() { sqlite3 "$sqlite_path" "$1"; }
  ;;
postgres)
  [ "$filled" != 0 ] || psql -q "$pg_url/postgres" -c "drop database if exists $pg_db" -c "create database $pg_db"
  export VETGATE_DATABASE_URL="$pg_url/$pg_db"
  sql() { psql -qAt "$VETGATE_DATABASE_URL" -c "$1"; }
  ;;
*)
  echo "backend must be sqlite or postgres" >&2
  exit 2
  ;;
esac

work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  if [ "${KEEP:-0}" != 1 ]; then
    case $backend in
    sqlite) rm -f "$sqlite_path" "$sqlite_path-wal" "$sqlite_path-shm" ;;
    postgres) psql -q "$pg_url/postgres" -c "drop database if exists $pg_db" ;;
    esac
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# Sequential POSTs of a JSON Lines file over one keep-alive connection; the same statistics as
# bench/post_latency.py, and the same figures apart for the laptop-farm members (whose lookup hits
# and who queue their farm for re-screening) and for everyone else.
cat >post_jsonl.py <<'EOF'
import http.client, json, sys, time, urllib.parse
base, token, path, farm_every = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
latencies, statuses = {"all": [], "farm": [], "others": []}, {}
for line in open(path, "rb"):
    index = int(json.loads(line)["external_ref"].rsplit("-", 1)[1])
    start = time.perf_counter()
    conn.request("POST", "/v1/applications", line.strip(), headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    latencies["all"].append(elapsed)
    latencies["farm" if farm_every and index % farm_every == 0 else "others"].append(elapsed)
    statuses[response.status] = statuses.get(response.status, 0) + 1
for group, values in latencies.items():
    if not values:
        continue
    values.sort()
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    head = f"requests {len(values)} statuses {statuses}" if group == "all" else f"  {group}: {len(values)}"
    print(f"{head} p50 {pick(0.50):.2f} ms p90 {pick(0.90):.2f} ms p99 {pick(0.99):.2f} ms "
          f"max {values[-1]:.2f} ms")
EOF

# The lookup the screener sends (src/store/backend.rs, identifier_lookup_sql), for the keys of one
# stored application.
lookup_sql() {
  local keys=$1
  echo "select i.key_hash, i.tenant_id, i.application_id, a.external_ref, i.name_key, i.dob_key, \
i.detail_enc, a.base_verdict as verdict from identifiers i join applications a on a.id = i.application_id \
where i.key_hash in ($keys) and i.tenant_id in ('$tenant') limit 256"
}

explain_lookup() {
  local app
  app=$(sql "select application_id from identifiers where tenant_id = '$tenant' and kind = 'device_id' limit 1 offset $(($1 / 2))")
  case $backend in
  sqlite)
    local keys
    keys=$(sql "select group_concat('X''' || hex(key_hash) || '''', ', ') from identifiers where application_id = '$app'")
    printf 'explain query plan %s;\n.timer on\nselect count(*) as rows from (%s);\n' \
      "$(lookup_sql "$keys")" "$(lookup_sql "$keys")" | sqlite3 "$sqlite_path"
    ;;
  postgres)
    local keys
    keys=$(sql "select string_agg('''\\x' || encode(key_hash, 'hex') || '''::bytea', ', ') from identifiers where application_id = '$app'")
    sql "explain (analyze, buffers) $(lookup_sql "$keys")"
    ;;
  esac
}

for size in "${sizes[@]}"; do
  fill_farm_every=$farm_every
  [ -z "$farms_up_to" ] || [ "$filled" -lt "$farms_up_to" ] || fill_farm_every=0
  farms="a farm member every ${fill_farm_every}th"
  [ "$fill_farm_every" != 0 ] || farms="no farm members"
  echo "== $backend: filling to $size ($farms)"
  "$dev_bin" generate --tenant "$tenant" --seed 1 --farm-every "$fill_farm_every" \
    --concurrency "$concurrency" --start "$filled" --count $((size - filled)) 2>&1 | tee fill.log
  filled=$size

  [ "$backend" = postgres ] && sql "analyze"
  VETGATE_LISTEN=127.0.0.1:$port "$bin" serve >serve.log 2>&1 &
  server=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.2
  done
  # Farm members queued each other for re-screening; let the server work the backlog off first.
  while [ "$("$bin" lists status | jq .rescreen_pending)" != 0 ]; do sleep 2; done
  stored=$(sql "select count(*) from applications")
  token=$("$bin" token --tenant "$tenant" --scope applications:write --scope verdicts:read --ttl 2h)
  # Applicants the database has not seen: far above the fill, another range at every size.
  "$dev_bin" generate --jsonl --seed 1 --farm-every "$farm_every" --start $((40000000 + size)) \
    --count "$requests" >requests.jsonl
  echo "== $backend: $stored stored applications, $requests new synthetic applicants"
  python3 post_jsonl.py "http://127.0.0.1:$port" "$token" requests.jsonl "$farm_every"
  if [ "${POST_LATENCY:-0}" = 1 ]; then
    echo "== $backend: bench/post_latency.py (the contract's examples)"
    python3 "$root/bench/post_latency.py" "http://127.0.0.1:$port" "$token" "$shared/contract/examples" "$requests"
  fi
  echo "== $backend: identifier lookup of one stored application at $stored"
  explain_lookup "$size"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
done
