#!/usr/bin/env bash
# Fuzz smoke test: builds every cargo-fuzz target and runs each for N seconds (default 20), one at a
# time, single job, starting from the committed corpus. New inputs go to a scratch directory, not
# into fuzz/corpus/. Exits non-zero when any target crashes (the reproducer is left in
# fuzz/artifacts/<target>/ and named in the output) or does not build.
#
#   fuzz/smoke.sh            # 20 s per target
#   fuzz/smoke.sh 60         # 60 s per target
#   fuzz/smoke.sh 20 mmdb    # only the named targets
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`, installed here when missing) and, on the
# stable toolchain, RUSTC_BOOTSTRAP=1 for the sanitizer flags (set here).
set -uo pipefail
cd "$(dirname "$0")"

seconds="${1:-20}"
shift || true
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked || exit 2
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz targets found" >&2; exit 2; }

echo "building ${targets[*]}"
cargo fuzz build || { echo "fuzz build failed" >&2; exit 2; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "corpus/$t" "artifacts/$t"
  log="$scratch/$t.log"
  echo "== $t: ${seconds}s"
  # Corpus dirs: the scratch one first (libFuzzer writes new inputs there), then the committed one.
  cargo fuzz run "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|Done )' "$log" | sed 's/^/   /'
  if [ "$rc" -ne 0 ]; then
    echo "!! $t failed (exit $rc):"
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written to|artifact_prefix' "$log" | head -20
    tail -40 "$log"
    failed+=("$t")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz smoke FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz smoke passed: ${targets[*]} (${seconds}s each)"
