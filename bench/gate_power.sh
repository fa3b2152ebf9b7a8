#!/bin/sh
# How good is the CI gate on this host? Three measurements, each from real
# runs (nothing synthetic, no rows edited):
#
#   power  (-p N)  N trials of `vcbench ab` on native and container, the cpu
#                  workload, 10 runs a side, where arm B does 5% more work per
#                  repetition (--set cpu.int-bytes, 5% more bytes to hash):
#                  how often the gate exits 1 with int_time a regression.
#   a/a    (-A N)  N trials in the power test's set-up (native, container,
#                  cpu, 10 runs a side) with two identical arms: how often
#                  the gate exits 1 (a false alarm).
#   a/a    (-a N)  N trials of `vcbench ab` with two identical arms over the
#                  whole matrix (every environment, every workload) in
#                  profile P (-P, default quick): how often it raises a
#                  false alarm (exit 1).
#   mde    (-m)    one identical-arms run in the ci profile over the whole
#                  matrix: the smallest change the gate resolves (its MDE)
#                  per headline metric and environment, and how long the
#                  profile takes.
#
# usage: bench/gate_power.sh [-p N] [-A N] [-a N] [-P PROFILE] [-m] [-e ENVS]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
V=${VCB_BIN:-$top/build/vcbench}
power=0 aa=0 aap=0 mde=0 profile=quick envs=native,container,vm,oci-runc,oci-crun
while getopts p:A:a:P:me: o; do
    case $o in
    p) power=$OPTARG ;; A) aap=$OPTARG ;; a) aa=$OPTARG ;; P) profile=$OPTARG ;; m) mde=1 ;; e) envs=$OPTARG ;;
    *) echo "usage: $0 [-p N] [-A N] [-a N] [-P PROFILE] [-m] [-e ENVS]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "gate_power: needs root (containers, guests)" >&2; exit 3; }
tmp=$(mktemp -d /tmp/vcb-gate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM
# The quick profile hashes 32 MiB per repetition; arm B 5% more.
base_bytes=33554432
more_bytes=$((base_bytes * 105 / 100))

if [ "$power" -gt 0 ]; then
    caught=0 i=0
    echo "power: $power trials, native+container, cpu, 10 runs a side, B hashes $more_bytes bytes instead of $base_bytes"
    while [ $i -lt "$power" ]; do
        "$V" ab --envs native,container --workloads cpu --runs 10 --warmup 1 --seed $((i + 1)) \
            --a label=base --b label=slow --b set=cpu.int-bytes=$more_bytes --out "$tmp/p$i" \
            >"$tmp/p$i.txt" 2>/dev/null
        rc=$?
        line=$(grep -E '^(native|container) +cpu +int_time' "$tmp/p$i.txt" | awk '{ printf "%s %s %s; ", $1, $6, $NF }')
        if [ $rc -eq 1 ] && grep -qE '^(native|container) +cpu +int_time .*REGRESSION' "$tmp/p$i.txt"; then
            caught=$((caught + 1))
        fi
        echo "  trial $i: exit $rc  int_time: $line"
        rm -rf "$tmp/p$i"
        i=$((i + 1))
    done
    echo "power: a real 5% slowdown caught in $caught of $power trials"
fi

if [ "$aap" -gt 0 ]; then
    alarms=0 i=0 codes=""
    echo "a/a (power set-up): $aap trials, native+container, cpu, 10 runs a side, identical arms"
    while [ $i -lt "$aap" ]; do
        "$V" ab --envs native,container --workloads cpu --runs 10 --warmup 1 --seed $((i + 101)) \
            --a label=a --b label=b --out "$tmp/q$i" >"$tmp/q$i.txt" 2>/dev/null
        rc=$?
        [ $rc -eq 1 ] && alarms=$((alarms + 1))
        codes="$codes $rc"
        line=$(grep -E '^(native|container) +cpu +int_time' "$tmp/q$i.txt" | awk '{ printf "%s %s %s; ", $1, $6, $NF }')
        echo "  trial $i: exit $rc  int_time: $line"
        grep REGRESSION "$tmp/q$i.txt" | sed 's/^/    /'
        rm -rf "$tmp/q$i"
        i=$((i + 1))
    done
    echo "a/a (power set-up): false alarms (exit 1) in $alarms of $aap trials; exit codes:$codes"
fi

if [ "$aa" -gt 0 ]; then
    alarms=0 i=0 codes=""
    echo "a/a: $aa trials, identical arms, --envs $envs, profile $profile"
    while [ $i -lt "$aa" ]; do
        start=$(date +%s)
        "$V" ab --envs "$envs" --profile "$profile" --seed $((i + 1)) --a label=a --b label=b --out "$tmp/a$i" \
            >"$tmp/a$i.txt" 2>"$tmp/a$i.err"
        rc=$?
        [ $rc -eq 1 ] && alarms=$((alarms + 1))
        codes="$codes $rc"
        echo "  trial $i: exit $rc in $(($(date +%s) - start)) s: $(tail -3 "$tmp/a$i.txt" | head -1)"
        # Not a verdict (bad usage, host trouble): say why.
        [ $rc -eq 2 ] || [ $rc -eq 3 ] && tail -2 "$tmp/a$i.err" | sed 's/^/    /'
        grep REGRESSION "$tmp/a$i.txt" | sed 's/^/    /'
        rm -rf "$tmp/a$i"
        i=$((i + 1))
    done
    echo "a/a: false alarms (exit 1) in $alarms of $aa trials; exit codes:$codes"
fi

if [ "$mde" -eq 1 ]; then
    start=$(date +%s)
    "$V" ab --envs "$envs" --profile ci --a label=a --b label=b --out "$tmp/ci" >"$tmp/ci.txt" 2>"$tmp/ci.err"
    rc=$?
    took=$(($(date +%s) - start))
    echo "mde: profile ci, identical arms, --envs $envs: exit $rc in ${took} s (both arms: one ci run takes about half)"
    echo "  the smallest change the gate resolves, per headline metric (MDE at alpha 0.01, power 0.8):"
    for m in cpu:int_time cpu:fp_time mem:triad_bw mem:lat_16M disk:randread_iops disk:seqwrite_mbps \
             startup:ready_ms startup:total_ms; do
        grep -E "^[a-z-]+ +${m%%:*} +${m#*:} " "$tmp/ci.txt" | awk '{ printf "    %-10s %-8s %-15s MDE %s  (%s)\n", $1, $2, $3, $(NF-1), $NF }'
    done
fi
