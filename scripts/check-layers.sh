#!/bin/sh
# Fail when a file includes a header from a higher layer. Floors, top down:
#   bench (the CLI)
#   harness/report -> harness/analysis -> harness/run -> harness/env -> harness/common
#   workloads (the wl binary): harness/common only
# A file may include its own folder and the folders below it, by layer name
# ("env/env.h", "common/err.h"); a bare name is its own folder.
#
# Two checks: the compiler's own view (each file preprocessed with an
# include path that holds only the layers it may use, so every form of
# #include - macros, comments, <> or "" - is judged by what it resolves
# to), and a scan that explains a finding in words. Run by `make test`.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
CC=${CC:-cc}
tmp=$(mktemp -d /tmp/vcb-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM

order="common env run analysis report"
# The layers a folder may use (itself included).
allowed() {
    case "$1" in
    workloads) echo "common" ;;
    bench) echo "$order" ;;
    *) out=""; for l in $order; do out="$out $l"; [ "$l" = "$1" ] && break; done; echo "$out" ;;
    esac
}
rank() {
    i=0
    for l in $order bench; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done
    echo 99
}

bad=0 files=0
for f in harness/*/*.[ch] bench/*.[ch] workloads/*.[ch]; do
    [ -f "$f" ] || continue
    files=$((files + 1))
    case "$f" in harness/*) own=$(echo "$f" | cut -d/ -f2) ;; *) own=$(echo "$f" | cut -d/ -f1) ;; esac
    # An include path holding only what this folder may use.
    inc=$tmp/inc-$own
    if [ ! -d "$inc" ]; then
        mkdir -p "$inc"
        for l in $(allowed "$own"); do ln -s "$top/harness/$l" "$inc/$l"; done
    fi
    if ! $CC -std=c11 -D_GNU_SOURCE -MM -I"$inc" "$f" >/dev/null 2>"$tmp/err"; then
        echo "$f: $(grep -m1 'error' "$tmp/err" | sed 's/^[^ ]* //') - $own may include only:$(allowed "$own")"
        bad=$((bad + 1))
        continue
    fi
    # The words: a path that climbs, or a layer above this one.
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[^"<]*["<]\([^">]*\)[">].*/\1/p' "$f"); do
        case "$h" in
        *..*) echo "$f: includes \"$h\": name headers by their layer, without .."; bad=$((bad + 1)) ;;
        */*)
            l=${h%%/*}
            [ -d "harness/$l" ] || continue           # a system header (<sys/...>, <json-c/...>)
            if [ "$own" = workloads ] && [ "$l" != common ]; then
                echo "$f: includes \"$h\": wl may use harness/common only"; bad=$((bad + 1))
            elif [ "$(rank "$l")" -gt "$(rank "$own")" ]; then
                echo "$f: includes \"$h\": $l is above $own"; bad=$((bad + 1))
            fi ;;
        esac
    done
done
if [ "$bad" -gt 0 ]; then
    echo "layers: $bad include(s) point up or sideways"
    exit 1
fi
echo "layers: $files files, every include points down"
