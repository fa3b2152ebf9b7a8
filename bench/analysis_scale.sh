#!/bin/sh
# How the analysis scales with the rows a results directory holds. Builds
# raw.csv files of 1.6k, 16k, 160k and 1.6M rows from a real run (the
# committed reference: the same series, more repetitions; every copy's
# values scaled by a small factor so repetitions are not identical), then
# times, for each, the floor - `vcbench check`, which only reads the file -
# and `summary`, `report`, `compare` (the file against itself) and
# `history` (ten copies as ten runs), and prints each as a multiple of the
# floor. History reads ten runs that hold the same rows between them.
#
# usage: bench/analysis_scale.sh [-s SIZES] [-r RUN_DIR]
#   -s "1 10 100 1000"  copies of the run (1 = 1,600 rows for the reference)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
V=${VCB_BIN:-$top/build/vcbench}
src=$top/results/reference sizes="1 10 100 1000"
while getopts s:r: o; do
    case $o in
    s) sizes=$OPTARG ;; r) src=$OPTARG ;;
    *) echo "usage: $0 [-s SIZES] [-r RUN_DIR]" >&2; exit 2 ;;
    esac
done
tmp=$(mktemp -d /tmp/vcb-scale.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM

# Copy k of the run: repetitions renumbered after the run's, values times
# (1 + k/10000) so the bootstrap sees distinct numbers.
build() {
    awk -F, -v OFS=, -v copies="$1" '
        NR == 1 { print; next }
        { line[++n] = $0 }
        END {
            for (k = 0; k < copies; k++)
                for (i = 1; i <= n; i++) {
                    split(line[i], f, ",")
                    $0 = line[i]
                    $8 = $8 + 1000 * k
                    if ($13 != "") $13 = $13 * (1 + k / 10000)
                    print
                }
        }' "$src/raw.csv"
}

t() {   # seconds a command takes (its output discarded)
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s.%N)
    awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0fx", (b > 0 ? a / b : 0) }'; }

printf '%10s %8s %16s %16s %16s %16s\n' rows check summary report compare "history (10 runs)"
for c in $sizes; do
    d=$tmp/c$c
    mkdir -p "$d"
    build "$c" > "$d/raw.csv"
    cp "$src/run.json" "$d/" 2>/dev/null
    rows=$(($(wc -l < "$d/raw.csv") - 1))
    floor=$(t "$V" check "$d")
    sum=$(t "$V" summary "$d")
    rep=$(t "$V" report "$d")
    cmpt=$(t "$V" compare "$d" "$d" --allow failed,missing)
    # History: ten runs holding these rows between them (a tenth each; at
    # least one copy), against the time to read those ten files.
    per=$((c / 10)); [ $per -ge 1 ] || per=1
    build "$per" > "$d/one.csv"
    hfloor=0
    for k in 0 1 2 3 4 5 6 7 8 9; do
        mkdir -p "$d/h/r$k"
        sed "s/^\(vcbench-raw-[12]\),\([^,]*\),/\1,\2-h$k,/" "$d/one.csv" > "$d/h/r$k/raw.csv"
        hfloor=$(awk -v a="$hfloor" -v b="$(t "$V" check "$d/h/r$k")" 'BEGIN { print a + b }')
    done
    hrows=$((10 * ($(wc -l < "$d/one.csv") - 1)))
    hist=$(t "$V" history "$d/h")
    printf '%10s %7ss %8ss (%4s) %8ss (%4s) %8ss (%4s) %8ss (%4s) %s rows\n' "$rows" "$floor" \
        "$sum" "$(ratio "$sum" "$floor")" "$rep" "$(ratio "$rep" "$floor")" \
        "$cmpt" "$(ratio "$cmpt" "$floor")" "$hist" "$(ratio "$hist" "$hfloor")" "$hrows"
    rm -rf "$d"
done
echo "in parentheses: the multiple of the time to just read the file (vcbench check); history: of reading its ten files, which hold the rows shown"
