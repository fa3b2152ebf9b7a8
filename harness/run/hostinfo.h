/* hostinfo.h - what a reader of a result needs to know about the machine
 * and the software versions behind it (recorded in run.json, shown in
 * REPORT.md). Gathered once while a run is prepared, never on a timed
 * path; programs are run directly (no shell) for their --version. */
#ifndef VB_HOSTINFO_H
#define VB_HOSTINFO_H

struct hostinfo {
    char cpu_model[128];
    unsigned long mem_mib;
    char host_kernel[128];
    char cgroup[8];            /* "v1" or "v2" */
    char libvirt[32];
    char qemu[64];
    char guest_kernel[64];
    char runc[64];
    char crun[64];
    char commit[48];           /* vcbench's git commit (build time) */
    char wl_build[64];         /* `wl --version`: version, linkage, libc */
    char pmu[160];             /* hardware counters: what wl records, or why none */
    char thp[48];              /* transparent huge pages: "madvise", "always" or "never" (+ defrag) */
    char ksm[64];              /* "off", or "on, N pages shared" */
};

/* Fill h; unknown fields are "" (or 0). kernel_dir and wl_path may be NULL. */
void hostinfo_get(struct hostinfo *h, const char *kernel_dir, const char *wl_path);

/* The commit vcbench was built from ("unknown" outside git). */
const char *hostinfo_commit(void);

#endif
