#!/bin/sh
# Run libFuzzer harnesses (build/fuzz/fuzz_<name>) for SECONDS each over
# their corpus in tests/fuzz/corpus/<name>.
#   scripts/fuzz.sh [--merge] SECONDS NAME...
# New inputs go to a scratch directory; with --merge (make fuzz) the ones
# that add coverage are merged into the repository's corpus afterwards.
# Exit 1 when a harness crashes (the input is kept in build/fuzz/).
set -u
merge=0
[ "${1:-}" = "--merge" ] && { merge=1; shift; }
secs=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${VCB_FUZZ_BIN:-$top/build/fuzz}
fail=0 scratch=/nonexistent
trap 'rm -rf "$scratch" "$scratch.log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for name in "$@"; do
    scratch=$(mktemp -d /tmp/vcb-fuzz.XXXXXX)
    corpus=$top/tests/fuzz/corpus/$name
    mkdir -p "$corpus"
    "$bin/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$bin/crash-$name-" \
        -rss_limit_mb=1024 -timeout=10 "$scratch" "$corpus" >"$scratch.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch.log")
    cov=$(grep -o 'cov: [0-9]*' "$scratch.log" | tail -1)
    if [ $rc -ne 0 ]; then
        echo "fuzz $name: FAILED after ${runs:-?} executions"
        grep -E 'ERROR|SUMMARY|Test unit written' "$scratch.log" | head -5
        fail=1
    else
        echo "fuzz $name: ${runs:-?} executions in ${secs}s, $cov, no crash"
    fi
    if [ $merge -eq 1 ] && [ $rc -eq 0 ]; then
        "$bin/fuzz_$name" -merge=1 "$corpus" "$scratch" >/dev/null 2>&1
    fi
    rm -rf "$scratch" "$scratch.log"
done
exit $fail
