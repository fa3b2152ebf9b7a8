#!/bin/sh
# make test's share of scripts/host-check.sh: the cheapest outer-guest
# shape that covers both what this host is not - KVM (nested under TCG:
# the guest path users run) and a pure cgroup v2 host - bounded in time.
# When this machine cannot run an outer guest (not root, no QEMU, no guest
# kernel) it says so and skips; VCB_HOST_CHECK=0 skips it on purpose.
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${VCB_HOST_CHECK:-1}" = 0 ]; then
    echo "[  SKIPPED ] host check: VCB_HOST_CHECK=0"
    exit 0
fi
"$top/scripts/host-check.sh" -t "${VCB_HOST_CHECK_LIMIT:-720}" v2
rc=$?
if [ $rc -eq 3 ]; then
    echo "[  SKIPPED ] host check: this machine cannot run the outer guest (the line above says why)"
    exit 0
fi
[ $rc -eq 0 ] && echo "[       OK ] host check (KVM nested under TCG, cgroup v2)" ||
    echo "[  FAILED  ] host check (KVM nested under TCG, cgroup v2)"
exit $rc
