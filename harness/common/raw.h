/* raw.h - raw.csv, the sacred record (design decision 8): one row per
 * metric per repetition, appended and flushed to disk as it is measured, so
 * an interrupted run keeps every finished repetition. The format lives in
 * this one module: the writer the runner uses and the reader everything
 * after a run starts from (summary, charts, report, compare), never from
 * the run's memory. Schema in README.md. */
#ifndef VB_RAW_H
#define VB_RAW_H

#include "common/err.h"
#include "common/strmap.h"

#include <stdio.h>

#define RAW_SCHEMA "vcbench-raw-2"
#define RAW_SCHEMA_V1 "vcbench-raw-1"     /* read: without the arm column */

/* Column order of raw.csv; RAW_NCOL columns (RAW_NCOL_V1 in raw-1 files). */
enum raw_col {
    RAW_SCHEMA_COL, RAW_RUN_ID, RAW_TIME, RAW_HOST, RAW_ENV, RAW_WORKLOAD, RAW_PARAMS,
    RAW_REP, RAW_SEQ, RAW_METRIC, RAW_UNIT, RAW_DIR, RAW_VALUE, RAW_STATUS, RAW_ACCEL,
    RAW_CPUS, RAW_MEM_MIB, RAW_WL_SHA256, RAW_NOTE, RAW_ARM, RAW_NCOL
};
#define RAW_NCOL_V1 RAW_ARM

extern const char *const raw_columns[RAW_NCOL];

/* What is the same for every row of a run. */
struct raw_run {
    const char *run_id, *host, *accel, *cpus, *wl_sha256;
    unsigned long mem_mib;
};

struct raw {
    FILE *f;
    struct raw_run run;
    int rows;
};

/* One measured value. value is ignored when status is not "ok" and has_value is 0. */
struct raw_row {
    const char *env, *workload, *params;
    int rep, seq;
    const char *metric, *unit, *dir;
    double value;
    int has_value;
    const char *status, *note;
    /* An A/B run's arm ("" or NULL: none) and what differs per arm (NULL
     * or 0: the run's). */
    const char *arm, *wl_sha256;
    unsigned long mem_mib;
};

/* Create path (which must not exist: never overwrite results) with the header. */
int raw_open(struct raw *r, const char *path, const struct raw_run *run, struct vb_err *e);

/* Append one row and push it to disk (fflush + fdatasync). 0 or -1. */
int raw_write(struct raw *r, const struct raw_row *row, struct vb_err *e);

void raw_close(struct raw *r);

/* Is s a name a row may carry (env, workload, metric, host, ...): 1 to
 * max-1 bytes of letters, digits and _ . + - : (and / % when unit is set,
 * for "MB/s")? Names reach file names, gnuplot scripts and Markdown, so
 * nothing else is written or read. */
int raw_name_ok(const char *s, size_t max, int unit);

/* Reading it back. */
struct row {
    char run_id[48], host[72], env[32], workload[32], metric[48], unit[16], dir[8], status[16];
    char accel[8], cpus[64], arm[16];
    const char *params;        /* one copy per distinct value, owned by the rows (rows_intern) */
    int rep, seq;
    double value;
    int has_value;
    int sha;                   /* index into rows.shas: the wl build that measured it */
};

struct rows {
    struct row *v;
    int n, cap;
    char (*shas)[65];          /* the distinct wl sha256 values (a run has one, an A/B run two) */
    int nsha;
    struct strmap strs;        /* interned strings (params) */
};

/* A copy of s owned by r, shared by every row with the same s (a run has
 * a handful of distinct params over thousands of rows). NULL: no memory. */
const char *rows_intern(struct rows *r, const char *s);

/* Load path. A missing file, a header that is not vcbench-raw-1, or a
 * malformed line fails with VB_EUSAGE and a message naming the line. */
int rows_load(const char *path, struct rows *r, struct vb_err *e);

/* The same from an open stream; path names it in messages. */
int rows_read(FILE *f, const char *path, struct rows *r, struct vb_err *e);

void rows_free(struct rows *r);


#endif
