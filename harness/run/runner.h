/* runner.h - runs a plan: launches each (env, workload, rep) through the env
 * ops, parses the protocol stream, and appends raw.csv rows as it goes. */
#ifndef VB_RUNNER_H
#define VB_RUNNER_H

#include "env/env.h"
#include "common/raw.h"

#include <stdint.h>

#define RUN_MAX_ENVS 8
#define RUN_MAX_WLS 8

struct run_workload {
    const char *name;
    int argc;
    char **argv;               /* wl options for this workload */
};

struct run_spec {
    const struct run_cfg *cfg;
    const struct env_ops *envs[RUN_MAX_ENVS];
    int nenv;
    struct run_workload wls[RUN_MAX_WLS];
    int nwl;
    int runs, warmup;
    uint64_t seed;
    const char *disk;          /* host file for disk workloads, or NULL */
    struct raw *raw;
    FILE *order;               /* if set, the plan actually run is written here */
    int progress;              /* print a progress line on stderr */
};

struct run_totals {
    int ok, failed, skipped_after_signal;
    double connect_ms[RUN_MAX_ENVS]; /* prepare() time per env */
};

/* Run everything. Returns 0 when the plan completed (individual failures are
 * rows with a non-ok status, counted in t->failed), or -1 when it could not
 * start or was interrupted (e says which). Every env is torn down on return. */
int runner_run(const struct run_spec *s, struct run_totals *t, struct vb_err *e);

#endif
