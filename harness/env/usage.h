/* usage.h - what a running instance costs the host, read from /proc: the
 * host processes it is made of (and what each is), their memory from
 * smaps_rollup, a VMM's guest RAM and TCG translation cache told apart by
 * mapping (as Firecracker separates guest memory from VMM overhead), page
 * tables, CPU time of every thread, and the host's MemAvailable.
 *
 * The parsers take the text of the /proc file, so fixtures test them; the
 * readers open the file and call them. Sizes are KiB, as /proc gives them. */
#ifndef VB_USAGE_H
#define VB_USAGE_H

#include <stdint.h>
#include <sys/types.h>

/* One process's memory (smaps_rollup). */
struct usage_mem {
    uint64_t rss, pss, pss_anon, pss_file, pss_shmem;
    uint64_t uss;              /* Private_Clean + Private_Dirty */
    uint64_t swap_pss;
};

/* smaps_rollup text -> m. 0, or -1 when it has no Pss line. */
int usage_rollup_parse(const char *text, struct usage_mem *m);

/* A VMM's smaps split by mapping: guest RAM is the anonymous private
 * read-write mapping of the guest's size (QEMU maps each RAM block at once,
 * a guard page after it; up to 2 MiB more is allowed for alignment), TCG's
 * translation cache the anonymous read-write-execute ones (KVM has none). */
struct usage_vmm {
    uint64_t guest_rss, guest_pss;
    uint64_t guest_thp;        /* of the guest's RAM, in transparent huge pages */
    uint64_t tcg_pss;
    int guest_found;           /* 0: no mapping of the guest's size */
};

/* smaps text of a VMM with guest_kib of RAM -> v. 0, or -1 on text that is
 * not smaps. */
int usage_smaps_split(const char *text, uint64_t guest_kib, struct usage_vmm *v);

/* /proc/<pid>/status text -> page tables (VmPTE, KiB) and thread count.
 * 0, or -1 when either is missing. */
int usage_status_parse(const char *text, uint64_t *pte_kib, int *threads);

/* /proc/meminfo text -> MemAvailable (KiB). 0 or -1. */
int usage_meminfo_parse(const char *text, const char *key, uint64_t *kib);

/* Readers of a live process; -1 when it is gone or unreadable. */
int usage_proc_mem(pid_t pid, struct usage_mem *m);
int usage_proc_vmm(pid_t pid, uint64_t guest_kib, struct usage_vmm *v);
int usage_proc_status(pid_t pid, uint64_t *pte_kib, int *threads);

/* CPU time (ns) every live thread of pid has run: the sum of the first
 * field of /proc/<pid>/task/<tid>/schedstat, which the scheduler keeps in
 * nanoseconds (utime/stime in stat count clock ticks, too coarse for an
 * idle process). 0 when pid is gone. */
uint64_t usage_proc_cpu_ns(pid_t pid);

/* CPU time over a window, thread by thread: a thread that exits in the
 * window takes its whole lifetime's CPU with it from a process total, so
 * only threads alive at both ends count. */
struct usage_cpu {
    struct { pid_t pid, tid; uint64_t ns; } *t;
    int n, cap;
};

/* Add every thread of pid with its CPU time now. 0, or -1 (no memory). */
int usage_cpu_begin(struct usage_cpu *c, pid_t pid);

/* The CPU time (ns) the threads of c ran since usage_cpu_begin. */
uint64_t usage_cpu_since(const struct usage_cpu *c);

void usage_cpu_free(struct usage_cpu *c);

/* The host's MemAvailable (KiB), or 0 when unreadable. */
uint64_t usage_mem_available(void);

/* The processes of an instance, by what they are. */
enum usage_role {
    USAGE_WORKLOAD,            /* wl, and whatever it started */
    USAGE_RUNTIME,             /* the runtime that stays beside it (runc, crun) */
    USAGE_VMM,                 /* the hypervisor process (QEMU) */
    USAGE_NROLES
};

struct usage_proc {
    pid_t pid;
    int role;                  /* enum usage_role */
};

/* root (in role top) and every process descending from it (USAGE_WORKLOAD):
 * one walk over /proc, by parent pid. Returns the count (at most max), 0
 * when root is gone or has exited (a zombie: nothing left to measure). */
int usage_tree(pid_t root, int top, struct usage_proc *out, int max);

/* "pid (comm) state ppid ..." -> state and ppid; comm may hold spaces and
 * ')'. 0, or -1. */
int usage_stat_parse(const char *text, char *state, pid_t *ppid);

#endif
