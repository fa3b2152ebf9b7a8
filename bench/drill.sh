#!/bin/sh
# The interrupt drill: runs the default matrix (every environment) again and
# again and interrupts it at a random moment - SIGINT most times, SIGKILL
# some - then checks what a user would: no QEMU, cgroup, mount, OCI
# container, scratch dir or stale lock left (after a SIGKILL: once the next
# run on the same state dir has swept), the exit code and time of a SIGINT,
# and that raw.csv of every interrupted run loads and holds every launch
# the run reported as finished.
#
# usage: bench/drill.sh [-i SIGINTS] [-k SIGKILLS] [-t MAX_SECONDS] [-f FRESH_EVERY] [-s SEED]
#   -i 20 -k 10   interrupts of each kind (the issue's drill)
#   -t 12         interrupt 1..T s after the start
#   -f 10         start from an empty state dir every F trials (libvirt's
#                 capability probe, the slowest moment, is interrupted too)
# Needs root. Prints one line per trial and a summary; exit 1 on any finding.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
V=${VCB_BIN:-$top/build/vcbench}
ints=20 kills=10 tmax=12 fresh=10 seed=$$
while getopts i:k:t:f:s: o; do
    case $o in
    i) ints=$OPTARG ;; k) kills=$OPTARG ;; t) tmax=$OPTARG ;; f) fresh=$OPTARG ;; s) seed=$OPTARG ;;
    *) echo "usage: $0 [-i N] [-k N] [-t S] [-f N] [-s SEED]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "drill: needs root (containers, guests)" >&2; exit 3; }
state=/var/tmp/vcbench-drill
out=$(mktemp -d /tmp/vcb-drill.XXXXXX)
trap 'rm -rf "$out"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM
envs=native,container,vm,oci-runc,oci-crun
# Small sizes: the drill is about the plumbing at every moment, not figures.
sets="--set cpu.int-bytes=4M --set cpu.fp-reps=2 --set mem.size=4M --set mem.ntimes=1 --set mem.accesses=64K
--set disk.ms=100 --set disk.pattern=randread"

# The leftovers a run of this state dir could have made, one per line.
leftovers() {
    pgrep -af "qemu-system.*$state" | grep -v pgrep | sed 's/^/qemu: /' | cut -c1-120
    for d in /sys/fs/cgroup/*/vcbench.* /sys/fs/cgroup/vcbench.*; do [ -e "$d" ] && echo "cgroup: $d"; done
    grep -E "vcbench|$state" /proc/mounts | sed 's/^/mount: /'
    ls -d "$state"/run-* 2>/dev/null | sed 's/^/scratch: /'
    ls /tmp | grep '^vcbench-doctor' | sed 's/^/tmp: /'
    for rt in runc crun; do
        command -v $rt >/dev/null && $rt list -q 2>/dev/null | grep '^vcbench-' | sed "s/^/$rt: /"
    done
    for l in "$state"/runs/*.lock; do
        [ -e "$l" ] || continue
        # A lock nobody holds is a run that died unswept.
        flock -n "$l" true 2>/dev/null && echo "stale lock: $l"
    done
}

# raw.csv loads (whatever the run got to) and holds as many ok launches as
# the run said finished ("N ok, M failed" on stderr, SIGINT only).
raw_check() {
    dir=$1 log=$2
    [ -f "$dir/raw.csv" ] || { echo ok; return; }      # interrupted before the first launch
    "$V" summary "$dir" >/dev/null 2>"$out/sum.err"
    if [ $? -ne 0 ] && ! grep -q "no measured rows" "$out/sum.err"; then
        echo "raw.csv does not load: $(cat "$out/sum.err")"
        return
    fi
    said=$(sed -n 's/^vcbench: \([0-9]*\) ok, .*/\1/p' "$log")
    if [ -n "$said" ]; then
        have=$(awk -F, 'NR > 1 && $14 == "ok" { print $9 }' "$dir/raw.csv" | sort -u | wc -l)
        [ "$have" -ge "$said" ] || { echo "raw.csv holds $have ok launches, the run said $said"; return; }
    fi
    echo ok
}

# The next pseudo-random number below $1 in $r (no subshell: the seed must
# advance).
rand() { seed=$(( (seed * 1103515245 + 12345) % 2147483648 )); r=$(( (seed / 65536) % $1 )); }

total=$((ints + kills)) i=0 n_int=0 n_kill=0 bad=0 slow=0 maxexit=0
rm -rf "$state"
echo "drill: $ints SIGINT + $kills SIGKILL over --envs $envs, state dir $state"
while [ $i -lt $total ]; do
    [ $i -gt 0 ] && [ $((i % fresh)) -eq 0 ] && rm -rf "$state"
    # Spread the SIGKILLs evenly among the SIGINTs.
    if [ $n_kill -lt $kills ] && [ $(( (i + 1) * kills / total )) -gt $n_kill ]; then sig=KILL; else sig=INT; fi
    rand $((tmax * 10 - 9))
    at=$((r + 10))                                    # 1.0 .. tmax s, in tenths
    dir=$out/t$i
    # shellcheck disable=SC2086
    "$V" run --envs $envs --profile quick --runs 3 --warmup 0 $sets --disk-size 16M \
        --state-dir "$state" --out "$dir" >/dev/null 2>"$out/log$i" &
    pid=$!
    sleep "$(echo $at | sed 's/.$/.&/;s/^\./0./')"
    t0=$(date +%s.%N)
    kill -$sig $pid 2>/dev/null
    { wait $pid; } 2>/dev/null
    rc=$?
    t1=$(date +%s.%N)
    took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    finding=""
    if [ $sig = INT ]; then
        n_int=$((n_int + 1))
        # 130 interrupted; 0/1 when the run had just finished anyway.
        case $rc in 130|0|1) ;; *) finding="exit $rc ($(tail -1 "$out/log$i"))" ;; esac
        awk -v t="$took" 'BEGIN { exit !(t > 2) }' && { slow=$((slow + 1)); finding="$finding; took ${took}s to exit"; }
        awk -v t="$took" -v m="$maxexit" 'BEGIN { exit !(t > m) }' && maxexit=$took
    else
        n_kill=$((n_kill + 1))
        # The next run on the state dir sweeps what the killed one left.
        "$V" run --envs native --workloads startup --runs 1 --warmup 0 --state-dir "$state" \
            --out "$out/sweep$i" >/dev/null 2>&1
    fi
    left=$(leftovers)
    [ -n "$left" ] && finding="$finding; left: $(echo "$left" | tr '\n' ' ')"
    raw=$(raw_check "$dir" "$out/log$i")
    [ "$raw" != ok ] && finding="$finding; $raw"
    rows=$(($(wc -l <"$dir/raw.csv" 2>/dev/null || echo 1) - 1))
    printf 'trial %2d  SIG%-4s at %4.1fs  exit %3d in %5.2fs  raw rows %4d  %s\n' \
        $i $sig "$(awk -v a="$at" 'BEGIN { print a / 10 }')" $rc "$took" $rows "${finding:-clean}"
    [ -n "$finding" ] && bad=$((bad + 1))
    # Clean up by exact path before the next trial, whatever was found.
    for d in /sys/fs/cgroup/*/vcbench.*/* /sys/fs/cgroup/*/vcbench.* /sys/fs/cgroup/vcbench.*/* /sys/fs/cgroup/vcbench.*; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    i=$((i + 1))
done
rm -rf "$state"
echo "drill: $n_int SIGINT (slowest exit ${maxexit}s, $slow over 2 s), $n_kill SIGKILL; trials with findings: $bad"
[ $bad -eq 0 ]
