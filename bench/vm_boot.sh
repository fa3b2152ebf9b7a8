#!/bin/sh
# Guest start-up through libvirt next to plain QEMU with the same options,
# interleaved launch by launch: how much of the VM's launch-to-ready
# libvirt adds.
#
#   libvirt: `vcbench run --envs vm --workloads startup --runs 1`, N times;
#            ready_ms = env launch call -> `vcb1 ready` on the serial console.
#   plain:   qemu-system-x86_64 with exactly the options libvirt gave QEMU
#            (read from the embed root's QEMU log of a first, untimed
#            vcbench launch), minus libvirt's monitor, secret and -S, the
#            serial port on stdio instead of a socket, the same initramfs
#            layout; emulator on the emulator CPU and the vCPU thread on the
#            workload CPU like <cputune> (QEMU starts paused, the vCPU thread
#            is pinned, then `cont`), timed from exec to the same line.
#
# Usage: bench/vm_boot.sh [-n RUNS] [-f qboot|seabios] [-s STATE_DIR]
#        (default 10 each, qboot, /var/tmp/vcbench; root)
# Prints the medians and the ratio libvirt / plain (goal <= 1.10).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
V=${VCB_BIN:-$top/build/vcbench}
W=${VCB_WL:-$top/build/wl}
K=${VCB_KERNEL:-/var/cache/vcbench/kernel}
runs=10 fw=qboot sd=/var/tmp/vcbench
while getopts n:f:s: o; do
    case $o in
    n) runs=$OPTARG ;; f) fw=$OPTARG ;; s) sd=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-f qboot|seabios] [-s STATE_DIR]" >&2; exit 2 ;;
    esac
done
case $fw in qboot) unset VCBENCH_VM_FIRMWARE || true ;; seabios) export VCBENCH_VM_FIRMWARE=seabios ;;
    *) echo "vm_boot: -f qboot or seabios" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "vm_boot: needs root (libvirt embed, pinning)" >&2; exit 3; }
[ -r "$K/vmlinux" ] || { echo "vm_boot: no guest kernel in $K; run scripts/fetch-kernel.sh" >&2; exit 3; }
[ -x "$V" ] && [ -x "$W" ] || { echo "vm_boot: build first (make), or set VCB_BIN and VCB_WL" >&2; exit 3; }
tmp=$(mktemp -d /tmp/vcb-vmboot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM

# The initramfs as harness/env/image.c lays it out: /wl, /dev/console, the
# virtio modules in /lib/vcb in load order.
t=$tmp/tree
mkdir -p "$t/proc" "$t/sys" "$t/dev" "$t/tmp" "$t/mnt" "$t/lib/vcb"
mknod "$t/dev/console" c 5 1
cp "$W" "$t/wl"
if [ -r "$K/modules/modules.order" ]; then
    cp "$K/modules/modules.order" "$t/lib/vcb/"
    while read -r m; do cp "$K/modules/$m" "$t/lib/vcb/"; done < "$K/modules/modules.order"
fi
(cd "$t" && find . | cpio -o -H newc --quiet > "$tmp/initrd.cpio")

lv() {  # one libvirt launch; prints nothing, leaves $tmp/$1/raw.csv
    "$V" run --envs vm --workloads startup --runs 1 --warmup 0 --state-dir "$sd" \
        --out "$tmp/$1" 2>"$tmp/err" || { echo "vm_boot: vcbench run failed: $(tail -1 "$tmp/err")" >&2; exit 1; }
}

# An untimed launch whose QEMU log (kept) gives the command line and whose
# stderr gives the CPUs vcbench chose.
VCBENCH_VM_KEEP_LOGS=1 lv probe
rid=$(awk -F, 'NR == 2 { print $2 }' "$tmp/probe/raw.csv")
log=$(ls "$sd"/lv/log/qemu/vcbench-"$rid"-*.log | head -1)
work=$(sed -n 's/.*workload on CPU \([0-9]*\).*/\1/p' "$tmp/err" | head -1)
emu=$(sed -n 's/.*emulator on CPU \([0-9]*\).*/\1/p' "$tmp/err" | head -1)
: "${work:=$(($(nproc) - 1))}" "${emu:=0}"

plain_once() {
    python3 - "$log" "$tmp/initrd.cpio" "$emu" "$work" "$tmp/qmp.sock" <<'PY'
import json, os, shlex, socket, subprocess, sys, time
log, initrd, emu, work, qmp = sys.argv[1:6]
# The command block of libvirt's QEMU log: env lines, then the binary and
# one option per line, each continued with " \".
lines = open(log).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("/usr/bin/qemu-system"))
cmd = []
for l in lines[start:]:
    cmd += shlex.split(l.rstrip("\\").strip())
    if not l.endswith("\\"):
        break
opts, i = [], 1                              # (option, argument or None)
while i < len(cmd):
    arg = cmd[i + 1] if i + 1 < len(cmd) and not cmd[i + 1].startswith("-") else None
    opts.append((cmd[i], arg))
    i += 2 if arg is not None else 1
argv = [cmd[0]]
for o, a in opts:
    if o in ("-S", "-no-shutdown", "-mon"):  # paused start, stay after power-off, monitor
        continue
    if (o == "-object" and '"secret"' in a) or (o == "-chardev" and "id=charmonitor" in a):
        continue                             # libvirt's monitor and its secret
    if o == "-chardev" and "id=charserial0" in a:
        a = "stdio,id=charserial0"
    if o == "-initrd":
        a = initrd
    argv += [o] + ([a] if a is not None else [])
argv += ["-S", "-qmp", "unix:%s,server=on,wait=off" % qmp]
try: os.unlink(qmp)
except FileNotFoundError: pass
t0 = time.monotonic()
p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                     preexec_fn=lambda: os.sched_setaffinity(0, {int(emu)}))
while not os.path.exists(qmp):
    time.sleep(0.0005)
s = socket.socket(socket.AF_UNIX); s.connect(qmp); f = s.makefile("rwb", buffering=0)
f.readline()
task = "/proc/%d/task" % p.pid
for tid in os.listdir(task):                 # the vCPU thread, as <vcpupin>
    if open("%s/%s/comm" % (task, tid)).read().startswith("CPU 0/"):
        os.sched_setaffinity(int(tid), {int(work)})
for c in ("qmp_capabilities", "cont"):
    f.write(json.dumps({"execute": c}).encode() + b"\n")
    while b'"return"' not in f.readline():
        pass
ready = up = None
for line in p.stdout:
    if b"uptime_ns=" in line:
        up = int(line.split(b"uptime_ns=")[1].split()[0]) / 1e6
    if b"vcb1 ready" in line and ready is None:
        ready = time.monotonic()
    if b"vcb1 end" in line:
        break
p.kill(); p.wait()
print("%.3f %.3f" % ((ready - t0) * 1000, up or 0) if ready else "nan nan")
PY
}

: > "$tmp/plain.ms"
i=0
while [ $i -lt "$runs" ]; do
    lv "run$i"
    plain_once >> "$tmp/plain.ms"
    i=$((i + 1))
done
rm -f "$log"
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { for f in "$tmp"/run*/raw.csv; do awk -F, -v m="$1" '$5 == "vm" && $10 == m && $14 == "ok" { print $13 }' "$f"; done; }
n=$(col ready_ms | wc -l)
lvr=$(col ready_ms | median)
cr=$(col vm_create_ms | median)
gb=$(col guest_boot_ms | median)
cn=$(col vm_connect_ms | median)
pl=$(awk '{ print $1 }' "$tmp/plain.ms" | median)
pu=$(awk '{ print $2 }' "$tmp/plain.ms" | median)
printf 'firmware %s, %d launches each, interleaved (accel from vcbench: %s)\n' "$fw" "$n" \
    "$(awk -F, 'NR == 2 { print $15 }' "$tmp/run0/raw.csv")"
printf '%-36s %10s\n' "p50" "ms"
printf '%-36s %10.1f\n' "libvirt launch -> ready" "$lvr" "  of which virDomainCreateXML" "$cr" \
    "  guest uptime at init" "$gb" "plain qemu exec -> ready" "$pl" "  guest uptime at init" "$pu" \
    "libvirt connect (once per run)" "$cn"
awk -v a="$lvr" -v b="$pl" 'BEGIN { printf "libvirt / plain = %.2f (goal <= 1.10): %s\n", a / b, (a / b <= 1.10) ? "met" : "NOT met" }'
awk -v a="$lvr" 'BEGIN { printf "launch -> ready p50 %.0f ms (goal <= 1500 ms under TCG): %s\n", a, (a <= 1500) ? "met" : "NOT met" }'
