#!/bin/sh
# Fetch the Debian guest kernel into a cache outside the repository, without
# installing it on the host: `apt-get download` the image package that
# linux-image-amd64 depends on, unpack it with dpkg -x, and extract the
# uncompressed vmlinux from the bzImage (PVH entry: boots ~2x faster under TCG
# because the guest skips decompression).
#
# Result (VCBENCH_CACHE, default /var/cache/vcbench):
#   kernel/vmlinux   uncompressed ELF kernel with the PVH note
#   kernel/vmlinuz   the bzImage as shipped (fallback boot path)
#   kernel/modules/  the virtio modules the guest loads, plus modules.order
#   kernel/version   the kernel release string
#   kernel/outer/    for the outer guest of scripts/host-check.sh (a TCG guest
#                    that runs vcbench inside, with KVM nested): the modules
#                    it needs (virtio, 9p, overlay, ext4, kvm) and their
#                    dependencies, as lib/modules/<release>/ with modules.dep
set -eu

cache=${VCBENCH_CACHE:-/var/cache/vcbench}
dst=$cache/kernel
# Bump when the cache layout changes so older caches are refetched.
format=3
if [ -s "$dst/vmlinux" ] && [ -s "$dst/version" ] && [ -s "$dst/modules/modules.order" ] &&
    [ -d "$dst/outer/lib/modules" ] &&
    [ "$(cat "$dst/format" 2>/dev/null)" = "$format" ]; then
    exit 0
fi

for t in apt-get apt-cache dpkg xz depmod; do
    command -v "$t" >/dev/null || { echo "fetch-kernel: '$t' not found; run scripts/setup.sh as root" >&2; exit 3; }
done

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ]; then
    apt-get update -qq
    pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$pkg" ] || { echo "fetch-kernel: cannot resolve linux-image-amd64; check the apt sources" >&2; exit 3; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcbench-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# A signal exits through the EXIT trap (sh runs it on exit, not on a fatal signal).
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$tmp"    # apt-get download drops to the _apt user
echo "fetch-kernel: downloading $pkg" >&2
(cd "$tmp" && apt-get download -qq "$pkg" >/dev/null)
dpkg -x "$tmp"/*.deb "$tmp/x"

ver=${pkg#linux-image-}
ver=${ver%-unsigned}
vmlinuz=$(ls "$tmp"/x/boot/vmlinuz-* | head -n 1)

# The bzImage payload is an xz stream; find its magic (fd 37 7a 58 5a 00).
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { echo "fetch-kernel: no xz payload in $vmlinuz" >&2; exit 3; }
tail -c +"$((off + 1))" "$vmlinuz" | xz -dc --single-stream > "$tmp/vmlinux" 2>/dev/null || true
head -c 4 "$tmp/vmlinux" | grep -q 'ELF' || { echo "fetch-kernel: vmlinux extraction failed" >&2; exit 3; }

mkdir -p "$tmp/out/modules"
moddir=$(ls -d "$tmp"/x/lib/modules/* | head -n 1)
# Dependency order from modules.dep (virtio needs virtio_ring): the ring
# and core first, then the PCI transport, then the devices.
: > "$tmp/out/modules/modules.order"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk virtio_console; do
    f=$(find "$moddir" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
    [ -n "$f" ] || continue      # built in: nothing to load
    case "$f" in
        *.xz) xz -dc "$f" > "$tmp/out/modules/$m.ko" ;;
        *) cp "$f" "$tmp/out/modules/$m.ko" ;;
    esac
    echo "$m.ko" >> "$tmp/out/modules/modules.order"
done
# The outer guest's modules: what it loads by name, and what those need
# (depmod resolves it; busybox modprobe in the outer initramfs and kmod
# after switch_root read the same modules.dep).
outer_mods="virtio_pci virtio_blk virtio_console 9pnet_virtio 9p overlay ext4 crc32c_generic kvm_amd kvm_intel"
release=$(basename "$moddir")
depmod -b "$tmp/x" "$release"
omod=$tmp/out/outer/lib/modules/$release
mkdir -p "$omod"
need=""
for m in $outer_mods; do
    line=$(grep -E "(^|/)$m\.ko:|(^|/)$(echo "$m" | tr _ -)\.ko:" "$moddir/modules.dep" | head -n 1)
    [ -n "$line" ] || continue  # built in
    need="$need ${line%%:*} ${line#*:}"
done
for f in $need; do
    mkdir -p "$omod/$(dirname "$f")"
    cp "$moddir/$f" "$omod/$f"
done
cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$moddir/modules.order" "$omod/"
depmod -b "$tmp/out/outer" "$release"
cp "$tmp/vmlinux" "$tmp/out/vmlinux"
cp "$vmlinuz" "$tmp/out/vmlinuz"
echo "$ver" > "$tmp/out/version"
echo "$format" > "$tmp/out/format"

mkdir -p "$cache"
rm -rf "$dst.new"
mv "$tmp/out" "$dst.new"
rm -rf "$dst"
mv "$dst.new" "$dst"
echo "fetch-kernel: $ver cached in $dst" >&2
