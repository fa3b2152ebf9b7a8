#!/bin/sh
# vcbench on host shapes this machine is not: an outer guest under TCG
# (`-cpu max`: it has SVM, so KVM works inside it) whose root file system is
# this host's own, shared read-only over 9p with a tmpfs overlay for writes
# - the same vcbench build, libvirt, QEMU, runc, crun and guest kernel - and
# a fresh ext4 disk for /var/tmp (the state dir; O_DIRECT needs a real
# file system). Inside, scripts/host-check-guest.sh runs vcbench doctor,
# the integration tests and a short run of every environment, and writes
# its logs and results to a host directory shared over 9p.
#
# Shapes:
#   kvm   2 vCPUs, cgroup v1 hybrid (as this host): the KVM path for real -
#         vcbench must pick KVM by itself, nested under TCG
#   v2    2 vCPUs, pure cgroup v2 (cgroup2 alone at /sys/fs/cgroup), KVM:
#         the shape most users have; runc and crun as they run there
#   v2-ct v2 without guests (make test's share): vcbench's container,
#         runc and crun on pure cgroup v2, no nested KVM
#   numa  8 vCPUs as 2 sockets x 2 cores x 2 threads, 2 NUMA nodes, cgroup
#         v2, KVM: hwloc's view, the placement rules and NUMA-bound memory
#
# usage: scripts/host-check.sh [-t SECONDS] [-o DIR] [-s STEPS] SHAPE...
#   -t  per-shape limit (default 900 s; numa 2400 s, its guests run under
#       TCG inside TCG): the outer guest is killed after it
#   -o  keep each shape's logs and results in DIR/<shape> (default: removed)
#   -s  only these steps, comma separated (doctor, it_native, it_container,
#       it_oci, it_vm, run, pin, numa-container, numa-vm, checks), to look
#       into one; a step still running after 2/3 of -t is stopped and what
#       every process waited on is kept in <step>.hang
# Exit 0 when every shape passed, 1 when one failed, 3 when this host
# cannot run the check (then one line says why).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${VCB_KERNEL_DIR:-/var/cache/vcbench/kernel}
limit="" keep="" steps=""
while getopts t:o:s: o; do
    case $o in
    t) limit=$OPTARG ;; o) keep=$OPTARG ;; s) steps=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-o DIR] [-s STEPS] kvm|v2|v2-ct|numa..." >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- kvm

cannot() { echo "host-check: $*" >&2; exit 3; }
[ "$(id -u)" -eq 0 ] || cannot "needs root (the outer guest runs containers and guests as root)"
for t in qemu-system-x86_64 cpio mkfs.ext4; do
    command -v "$t" >/dev/null || cannot "'$t' not found; run 'make setup'"
done
[ -x /bin/busybox ] || cannot "/bin/busybox not found; run 'make setup' (busybox-static)"
[ -s "$kdir/vmlinux" ] && [ -d "$kdir/outer/lib/modules" ] ||
    cannot "no guest kernel with the outer modules in $kdir; run 'make setup'"
for b in vcbench wl tests/it_vm tests/it_container tests/it_oci tests/it_native; do
    [ -x "$top/build/$b" ] || cannot "build/$b missing; run 'make all' and the test programs first (make kvm-check does)"
done
case "$top" in /proc/* | /sys/* | /dev/* | /run/*) cannot "the checkout at $top is not on a file system the outer guest can share";; esac

work=$(mktemp -d /var/tmp/vcb-hostcheck.XXXXXX)
qpid=""
cleanup() {
    if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
        kill -KILL "$qpid" 2>/dev/null
        wait "$qpid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM

# The outer initramfs: busybox, the modules, and an init that mounts the
# host's root read-only with a writable overlay and switches to it.
ir=$work/initramfs
mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/sys" "$ir/lower" "$ir/rw" "$ir/newroot" "$ir/lib"
cp /bin/busybox "$ir/bin/busybox"
cp -a "$kdir/outer/lib/modules" "$ir/lib/"
cat > "$ir/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
top=""
for a in $(cat /proc/cmdline); do
    case $a in vcb.top=*) top=${a#vcb.top=} ;; esac
done
fail() { echo "host-check init: $*"; echo o > /proc/sysrq-trigger; sleep 60; }
for m in virtio_pci virtio_blk 9pnet_virtio 9p overlay ext4 crc32c_generic; do
    modprobe "$m" 2>/dev/null
done
# KVM: the module of the CPU the outer guest has (TCG's -cpu max: SVM).
if grep -qw svm /proc/cpuinfo; then modprobe kvm_amd; elif grep -qw vmx /proc/cpuinfo; then modprobe kvm_intel; fi
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower || fail "no host root over 9p"
mount -t tmpfs -o size=3g,mode=755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail "overlay"
# The modules for kmod after the switch (the host's /lib/modules is the
# host kernel's).
mkdir -p /newroot/lib/modules
cp -a /lib/modules/* /newroot/lib/modules/
mkdir -p /newroot/vcb-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /newroot/vcb-out || fail "no results dir over 9p"
# The checkout (through the overlay: writable), kept apart before /var/tmp
# is mounted over: it may be under /tmp or /var/tmp, which the check mounts
# over; the guest script binds it back at its own path.
mkdir -p /newroot/vcb-top
mount --bind "/newroot$top" /newroot/vcb-top || fail "no checkout at $top over 9p"
mount -t ext4 /dev/vda /newroot/var/tmp || fail "no /var/tmp disk"
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /bin/sh /vcb-top/scripts/host-check-guest.sh
EOF
chmod 755 "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet) > "$work/initramfs.cpio" || cannot "cannot pack the initramfs"

# run_shape SHAPE: boot it, wait at most its limit, report. 0 passed.
run_shape() {
    shape=$1
    case $shape in
    kvm) smp="-smp 2" numa="" cg=v1 mem=4096 cpu=max kvm=1 ;;
    v2) smp="-smp 2" numa="" cg=v2 mem=4096 cpu=max kvm=1 ;;
    # v2 for make test: vcbench's own cgroup v2 code (its container, runc,
    # crun) without guests - a CPU without SVM, so no nested KVM, whose
    # emulation by TCG now and then freezes the outer guest (an inner
    # KVM_RUN that never returns: 2 of 6 runs of v2), and no
    # guests under TCG inside TCG (minutes each). Guests on v2: shape v2.
    v2-ct) smp="-smp 2" numa="" cg=v2 mem=4096 cpu=max,-svm kvm=0 ;;
    # TCG has no topoext, so an AMD-like CPU shows no SMT siblings: this
    # shape's CPU says GenuineIntel (topology from leaf 0xB), which leaves
    # it without SVM or VMX - its guests run under TCG; KVM has its shapes.
    numa) smp="-smp 8,sockets=2,cores=2,threads=2" cg=v2 mem=6144 cpu=max,vendor=GenuineIntel kvm=0
        numa="-object memory-backend-ram,id=m0,size=3072M -numa node,nodeid=0,cpus=0-3,memdev=m0
              -object memory-backend-ram,id=m1,size=3072M -numa node,nodeid=1,cpus=4-7,memdev=m1" ;;
    *) echo "host-check: unknown shape '$shape' (kvm, v2, v2-ct, numa)" >&2; return 2 ;;
    esac
    lim=${limit:-$([ "$shape" = numa ] && echo 2400 || echo 900)}
    out=$work/$shape
    mkdir -p "$out"
    truncate -s 8G "$work/$shape.img"
    mkfs.ext4 -q -F "$work/$shape.img" || return 1
    start=$(date +%s)
    # shellcheck disable=SC2086
    qemu-system-x86_64 -name "vcb-hostcheck-$shape" -machine q35 -accel tcg,thread=multi,tb-size=512 -cpu "$cpu" \
        $smp -m "$mem" $numa -display none -vga none -monitor none -no-reboot \
        -serial "file:$out/console.log" \
        -kernel "$kdir/vmlinux" -initrd "$work/initramfs.cpio" \
        -append "console=ttyS0 panic=-1 quiet loglevel=4 vcb.top=$top vcb.shape=$shape vcb.cgroup=$cg vcb.kvm=$kvm vcb.steps=$steps vcb.step_limit=$((lim * 2 / 3))" \
        -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
        -virtfs "local,path=$out,mount_tag=out,security_model=none" \
        -drive "file=$work/$shape.img,format=raw,if=virtio,cache=unsafe" &
    qpid=$!
    while kill -0 "$qpid" 2>/dev/null && [ $(($(date +%s) - start)) -lt "$lim" ]; do
        sleep 1
    done
    timed_out=0
    if kill -0 "$qpid" 2>/dev/null; then
        timed_out=1
        kill -KILL "$qpid" 2>/dev/null
    fi
    wait "$qpid" 2>/dev/null
    qpid=""
    took=$(($(date +%s) - start))
    rm -f "$work/$shape.img"
    status=$(cat "$out/status" 2>/dev/null)
    echo "== shape $shape: ${status:-no status} in ${took} s$([ $timed_out -eq 1 ] && echo " (killed at the ${lim} s limit)")"
    [ -s "$out/summary.txt" ] && sed 's/^/   /' "$out/summary.txt"
    if [ "$status" != "ok" ]; then
        echo "   last lines of the console:"
        tail -15 "$out/console.log" 2>/dev/null | sed 's/^/   | /'
    fi
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        rm -rf "${keep:?}/$shape"
        cp -r "$out" "$keep/$shape"
    fi
    [ "$status" = "ok" ]
}

rc=0
for s in "$@"; do
    run_shape "$s" || rc=1
done
exit $rc
