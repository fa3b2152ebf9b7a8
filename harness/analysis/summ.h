/* summ.h - per (env, workload, metric): descriptive statistics, bootstrap
 * CI of the median, and the cost factor versus the baseline (native),
 * computed from the rows of raw.csv. Written as DIR/summary.csv and
 * DIR/summary.json (columns in README.md). */
#ifndef VB_SUMM_H
#define VB_SUMM_H

#include "common/err.h"
#include "common/raw.h"
#include "analysis/stat.h"

#include <stdio.h>

struct summ_group {
    char env[48];              /* the environment, "env@arm" in an A/B run */
    char arm[16];              /* the arm alone ("" outside A/B runs) */
    char workload[32], metric[48], unit[16], dir[8];
    const char *params;        /* of the first row (points into rows) */
    const char *wl_sha256;     /* the wl build of the first row (points into rows) */
    double *v;                 /* the ok values, in row order */
    int nv;
    struct stat_desc d;
    int has_cost;              /* a baseline exists for this metric */
    double cost, cost_lo, cost_hi;
    int failed;                /* non-ok repetitions of this env+workload */
    int mismatch;              /* of those, checksum mismatches */
};

/* Failed repetitions of an env (and arm) and workload, whether or not any
 * of its series has a value: a run where every launch failed is not an
 * empty one. */
struct summ_fail {
    char env[48], workload[32];
    int failed, mismatch;
};

struct summary {
    struct summ_group *g;
    int n;
    struct summ_fail *fails;
    int nfails;
    char run_id[48], host[72], accel[8];
    int runs;                  /* most repetitions of any group */
};

/* Group (one pass over the rows) and compute. Envs are ordered as in the
 * env table (native first), workloads as in the workload table, metrics
 * as they first appear. -1 with e when nothing was measured. */
int summary_build(const struct rows *r, struct summary *s, struct vb_err *e);

/* The same, without cost factors (has_cost 0) when flags has
 * SUMM_NO_COST: compare and history read medians and values only, and the
 * cost factors' CIs are most of a summary's work. */
#define SUMM_NO_COST 1
int summary_build_flags(const struct rows *r, int flags, struct summary *s, struct vb_err *e);
void summary_free(struct summary *s);

/* The failures of env (label) and workload, or NULL when none. */
const struct summ_fail *summary_fails(const struct summary *s, const char *env, const char *workload);

/* The group for env/workload/metric, or NULL. */
const struct summ_group *summary_find(const struct summary *s, const char *env, const char *workload,
                                      const char *metric);

int summary_write_csv(FILE *f, const struct summary *s);
int summary_write_json(FILE *f, const struct summary *s);

/* The groups as a JSON array (for summary.json and the export). */
struct json_object *summary_groups_json(const struct summary *s);

/* Fixed per-series bootstrap seed: the same data always gives the same CI. */
uint64_t summary_seed(const char *env, const char *workload, const char *metric);

#endif
