#!/bin/sh
# Guest start-up through libvirt next to plain QEMU with the same options,
# in one interleaved run: how much of the VM's launch-to-ready libvirt adds.
#
#   libvirt: `vcbench run --envs vm --workloads startup` (embedded driver),
#            ready_ms = launch call to `vcb1 ready` on the serial console.
#   plain:   qemu-system-x86_64 with the options vcbench's domain XML gives
#            (machine pc, qboot, same kernel, initramfs, command line, RAM,
#            one vCPU pinned like <vcpupin>), timed from exec to the same
#            `vcb1 ready` line.
#   Blocks alternate (libvirt block, plain block, ...) so drift hits both.
#
# Usage: bench/vm_boot.sh [-n RUNS] [-f qboot|seabios]   (default 10, qboot; root)
# Prints the medians and the ratio libvirt / plain (goal <= 1.10).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
V=${VCB_BIN:-$top/build/vcbench}
W=${VCB_WL:-$top/build/wl}
K=${VCB_KERNEL:-/var/cache/vcbench/kernel}
runs=10 fw=qboot
while getopts n:f: o; do
    case $o in n) runs=$OPTARG ;; f) fw=$OPTARG ;; *) echo "usage: $0 [-n RUNS] [-f qboot|seabios]" >&2; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "vm_boot: needs root (libvirt embed, pinning)" >&2; exit 3; }
[ -r "$K/vmlinux" ] || { echo "vm_boot: no guest kernel in $K; run scripts/fetch-kernel.sh" >&2; exit 3; }
tmp=$(mktemp -d /tmp/vcb-vmboot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The same initramfs tree vcbench builds (wl as init, no modules needed
# for the serial console): made by a one-run vcbench invocation's image
# code is internal, so build it here with the same layout.
mkdir -p "$tmp/tree/dev" "$tmp/tree/proc" "$tmp/tree/sys" "$tmp/tree/tmp"
cp "$W" "$tmp/tree/wl"
(cd "$tmp/tree" && find . | cpio -o -H newc --quiet > "$tmp/initrd.cpio")
cmdline="console=ttyS0 quiet loglevel=0 panic=-1 rdinit=/wl tsc=reliable no_timer_check i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd random.trust_cpu=on -- init startup"
bios=""
[ "$fw" = qboot ] && bios="-bios /usr/share/qemu/qboot.rom"
[ "$fw" = seabios ] && export VCBENCH_VM_FIRMWARE=seabios
cpu=$(nproc); cpu=$((cpu - 1))

plain_once() {
    # shellcheck disable=SC2086
    python3 - "$cpu" "$K/vmlinux" "$tmp/initrd.cpio" "$cmdline" $bios <<'PY'
import os, subprocess, sys, time
cpu, kernel, initrd, cmdline = sys.argv[1:5]
args = ["taskset", "-c", cpu, "qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", "1024", "-smp", "1",
        "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-kernel", kernel,
        "-initrd", initrd, "-append", cmdline, "-no-reboot"] + sys.argv[5:]
t0 = time.monotonic()
p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
ready = None
for line in p.stdout:
    if b"vcb1 ready" in line and ready is None:
        ready = time.monotonic()
    if b"vcb1 end" in line:
        break
p.kill(); p.wait()
print("%.3f" % ((ready - t0) * 1000) if ready else "nan")
PY
}

: > "$tmp/plain.ms"
blocks=2
per=$(( (runs + blocks - 1) / blocks ))
b=0
while [ $b -lt $blocks ]; do
    "$V" run --envs vm --workloads startup --runs "$per" --warmup 1 --seed $((b + 1)) \
        --out "$tmp/run$b" 2>"$tmp/err" || { echo "vm_boot: vcbench run failed: $(tail -1 "$tmp/err")" >&2; exit 1; }
    i=0
    while [ $i -lt "$per" ]; do
        plain_once >> "$tmp/plain.ms"
        i=$((i + 1))
    done
    b=$((b + 1))
done
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { for f in "$tmp"/run*/raw.csv; do awk -F, -v m="$1" '$5 == "vm" && $10 == m && $14 == "ok" { print $13 }' "$f"; done; }
lv=$(col ready_ms | median)
cr=$(col vm_create_ms | median)
gb=$(col guest_boot_ms | median)
pl=$(median < "$tmp/plain.ms")
printf 'firmware %s, %d runs each (TCG)\n' "$fw" "$runs"
printf '%-28s %10s\n' "path" "p50 ms"
printf '%-28s %10.1f\n' "libvirt launch -> ready" "$lv" "  of which virDomainCreateXML" "$cr" \
    "  guest uptime at init" "$gb" "plain qemu exec -> ready" "$pl"
awk -v a="$lv" -v b="$pl" 'BEGIN { printf "libvirt / plain = %.2f (goal <= 1.10): %s\n", a / b, (a / b <= 1.10) ? "met" : "NOT met" }'
awk -v a="$lv" 'BEGIN { printf "launch -> ready p50 %.0f ms (goal <= 1500 ms under TCG): %s\n", a, (a <= 1500) ? "met" : "NOT met" }'
