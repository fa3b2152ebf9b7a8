/* cg.h - container cgroups through libcgroup, on cgroup v1 (and hybrid) and
 * on v2 hosts. libcgroup 2.0.2 does not translate setting names between
 * versions, so cg_settings() picks the right file names for the version. */
#ifndef VB_CG_H
#define VB_CG_H

#include "common/err.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cg_version { CG_V1 = 1, CG_V2 = 2 };

struct cg_limits {
    const char *cpus;          /* cpuset.cpus list, e.g. "1" */
    const char *mems;          /* cpuset.mems list, e.g. "0" (v1 needs it) */
    int numa;                  /* several NUMA nodes: bind memory to mems on v2 too */
    uint64_t mem_bytes;        /* memory limit; 0 = none */
    long quota_us;             /* CPU quota per period; 0 = none */
    long period_us;            /* CPU period (100000 when 0) */
};

struct cg_setting {
    const char *ctrl;          /* libcgroup controller: cpuset, cpu, memory */
    const char *name;          /* file name for that version */
    char value[64];
};

#define CG_SETTINGS_MAX 8

/* The settings to write for version v, in the order they must be written
 * (v1 needs cpuset.mems before a task can join). Pure; returns the count. */
int cg_settings(enum cg_version v, const struct cg_limits *l, struct cg_setting *out, int max);

/* Which version the cpu, cpuset and memory controllers are mounted as. */
int cg_detect(enum cg_version *v, struct vb_err *e);

struct cg;

/* Create cgroup `name` (e.g. "vcbench.<run>" or, under it,
 * "vcbench.<run>/<seq>") in every needed controller with limits l. A
 * parent made with the same cpus, mems and quota_us joins the same
 * controllers. 0, or -1 with nothing left behind. */
int cg_create(const char *name, const struct cg_limits *l, struct cg **out, struct vb_err *e);

/* Move pid into the cgroup. 0 or -1. */
int cg_attach(struct cg *c, pid_t pid, struct vb_err *e);

#define CG_PATH_MAX 512

/* The files through which a process joins the group `name` with limits l
 * once it exists (v1: "tasks" of each hierarchy, v2: one "cgroup.procs"):
 * a child can move itself in by writing "0" to each, with no round trip
 * to the parent. Computable before the group is made. Returns the count or
 * -1. */
int cg_task_paths(const char *name, const struct cg_limits *l, char paths[][CG_PATH_MAX], int max,
                  struct vb_err *e);

/* Read CPU time used (ns) and peak memory (bytes; 0 when unknown). */
int cg_usage(struct cg *c, uint64_t *cpu_ns, uint64_t *mem_peak, struct vb_err *e);

/* The memory a cgroup is charged with (bytes): what the instance costs
 * the host as the kernel accounts it, page cache and kernel memory
 * (slab, page tables, stacks) included. */
struct cg_mem {
    uint64_t current;          /* v2 memory.current, v1 memory.usage_in_bytes */
    uint64_t anon, file;       /* v2 anon/file, v1 rss/cache */
    uint64_t kernel;           /* v2 kernel (or its parts), v1 memory.kmem.usage_in_bytes */
    uint64_t pagetables, slab; /* v2 only (0 on v1) */
};

/* memory.stat text of version v -> m (current and, on v1, kernel are not
 * in it). 0, or -1 when it holds none of the keys. */
int cg_memstat_parse(enum cg_version v, const char *text, struct cg_mem *m);

/* /proc/<pid>/cgroup text -> the path of the memory cgroup (v1: the line
 * naming the memory controller; v2: the "0::" line). 0, or -1. */
int cg_proc_path(enum cg_version v, const char *text, char *path, size_t n);

/* The memory of the cgroup pid is in, when that is not the caller's own
 * (a process the harness started without a cgroup is charged to the
 * harness's: nothing of its own to read). 1 with m filled, 0 when pid
 * shares the caller's cgroup, -1 when it cannot be read. */
int cg_mem_of_pid(pid_t pid, struct cg_mem *m);

/* Did the memory controller kill something (OOM) in this cgroup? 1/0. */
int cg_oom_killed(struct cg *c);
/* How many processes it killed in this cgroup and those under it. NULL: 0. */
uint64_t cg_oom_count(struct cg *c);

/* Remove the cgroup (its tasks must have exited) and free c. NULL-safe. */
void cg_destroy(struct cg *c);

/* Remove cgroup `name` and every cgroup under it from every hierarchy,
 * killing what still runs in them first: what a dead run left behind.
 * Returns the number of directories removed. */
int cg_sweep(const char *name);

#endif
