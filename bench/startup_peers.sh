#!/bin/sh
# Cold start of vcbench's container next to the OCI runtimes, the container
# engines people run, unshare(1) and (with -m) the VM, measured in one run:
# launch call to the exit of a no-op `wl startup`.
#
#   vcbench container, oci-runc, oci-crun, docker, podman, containerd (those
#   installed), vm (-m): one `vcbench run` interleaves them
#   (seeded random order per round), each timed by the harness on the same
#   clock points: t0 before the launch call, exit = `end` line seen,
#   total = exit + everything torn down (process reaped, cgroup removed).
#   unshare: `unshare --fork --pid --mount --uts --ipc --net --root=ROOTFS
#   /wl startup`, timed around fork+exec+wait from a shell, in blocks
#   alternating with the vcbench rounds (so it also pays a shell fork).
#
#   The engines' one-time costs (a daemon vcbench started, the image import)
#   are printed apart: they are paid once per run, not per launch.
#
# Usage: bench/startup_peers.sh [-n RUNS] [-m]   (default 30; needs root)
# Prints medians and the ratio of each peer to vcbench's container.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
V=${VCB_BIN:-$top/build/vcbench}
W=${VCB_WL:-$top/build/wl}
runs=30 vm=
while getopts n:m o; do
    case $o in n) runs=$OPTARG ;; m) vm=,vm ;; *) echo "usage: $0 [-n RUNS] [-m]" >&2; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "startup_peers: containers need root" >&2; exit 3; }
tmp=$(mktemp -d /tmp/vcb-peers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM

envs=container
for p in runc crun; do command -v $p >/dev/null && envs="$envs,oci-$p"; done
for pc in docker:docker podman:podman containerd:ctr; do
    command -v "${pc#*:}" >/dev/null && envs="$envs,${pc%%:*}"
done
envs=$envs$vm

mkdir -p "$tmp/rootfs/proc" && cp "$W" "$tmp/rootfs/wl"
: > "$tmp/unshare.ms"
blocks=3
per=$(( (runs + blocks - 1) / blocks ))
b=0
while [ $b -lt $blocks ]; do
    "$V" run --envs "$envs" --workloads startup --runs "$per" --warmup 2 --seed $((b + 1)) \
        --out "$tmp/run$b" 2>"$tmp/err" || { echo "startup_peers: vcbench run failed: $(tail -1 "$tmp/err")" >&2; exit 1; }
    i=0
    while [ $i -lt "$per" ]; do
        s=$(date +%s%N)
        unshare --fork --pid --mount --uts --ipc --net --root="$tmp/rootfs" /wl startup >/dev/null
        e=$(date +%s%N)
        echo "$s $e" | awk '{ printf "%.3f\n", ($2 - $1) / 1e6 }' >> "$tmp/unshare.ms"
        i=$((i + 1))
    done
    b=$((b + 1))
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() {   # env metric -> values from every block's raw.csv
    for f in "$tmp"/run*/raw.csv; do
        awk -F, -v e="$1" -v m="$2" '$5 == e && $10 == m && $14 == "ok" { print $13 }' "$f"
    done
}
base_exit=$(col container exit_ms | median)
base_total=$(col container total_ms | median)
printf '%-12s %5s %12s %12s %14s\n' env n "exit p50 ms" "total p50 ms" "total / ours"
for env in $(echo "$envs" | tr , ' '); do
    n=$(col "$env" total_ms | wc -l)
    ex=$(col "$env" exit_ms | median) to=$(col "$env" total_ms | median)
    awk -v e="$env" -v n="$n" -v x="$ex" -v t="$to" -v b="$base_total" \
        'BEGIN { printf "%-12s %5d %12.3f %12.3f %14.2f\n", e, n, x, t, t / b }'
done
un=$(median < "$tmp/unshare.ms")
awk -v n="$(wc -l < "$tmp/unshare.ms")" -v t="$un" -v b="$base_total" \
    'BEGIN { printf "%-12s %5d %12s %12.3f %14.2f\n", "unshare(1)", n, "-", t, t / b }'
echo
# Where an engine's launch goes: its create command, then start attached to
# wl ready, then its remove command; and what it paid once per run.
for env in docker podman containerd; do
    case ",$envs," in *",$env,"*) ;; *) continue ;; esac
    cr=$(col "$env" "${env}_create_ms" | median) rd=$(col "$env" ready_ms | median)
    rm=$(col "$env" "${env}_rm_ms" | median)
    dm=$(col "$env" "${env}_daemon_ms" | sort -u) im=$(col "$env" "${env}_import_ms" | sort -u)
    [ -z "$dm" ] || dm=$(echo "$dm" | median)
    [ -z "$im" ] || im=$(echo "$im" | median)
    awk -v e="$env" -v c="$cr" -v r="$rd" -v m="$rm" -v d="$dm" -v i="$im" 'BEGIN {
        printf "%-12s create %.1f ms, start to wl ready %.1f ms, remove %.1f ms; once per run: daemon start %s, image import %s\n",
               e, c, r - c, m, e == "podman" ? "none (daemonless)" : d == "" ? "none (one was running)" : sprintf("%.0f ms", d),
               i == "" ? "none (cached)" : sprintf("%.0f ms", i) }'
done
echo
# The goal is launch call to the exit of wl: the `end` line it writes just
# before exit_group (exit_ms). total_ms adds reaping it and removing the
# cgroup, and is what the peers are compared on.
awk -v x="$base_exit" -v b="$base_total" 'BEGIN {
    printf "vcbench container p50 launch->exit %.3f ms (goal <= 1.5 ms): %s; to torn down %.3f ms\n",
           x, (x <= 1.5) ? "met" : "NOT met", b }'
crun=$(col oci-crun total_ms | median)
[ -n "$crun" ] && awk -v c="$crun" -v b="$base_total" \
    'BEGIN { printf "crun / vcbench container = %.1fx (goal >= 5x): %s\n", c / b, (c / b >= 5) ? "met" : "NOT met" }'
exit 0
