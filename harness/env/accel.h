/* accel.h - which accelerator guests get: detected, never assumed. */
#ifndef VB_ACCEL_H
#define VB_ACCEL_H

/* Decide from the facts (pure, for tests): kvm only when /dev/kvm opened
 * and KVM_CREATE_VM worked and the CPU flags show vmx or svm. Writes the
 * reason into why and returns "kvm" or "tcg". */
const char *accel_decide(int dev_ok, int create_ok, const char *cpuinfo, char *why, unsigned n);

/* Probe this host (opens /dev/kvm, reads /proc/cpuinfo). */
const char *accel_probe(char *why, unsigned n);

#endif
