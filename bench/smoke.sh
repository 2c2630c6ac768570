#!/usr/bin/env bash
# CI smoke (issue 7): short versions of the load and crash scripts, on SQLite and PostgreSQL, with
# whatever build BIN points at (CI passes the debug binary `cargo test` built, so no release build
# is needed). Fails when a load request is answered with anything but 2xx or an answered request is
# not stored, or when anything acknowledged before a kill -9 is missing afterwards. About 2 minutes
# here; the figures are not performance figures (debug build), the outcomes are.
#
# usage: bench/smoke.sh        (environment: BIN, default target/debug/vetgate, and DEV_BIN, default the
#                              vetgate-dev beside BIN: `cargo test --workspace` builds both; needs wrk)
# Fuzzing itself (fuzz/smoke.sh) is not part of it: the instrumented build alone takes ~28 min cold.
# `cargo test` replays the committed corpora through the targets' code instead (tests/library/fuzz_corpus.rs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export BIN=${BIN:-$root/target/debug/vetgate}
export DEV_BIN=${DEV_BIN:-$(dirname "$BIN")/vetgate-dev}
command -v wrk >/dev/null || { echo "bench/smoke.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
started=$(date +%s)
for backend in sqlite postgres; do
  echo "== load smoke, $backend (5 s, 16 connections, full lists, no city database)"
  CHECK=1 CITY=0 CONNECTIONS=16 bench/load.sh "$backend" 5 | tail -1
  echo "== crash smoke, $backend (10 s, 2 × kill -9)"
  THREADS=8 bench/crash.sh "$backend" 10 2 | tail -3
done
echo "smoke passed in $(( $(date +%s) - started )) s"
