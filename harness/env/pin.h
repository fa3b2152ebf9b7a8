/* pin.h - choosing and applying CPU sets with hwloc.
 *
 * Every environment gets the same CPUs for the workload (whole cores, one PU
 * each so an SMT sibling never shares the measured core), away from the CPU
 * the harness and QEMU's emulator thread use when the host has enough cores.
 * CPU lists use OS indexes ("2-3,8"), the format of cpuset.cpus and of
 * libvirt's cpuset= attributes. */
#ifndef VB_PIN_H
#define VB_PIN_H

#include "common/err.h"

#include <sched.h>
#include <sys/types.h>

struct pin_plan {
    char work[128];            /* workload / vCPU CPUs */
    char harness[128];         /* harness itself (and helpers) */
    char emulator[128];        /* QEMU emulator thread */
    char neighbour[128];       /* a noisy neighbour's CPUs: as many as work, off the workload cores */
    char shares[128];          /* what work and neighbour CPUs share in hardware: "L3 32 MiB, NUMA node 0" */
    char mems[32];             /* NUMA nodes for cpuset.mems */
    int nwork;                 /* number of CPUs in work */
    int ncores;                /* cores the host has */
    int nnodes;                /* NUMA nodes the host has: above 1, memory is bound to mems */
    char why[256];             /* one line explaining the choice */
};

/* Choose CPUs for nwork workload CPUs from the host topology, or from a
 * synthetic one (hwloc synthetic description, e.g. "core:4 pu:2") when
 * synthetic is not NULL - used by tests. Returns 0 or -1. */
int pin_pick(int nwork, const char *synthetic, struct pin_plan *p, struct vb_err *e);

/* The union of two CPU lists (either may be empty) into out. 0, or -1
 * for a malformed list. */
int pin_union(const char *a, const char *b, char *out, size_t n);

/* Parse a CPU list into a mask without loading a topology (cheap enough
 * for a launch path). 0, or -1 for a malformed or empty list. */
int pin_mask(const char *list, cpu_set_t *set);

/* The NUMA nodes every environment binds its memory to, or NULL on a
 * host with one node (nothing to choose; v2 cgroups then inherit). The one
 * place that rule lives: the container's cgroup, the guest's numatune and
 * the plan's own explanation all ask here. */
const char *pin_mem_nodes(const struct pin_plan *p);

/* Bind a process (pid 0 = this process) to the CPUs in list with
 * sched_setaffinity; safe between fork and exec. 0 or -1. */
int pin_apply(pid_t pid, const char *list, struct vb_err *e);

/* Data/unified cache sizes in bytes by level (sizes[0] = L1d ... sizes[3] =
 * L4), 0 where the level is absent. Returns the last level present (1..4),
 * or -1. The mem workload sizes its arrays from the last level. */
int pin_cache_sizes(unsigned long long sizes[4], struct vb_err *e);

/* Describe the host topology in one line (for doctor and reports). */
int pin_describe(char *buf, unsigned n, struct vb_err *e);

#endif
