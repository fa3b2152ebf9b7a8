/* summ.h - per (env, workload, metric): descriptive statistics, bootstrap
 * CI of the median, and the cost factor versus native, computed from the
 * rows of raw.csv. Written as DIR/summary.csv and DIR/summary.json
 * (columns in README.md). */
#ifndef VB_SUMM_H
#define VB_SUMM_H

#include "err.h"
#include "rows.h"
#include "stat.h"

#include <stdio.h>

struct summ_group {
    char env[32], workload[32], metric[48], unit[16], dir[8];
    const char *params;        /* of the first row (points into rows) */
    struct stat_desc d;
    int has_cost;              /* a native baseline exists for this metric */
    double cost, cost_lo, cost_hi;
    int failed;                /* non-ok repetitions of this env+workload */
};

struct summary {
    struct summ_group *g;
    int n;
    char run_id[48], host[64], accel[8];
    int runs;                  /* most repetitions of any group */
};

/* Group and compute (ok rows only). Envs are ordered as in the env table
 * (native first), workloads and metrics as they first appear. */
int summary_build(const struct rows *r, struct summary *s, struct vb_err *e);
void summary_free(struct summary *s);

/* The group for env/workload/metric, or NULL. */
const struct summ_group *summary_find(const struct summary *s, const char *env, const char *workload,
                                      const char *metric);

int summary_write_csv(FILE *f, const struct summary *s);
int summary_write_json(FILE *f, const struct summary *s);

/* Read DIR/raw.csv and write DIR/summary.csv and DIR/summary.json, each
 * complete or not at all (temp file + rename). */
int summary_save(const char *dir, struct vb_err *e);

/* Everything about a run in one JSON document: run.json, the summary and
 * every raw row. Written to path atomically. */
int summary_export_json(const char *dir, const char *path, struct vb_err *e);

/* Write fn's output to path via a temp file in the same directory and
 * rename, so readers never see half a file. */
int file_atomic(const char *path, int (*fn)(FILE *, const void *), const void *arg, struct vb_err *e);

#endif
