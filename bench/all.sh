#!/usr/bin/env bash
# Everything issue 7 measures, one after another, and one summary table at the end.
#
# usage: bench/all.sh            (about 12 min here; OUTAGE=1 also stops and starts the machine's
#                                 PostgreSQL for bench/outage.sh, so only where nothing else needs it)
#
# 1. criterion: the whole in-process pipeline (cargo bench --bench screening -- pipeline/full)
# 2. bench/load.sh on SQLite and PostgreSQL (20 s, 64 connections, full lists, city database)
# 3. bench/crash.sh on both (30 s, 5 × kill -9)
# 4. bench/outage.sh (with OUTAGE=1)
# 5. bench/schemathesis.sh (300 examples per operation)
# Needs release builds (cargo build --release; cargo build --release -p vetgate-dev), wrk, python3,
# schemathesis, PostgreSQL.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$(mktemp -d)
rows=()
row() { rows+=("| $1 | $2 |"); }

echo "== criterion: pipeline/full"
cargo bench -q --bench screening -- "pipeline/full" 2>/dev/null | tee "$out/criterion.txt" | grep -E "^pipeline|time:"
while IFS='|' read -r name time; do
  row "criterion $name" "$time"
done < <(awk '/^pipeline\/full/ { name = $0 } /time:/ && name { match($0, /\[.*\]/); print name "|" substr($0, RSTART, RLENGTH); name = "" }' "$out/criterion.txt")

for backend in sqlite postgres; do
  echo "== load, $backend"
  line=$(bench/load.sh "$backend" 20 2>/dev/null | tail -1)
  echo "$line"
  row "load $backend (req/s, p50, p99, non-2xx, stored, /healthz, ratio, RSS idle, RSS peak)" \
    "$(echo "$line" | cut -d'|' -f5-13 | tr -s ' ' | sed 's/|/;/g')"
done

for backend in sqlite postgres; do
  echo "== crash, $backend"
  bench/crash.sh "$backend" 30 5 >"$out/crash-$backend.txt" 2>/dev/null
  status=$?
  row "crash $backend (kill -9 × 5 under load)" "$(grep '^verify' "$out/crash-$backend.txt" | cut -c9-) exit $status"
done

if [ -n "${OUTAGE:-}" ]; then
  echo "== outage"
  bench/outage.sh 10 10 15 >"$out/outage.txt" 2>/dev/null
  status=$?
  row "PostgreSQL outage: load statuses" "$(grep '^load' "$out/outage.txt" | grep -o '"statuses": {[^}]*}')"
  row "PostgreSQL outage: recovery" "$(grep '^acknowledged' "$out/outage.txt"); exit $status"
fi

echo "== schemathesis"
bench/schemathesis.sh 300 >"$out/st.txt" 2>&1
row "schemathesis" "$(grep -E '^requests sent' "$out/st.txt"); $(grep -E '[0-9]+ generated, ' "$out/st.txt" | xargs)"

echo
echo "| measurement | result |"
echo "|---|---|"
printf '%s\n' "${rows[@]}"
echo "(outputs in $out)"
