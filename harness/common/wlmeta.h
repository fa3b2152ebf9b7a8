/* wlmeta.h - what the harness knows about each workload, shared with wl:
 * its name, one-line summary, and how the harness treats it (does it use
 * the run's shared disk, is its array size derived from the host's caches,
 * are its launch phases timed from outside). The workload code in
 * workloads/ registers against these entries, so a workload's name lives
 * in this one table and vcbench never needs the workload code itself. */
#ifndef VB_WLMETA_H
#define VB_WLMETA_H

#include <stdint.h>

/* The argument that stands for the run's shared disk; each environment
 * maps it to what the disk is there (the host file, /mnt/disk, /dev/vda). */
#define WL_DISK_ARG "@disk"

enum wl_meta_flag {
    WLM_DISK = 1,              /* takes --file @disk --size N */
    WLM_LLC = 2,               /* takes --size: arrays sized from the last-level cache */
    WLM_PHASES = 4,            /* the harness records launch/ready/exit/teardown times */
    WLM_HOST = 8,              /* measured by the harness around idle `hold` instances (run/hostwl.h) */
    WLM_AUDIT = 16,            /* takes the host's view (--host-*) and the memory limit (--limit); it
                                * provokes the limit's OOM killer on purpose */
    WLM_NOISE = 32,            /* an antagonist: runs until stopped, prints `tick` lines */
};

struct wl_meta {
    const char *name;
    const char *summary;
    unsigned flags;            /* enum wl_meta_flag */
    /* The metrics that answer "how much slower" best: REPORT.md's answer
     * table and the history's trends follow these. NULL-terminated. */
    const char *headline[3];
};

extern const struct wl_meta wlm_cpu, wlm_mem, wlm_disk, wlm_startup, wlm_hold, wlm_footprint, wlm_density,
    wlm_audit, wlm_neighbour, wlm_noise_spin, wlm_noise_llc, wlm_noise_bw, wlm_noise_alloc, wlm_noise_io, wlm_noise_fork;

/* Look up by name; NULL if unknown. */
const struct wl_meta *wl_meta_find(const char *name);
/* The table, in its order (the order reports use). */
const struct wl_meta *const *wl_meta_all(int *n);
/* Position in the table, or -1 for an unknown name. */
int wl_meta_rank(const char *name);

/* STREAM wants arrays of at least this many times the last-level cache. */
#define WL_LLC_FACTOR 4
/* The array size the harness gives WLM_LLC workloads: WL_LLC_FACTOR x llc,
 * capped at the power of two that keeps three arrays within 60% of the
 * memory limit (virtual machines often report caches far larger than they
 * have: a 508 MB "L3" was seen on one). */
uint64_t wl_meta_llc_size(uint64_t llc, uint64_t mem_bytes);

#endif
