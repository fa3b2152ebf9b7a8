#!/bin/sh
# Install what vcbench needs on Debian 12 and fetch the guest kernel.
# Idempotent: does nothing when every package is present and the kernel is cached.
# Usage: scripts/setup.sh [--no-kernel]
set -eu

# Build and test needs; runtime needs (libvirt, QEMU, cgroups, charts);
# peers and references (runc, crun, fio, mbw) are optional but installed so
# that `make run` and the fidelity scripts can compare against them; kmod
# and busybox-static make the outer guest of scripts/host-check.sh;
# debhelper, lintian and man make and check the Debian package and the
# manual page (tests/install.sh); the container engines are below.
PKGS="gcc make libc6-dev musl-tools pkg-config
libvirt-dev libjson-c-dev libvirt-daemon-driver-qemu libvirt-daemon-system libvirt-clients
qemu-system-x86 qemu-system-data libcgroup-dev cgroup-tools libhwloc-dev hwloc-nox
gnuplot-nox libcmocka-dev cpio xz-utils iproute2 clang libclang-rt-14-dev kmod busybox-static
runc crun fio mbw
debhelper dpkg-dev lintian fakeroot man-db groff-base"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing="$missing $p"
done

# The container engines people run, as peers (environments docker, podman,
# containerd): Debian's packages, but only where the host has no engine of
# its own - Docker CE's docker-ce and containerd.io conflict with docker.io
# and containerd, and a host's own engine is the one to measure. None is
# started here: vcbench starts a daemon of its own when none runs.
for pc in docker.io:dockerd containerd:containerd podman:podman; do
    p=${pc%%:*} c=${pc#*:}
    command -v "$c" >/dev/null 2>&1 || missing="$missing $p"
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing Debian packages:$missing; run 'make setup' as root" >&2
        exit 3
    fi
    echo "setup: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

for a in "$@"; do
    [ "$a" = --no-kernel ] && exit 0
done
exec "$(dirname "$0")/fetch-kernel.sh"
