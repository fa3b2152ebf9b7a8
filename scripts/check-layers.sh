#!/bin/sh
# Fail when a file includes a header from a higher layer. Floors, top down:
#   bench (the CLI)
#   harness/report -> harness/analysis -> harness/run -> harness/env -> harness/common
#   workloads (the wl binary): harness/common only
# A file may include its own folder and any folder below it. Includes are
# written with their layer ("env/env.h", "common/err.h"); a bare name is the
# file's own folder. Run by `make test` (and `make check-layers`).
set -u
cd "$(dirname "$0")/.." || exit 2

rank() {
    case "$1" in
    common) echo 0 ;; env) echo 1 ;; run) echo 2 ;; analysis) echo 3 ;; report) echo 4 ;;
    bench) echo 5 ;; workloads) echo 9 ;; *) echo -1 ;;
    esac
}

bad=0 files=0
for f in harness/*/*.[ch] bench/*.[ch] workloads/*.[ch]; do
    [ -f "$f" ] || continue
    files=$((files + 1))
    case "$f" in
    harness/*) own=$(echo "$f" | cut -d/ -f2) ;;
    *) own=$(echo "$f" | cut -d/ -f1) ;;
    esac
    mine=$(rank "$own")
    # Every quoted include: "layer/name.h" or a bare "name.h" (own folder).
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        case "$inc" in
        */*) layer=${inc%%/*} ;;
        *) layer=$own ;;
        esac
        case "$inc" in
        ../*|./*) echo "$f: includes \"$inc\": name headers by their layer (e.g. \"common/err.h\")"; bad=$((bad + 1)); continue ;;
        esac
        theirs=$(rank "$layer")
        if [ "$theirs" -lt 0 ]; then
            echo "$f: includes \"$inc\" from an unknown folder"
            bad=$((bad + 1))
        elif [ "$own" = workloads ] && [ "$layer" != workloads ] && [ "$layer" != common ]; then
            echo "$f: includes \"$inc\": wl may use harness/common only"
            bad=$((bad + 1))
        elif [ "$own" != workloads ] && [ "$layer" = workloads ]; then
            echo "$f: includes \"$inc\": the harness must not depend on the workload code (use common/wlmeta.h)"
            bad=$((bad + 1))
        elif [ "$own" != workloads ] && [ "$theirs" -gt "$mine" ]; then
            echo "$f: includes \"$inc\": $layer is above $own"
            bad=$((bad + 1))
        fi
    done
done
if [ "$bad" -gt 0 ]; then
    echo "layers: $bad include(s) point up or sideways"
    exit 1
fi
echo "layers: $files files, every include points down"
