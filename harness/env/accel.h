/* accel.h - which accelerator guests get: detected, never assumed. */
#ifndef VB_ACCEL_H
#define VB_ACCEL_H

/* Decide from the facts (pure, for tests): kvm only when /dev/kvm opened
 * and KVM_CREATE_VM worked and the CPU flags show vmx or svm. hypervisor
 * is what this host itself runs under ("" or NULL on bare metal; see
 * accel_hypervisor): a KVM that is nested says so, since its speed is not
 * KVM's. Writes the reason into why and returns "kvm" or "tcg". */
const char *accel_decide(int dev_ok, int create_ok, const char *cpuinfo, const char *hypervisor, char *why,
                         unsigned n);

/* The hypervisor this host runs under, from CPUID leaf 0x40000000 when the
 * CPU flags say there is one: "TCG", "KVM", "Hyper-V", "VMware", "Xen",
 * "VirtualBox", or the raw signature; "" on bare metal. */
void accel_hypervisor(char *out, unsigned n);

/* How many times slower than its own estimate everything runs when this
 * host itself runs under the given hypervisor: 10 under TCG (an emulated
 * host, e.g. the outer guest of scripts/host-check.sh), else 1. Deadlines
 * scale by it, since wl's estimates assume a host at hardware speed. */
double accel_host_slowdown(const char *hypervisor);

/* Probe this host (opens /dev/kvm, reads /proc/cpuinfo). */
const char *accel_probe(char *why, unsigned n);

#endif
