/* held.h - idle instances for the measurements made from the host
 * (run/hostwl.h): wl's `hold` workload launched through the env ops and
 * read until it says ready, then left running until held_stop; and what a
 * set of them costs the host, measured at one moment. */
#ifndef VB_HELD_H
#define VB_HELD_H

#include "run/hostwl.h"
#include "env/usage.h"

#include <stdint.h>

struct held {
    struct env_inst inst;
    int launched;              /* launch() was called: stop() is owed */
    uint64_t t0, t_ready;      /* the launch call, the ready line (CLOCK_MONOTONIC ns) */
};

/* Launch `wl hold` and read its stream until ready. The start deadline is
 * the environment's (as for any launch) times scale: a host busy with the
 * instances already running starts the next more slowly. 0, or -1 with e
 * (VB_EINTR on Ctrl-C); held_stop is owed either way. */
int held_start(const struct hostwl_ctx *c, double scale, struct held *h, struct vb_err *e);

/* Stop the instance (idempotent). */
void held_stop(const struct hostwl_ctx *c, struct held *h);

/* A warm-up for a workload measured from the host: one instance started
 * until ready and stopped - the path a measurement takes, at a fraction
 * of a sweep's cost. 0 (a failure is in o), or -1 when it cannot run. */
int held_warmup(const struct hostwl_ctx *c, struct hostwl_out *o);

/* Sleep ms, waking for Ctrl-C: 0, or -1 when a stop signal came. */
int held_pause(double ms);

/* What n live instances cost, summed (KiB, CPU-ms per second). */
struct held_cost {
    double pss[USAGE_NROLES];  /* PSS by role; the VMM's includes the guest's RAM */
    int nrole[USAGE_NROLES];   /* processes in each role */
    double pss_total, pss_anon, pss_file, rss, uss, pte;
    double guest_pss, guest_rss, guest_thp, tcg_pss;
    double vmm_file;           /* the VMM's file pages: its binary, libraries, a mapped kernel image */
    int nvmm, guest_found;     /* VMM processes; how many had a guest RAM mapping */
    double cg_current, cg_kernel;
    int ncg;                   /* instances with a cgroup of their own */
    int threads;
    double cpu_ms_s;           /* CPU time of all their threads over the window */
};

/* Measure: CPU time over window_ms, then memory. 0, or -1 with e (VB_EINTR
 * on Ctrl-C; VB_EFAIL when an instance has no process to measure). */
int held_cost(const struct hostwl_ctx *c, struct held *const *h, int n, double window_ms, struct held_cost *cost,
              struct vb_err *e);

/* MemAvailable (KiB), the median of three reads a few ms apart: one read
 * catches whatever else the host did at that instant. */
double held_mem_available(void);

/* A MemAvailable reading and when it was taken. */
struct held_avail {
    double kib;
    uint64_t t;
};
void held_avail_read(struct held_avail *a);

/* How far MemAvailable at `during` lies below the line through `before`
 * and `after` (read with no instance alive): the host's own drift over
 * the measurement, as long as it is steady, cancels out. KiB. */
double held_avail_drop(const struct held_avail *before, const struct held_avail *during,
                       const struct held_avail *after);

/* Does the host run KSM (/sys/kernel/mm/ksm/run is 1)? */
int held_ksm_on(void);

/* KSM, when the host runs it, merges guest pages over seconds: wait, as
 * Kata's density test does, until it has scanned everything twice and
 * pages_shared stops moving (or limit_s). Returns the memory KSM's shared
 * pages take (KiB), with *saved_kib what sharing them saves (the pages
 * that map them); 0 when KSM is off; -1 on Ctrl-C. Host-wide figures. */
double held_ksm_settle(double limit_s, double *saved_kib);

#endif
