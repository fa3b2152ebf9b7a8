#!/bin/sh
# Are wl's numbers the numbers trusted tools give? Runs, natively on this
# host, the reference tool and wl with the same parameters, interleaved
# (ref, wl, wl, ref, ...), and prints the ratio of medians wl/reference.
#
#   disk:  fio --direct=1 --ioengine=psync --iodepth=1, same file, bs, size
#          and pattern, for the four patterns          (goal: within +/-10%)
#   mem:   mbw memcpy and "dumb" (b[i]=a[i]) copies     (goal: within +/-15%)
#          mbw counts bytes *copied* in MiB/s; STREAM counts bytes read plus
#          bytes written in MB/s (10^6), so  wl_copy / 2 / 1.048576  is the
#          comparable figure.
#   lat:   wl's latency curve with the cache sizes hwloc reports, to show the
#          plateaus at L1, L2, L3 and DRAM.
#
# Usage: bench/fidelity.sh [-n RUNS] [-f FILE] [-s SECONDS]
# Needs fio and mbw (scripts/setup.sh installs them) and build/wl.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
WL=${VCB_WL:-$top/build/wl}
runs=5 file=/var/tmp/vcbench/fidelity.img secs=3
while getopts n:f:s: o; do
    case $o in
        n) runs=$OPTARG ;; f) file=$OPTARG ;; s) secs=$OPTARG ;;
        *) echo "usage: $0 [-n RUNS] [-f FILE] [-s SECONDS]" >&2; exit 2 ;;
    esac
done
for t in fio mbw "$WL"; do
    command -v "$t" >/dev/null || { echo "fidelity: $t not found; run 'make setup' and 'make'" >&2; exit 3; }
done
mkdir -p "$(dirname "$file")"
size=256M bs=4k
tmp=$(mktemp -d /tmp/vcb-fidelity.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
metric() { awk -v m="$1" '$1 == "vcb1" && $2 == "metric" && $3 == "name=" m { sub("value=", "", $6); print $6 }'; }

# Fill the file once, untimed (wl fills it to --size with real data).
"$WL" disk --file "$file" --size $size --ms 1 >/dev/null

fio_iops() {   # pattern -> IOPS (terse v3: field 8 read IOPS, 49 write IOPS)
    case $1 in seqread) rw=read ;; seqwrite) rw=write ;; *) rw=$1 ;; esac
    fio --name=ref --filename="$file" --size=$size --bs=$bs --rw=$rw --direct=1 --ioengine=psync \
        --iodepth=1 --runtime="$secs" --time_based --output-format=terse --terse-version=3 2>/dev/null |
        awk -F';' -v w="$1" '{ print (w ~ /write/) ? $49 : $8 }'
}
wl_iops() {
    "$WL" disk --file "$file" --size $size --bs $bs --pattern "$1" --seconds "$secs" | metric "$1_iops"
}

echo "fidelity: $runs interleaved runs each, file $file ($size), bs $bs, ${secs}s per run"
printf '%-12s %14s %14s %8s  %s\n' "test" "reference" "wl" "wl/ref" "goal"
for p in randread randwrite seqread seqwrite; do
    : > "$tmp/ref" ; : > "$tmp/wl"
    i=0
    while [ $i -lt "$runs" ]; do
        if [ $((i % 2)) -eq 0 ]; then fio_iops $p >> "$tmp/ref"; wl_iops $p >> "$tmp/wl"
        else wl_iops $p >> "$tmp/wl"; fio_iops $p >> "$tmp/ref"; fi
        i=$((i + 1))
    done
    r=$(median < "$tmp/ref") w=$(median < "$tmp/wl")
    awk -v p="$p" -v r="$r" -v w="$w" 'BEGIN { x = w / r; printf "%-12s %10.0f IO/s %10.0f IO/s %8.3f  %s\n", \
        "disk " p, r, w, x, (x > 0.9 && x < 1.1) ? "ok (+/-10%)" : "OUTSIDE +/-10%" }'
done

msize=$((256 * 1024 * 1024))
mib=$((msize / 1048576))
for method in 0:memcpy 1:dumb; do
    t=${method%%:*} name=${method#*:}
    : > "$tmp/ref" ; : > "$tmp/wl"
    i=0
    while [ $i -lt "$runs" ]; do
        # Best of mbw's iterations, as STREAM (and wl) report the best time.
        mbw -n 5 -t"$t" -q "$mib" | awk '!/^AVG/ { for (k = 1; k <= NF; k++) if ($k == "Copy:" && $(k + 1) > b) b = $(k + 1) }
            END { print b }' >> "$tmp/ref"
        "$WL" mem --part bw --size $msize --ntimes 5 | metric copy_bw | awk '{ print $1 / 2 / 1.048576 }' >> "$tmp/wl"
        i=$((i + 1))
    done
    r=$(median < "$tmp/ref") w=$(median < "$tmp/wl")
    awk -v n="$name" -v r="$r" -v w="$w" 'BEGIN { x = w / r; printf "%-12s %9.0f MiB/s %9.0f MiB/s %8.3f  %s\n", \
        "mem " n, r, w, x, (x > 0.85 && x < 1.15) ? "ok (+/-15%)" : "OUTSIDE +/-15%" }'
done

echo
echo "latency curve (ns per dependent load) and the caches hwloc reports:"
lstopo-no-graphics --no-io --of console 2>/dev/null | grep -o 'L[0-9][di]* L#0 ([^)]*)' | sed 's/ L#0//; s/^/  /' | sort -u || true
"$WL" mem --part lat --size 128M --accesses 1M |
    awk '$1 == "vcb1" && $2 == "metric" { sub("name=lat_", "", $3); sub("value=", "", $6); printf "  %-6s %8.2f ns\n", $3, $6 }'
