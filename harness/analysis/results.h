/* harness/analysis/ - what the numbers say: a results directory opened
 * once (this module), statistics, the summary and compare. Includes run/
 * (for run.json), env/ (table order, the baseline) and common/.
 *
 * results.h - a results directory opened once into one object: the raw
 * rows, run.json and the summary computed from the rows. Every consumer -
 * summary files, charts, REPORT.md, the JSON export, compare - takes this
 * object; none re-reads or re-summarises. */
#ifndef VB_RESULTS_H
#define VB_RESULTS_H

#include "analysis/summ.h"
#include "common/err.h"
#include "common/raw.h"
#include "run/meta.h"

#include <limits.h>

struct results {
    char dir[PATH_MAX];        /* the directory as the user named it */
    struct rows rows;
    struct run_meta meta;      /* zeroed when there is no usable run.json */
    int has_meta;
    char meta_warning[512];    /* why run.json was not used, when it exists but is broken */
    struct summary summ;
};

/* Open path: a results directory (DIR/raw.csv, DIR/run.json when there)
 * or a raw.csv file itself. 0, or -1 with e (VB_EUSAGE: missing or
 * malformed raw.csv, nothing measured) and nothing to close. A broken
 * run.json does not stop anything that needs only the rows: it is left
 * out and meta_warning says why. */
int results_open(const char *path, struct results *r, struct vb_err *e);

/* The same with summary flags (SUMM_NO_COST for compare and history). */
int results_open_flags(const char *path, int flags, struct results *r, struct vb_err *e);

void results_close(struct results *r);

/* Write DIR/summary.csv and DIR/summary.json, each complete or not at all. */
int results_save_summary(const struct results *r, struct vb_err *e);

#endif
