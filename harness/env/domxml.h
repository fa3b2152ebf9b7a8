/* domxml.h - the libvirt domain XML of one guest, as a pure function of a
 * description (so the KVM and TCG variants are tested against golden files
 * on hosts that can run neither). */
#ifndef VB_DOMXML_H
#define VB_DOMXML_H

#include <stdint.h>
#include <stdio.h>

#define DOMXML_VCPUS_MAX 64

struct domxml {
    const char *name;
    int kvm;                   /* 1: type='kvm', host-passthrough CPU; 0: type='qemu' (TCG) */
    const char *machine;       /* "pc", "q35" */
    uint64_t mem_bytes;
    int vcpus;
    const char *vcpu_cpus[DOMXML_VCPUS_MAX]; /* host CPU list for each vCPU */
    const char *emulator_cpus; /* NULL = not pinned */
    const char *firmware;      /* ROM image (qboot) or NULL for the default BIOS */
    const char *emulator;      /* the QEMU binary, or NULL for libvirt's default */
    const char *kernel, *initrd, *cmdline;
    const char *serial_socket; /* unix socket QEMU connects to (we listen) */
    const char *disk;          /* raw file attached as virtio-blk vda, or NULL */
    const char *mem_nodes;     /* host NUMA nodes the guest's memory is bound to (strict), or NULL */
    int dac_root;              /* run QEMU as root:root, relabel nothing (a
                                * system libvirtd: see domxml.c) */
};

/* Write the XML to f. Returns 0, or -1 when the description is incomplete. */
int domxml_write(FILE *f, const struct domxml *d);

/* The same into a malloc'd string (NULL on error). */
char *domxml_string(const struct domxml *d);

#define DOMXML_CMDLINE_MAX 2048 /* x86 COMMAND_LINE_SIZE */

/* The guest kernel command line: the boot options (see domxml.c for what
 * each saves), then after "--" wl's init arguments: `init [--modules]
 * <argv...>`, where argv is the workload and its options as the guest
 * sees them (NULL-terminated; the run's disk already /dev/vda) and modules
 * loads the virtio modules first. Returns 0, or -1 when an argument is
 * empty or has a space or quote, or the line does not fit in n. */
int domxml_cmdline(char *out, size_t n, int kvm, int vcpus, int modules, char *const argv[]);

#endif
