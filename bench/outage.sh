#!/usr/bin/env bash
# Database outage (issue 7, docs/reliability.md): stop PostgreSQL under load, start it again.
# During the outage requests must get 503 problem+json quickly (no hangs, no 500s); afterwards the
# service must recover without a restart; nothing acknowledged may be lost.
#
# usage: bench/outage.sh [BEFORE] [OUTAGE] [AFTER]      (seconds; defaults 10 10 15)
#
# Stops the machine's PostgreSQL cluster itself (pg_ctlcluster … stop -m fast, then start), so run it
# where nothing else needs that database at the time (not in CI). Load: bench/acked_load.py with
# THREADS (16) threads, synthetic applications from `vetgate-dev generate --jsonl`; a 503 is sent
# again after 20 ms, so the outage is hammered the whole time. Besides the load's own summary, a
# probe reads the application list (GET /v1/applications) every 100 ms and records each answer's status, content type and time, so the
# outage's answers can be read on their own.
#
# Environment: BIN (target/release/vetgate), DEV_BIN (target/release/vetgate-dev, from
# `cargo build --release -p vetgate-dev`; under CARGO_TARGET_DIR if set),
# PORT (18098), THREADS (16), PG_URL
# (postgres://postgres@127.0.0.1:5432), PG_DB (vetgate_outage), WORK (a fresh temporary directory).
set -euo pipefail

before=${1:-10}
outage=${2:-10}
after=${3:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/target/release/vetgate}
dev_bin=${DEV_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/vetgate-dev}
port=${PORT:-18098}
threads=${THREADS:-16}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_db=${PG_DB:-vetgate_outage}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
url=http://127.0.0.1:$port
cluster="$(ls /etc/postgresql) main"
[ -x "$dev_bin" ] || { echo "no vetgate-dev at $dev_bin (cargo build --release -p vetgate-dev, or set DEV_BIN)" >&2; exit 2; }

export VETGATE_LOG=${VETGATE_LOG:-warn} VETGATE_LISTEN=127.0.0.1:$port
VETGATE_JWT_SECRET=$(openssl rand -hex 32)
VETGATE_PII_KEY=$(openssl rand -hex 32)
export VETGATE_JWT_SECRET VETGATE_PII_KEY
psql -q "$pg_url/postgres" -c "drop database if exists $pg_db" -c "create database $pg_db"
export VETGATE_DATABASE_URL="$pg_url/$pg_db"

server= load= probe=
cleanup() {
  pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $cluster start || true
  for pid in $server $load $probe; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

total=$((before + outage + after))
"$dev_bin" generate --jsonl --seed 11 --count $((total * 3000)) >"$work/bodies.jsonl"
token=$("$bin" token --tenant outage --scope applications:write --scope verdicts:read --ttl 2h)
(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 200); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.05; done

: >"$work/acked.log"
python3 "$root/bench/acked_load.py" load "$url" "$token" "$work/bodies.jsonl" "$work/acked.log" \
  --seconds "$total" --threads "$threads" >"$work/load.json" &
load=$!
# One request every 100 ms, outside the load: status, content type, seconds taken, wall time.
python3 - "$url" "$token" "$work/probe.log" "$total" <<'EOF' &
import sys, time, urllib.request, urllib.error
url, token, out, total = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
end = time.time() + total
with open(out, "w", buffering=1) as log:
    while time.time() < end:
        started = time.time()
        request = urllib.request.Request(url + "/v1/applications?limit=1", headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                status, ctype = r.status, r.headers.get("Content-Type")
        except urllib.error.HTTPError as e:
            status, ctype = e.code, e.headers.get("Content-Type")
        except Exception as e:
            status, ctype = 0, type(e).__name__
        log.write(f"{started:.3f}\t{status}\t{ctype}\t{time.time() - started:.4f}\n")
        time.sleep(0.1)
EOF
probe=$!

sleep "$before"
acked_before=$(wc -l <"$work/acked.log")
down_at=$(date +%s.%N)
pg_ctlcluster --skip-systemctl-redirect $cluster stop -m fast
echo "PostgreSQL stopped with $acked_before acknowledged"
sleep "$outage"
acked_during=$(wc -l <"$work/acked.log")
up_at=$(date +%s.%N)
pg_ctlcluster --skip-systemctl-redirect $cluster start
echo "PostgreSQL started again ($((acked_during - acked_before)) acknowledged while it was down)"
wait "$load"
load=
wait "$probe" || true
probe=
acked_end=$(wc -l <"$work/acked.log")
verify=$(python3 "$root/bench/acked_load.py" verify "$url" "$token" "$work/acked.log") && status=0 || status=$?
ready_again=$(awk -v up="$up_at" '$1 > up && $2 == 200 { print $1 - up; exit }' "$work/probe.log")
echo "load: $(cat "$work/load.json")"
echo "GET /v1/applications during the outage (status content-type count, slowest answer in s):"
awk -v down="$down_at" -v up="$up_at" '$1 > down + 0.5 && $1 < up { n[$2 " " $3]++; if ($4 > m) m = $4 }
  END { for (k in n) print "  " k, n[k]; print "  slowest", m }' "$work/probe.log"
echo "acknowledged: before $acked_before, during $((acked_during - acked_before)), after $((acked_end - acked_during)); reads answered 200 again ${ready_again:-never} s after the start"
echo "verify: $verify"
echo "server still running: $(kill -0 "$server" 2>/dev/null && echo yes || echo no); work=$work"
psql -q "$pg_url/postgres" -c "drop database if exists $pg_db" 2>/dev/null || true
exit $status
