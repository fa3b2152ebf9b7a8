/* runner.h - runs a plan: launches each (slot, workload, rep) through the
 * env ops, parses the protocol stream, and appends raw.csv rows as it goes.
 * A slot is an environment configured one way: in an A/B run each env has
 * a slot per arm, with that arm's run_cfg and workload arguments. */
#ifndef VB_RUNNER_H
#define VB_RUNNER_H

#include "env/env.h"
#include "common/raw.h"

#include <stdint.h>

#define RUN_MAX_ENVS 8
#define RUN_MAX_ARMS 2
#define RUN_MAX_SLOTS (RUN_MAX_ENVS * RUN_MAX_ARMS)
#define RUN_MAX_WLS 12

struct run_workload {
    const char *name;
    int argc;
    char **argv;               /* wl options for this workload */
    int runs;                  /* fewer repetitions than the run's (0: the run's) */
};

/* Workloads a run's workload launches itself (the neighbour's victims and
 * antagonists), with the options the run would give them. */
#define RUN_MAX_AUX 12

struct run_slot {
    const struct env_ops *env;
    const struct run_cfg *cfg;         /* its arm's */
    const struct run_workload *wls;    /* its arm's, nwl of them */
    const struct run_workload *aux;    /* its arm's, naux of them */
    int naux;
    const char *arm;                   /* "" outside A/B runs */
    const char *wl_sha256;             /* its arm's wl build */
    unsigned long mem_mib;
};

struct run_spec {
    struct run_slot slots[RUN_MAX_SLOTS];
    int nslot;
    int nwl;
    int runs, warmup;
    uint64_t seed;
    const char *disk;          /* host file for disk workloads, or NULL */
    const char *disk2;         /* a second one, for an antagonist's I/O beside it, or NULL */
    struct raw *raw;
    FILE *order;               /* if set, the plan actually run is written here */
    int progress;              /* print a progress line on stderr */
};

struct run_totals {
    int ok, failed, skipped_after_signal;
    double connect_ms[RUN_MAX_SLOTS]; /* prepare() time per slot */
    char about[RUN_MAX_SLOTS][256];   /* what the env says of itself after prepare() */
};

/* One pass over (a part of) the plan: the (slot, workload) pairs with a
 * nonzero entry in want (NULL: all), runs and warm-ups each, repetitions
 * numbered from rep_base + 1. */
struct run_pass {
    const unsigned char (*want)[RUN_MAX_WLS];   /* [slot][workload] */
    int runs, warmup, rep_base;
    uint64_t seed;
};

struct runner;

/* Prepare every slot's environment. 0, or -1 with e (what was prepared is
 * torn down again). */
int runner_start(const struct run_spec *s, struct runner **r, struct run_totals *t, struct vb_err *e);

/* Run one pass. 0 when it completed (failures are rows, counted in t), -1
 * when it could not run or was interrupted. */
int runner_pass(struct runner *r, const struct run_pass *p, struct run_totals *t, struct vb_err *e);

/* Tear every slot down. NULL-safe. */
void runner_end(struct runner *r);

/* start + one pass of everything (s->runs, s->warmup, s->seed) + end. */
int runner_run(const struct run_spec *s, struct run_totals *t, struct vb_err *e);

#endif
