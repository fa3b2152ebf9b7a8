/* rows.h - raw.csv read back: everything after a run (summary, charts,
 * report, compare) starts from the file, never from the run's memory. */
#ifndef VB_ROWS_H
#define VB_ROWS_H

#include "err.h"

struct row {
    char run_id[48], host[64], env[32], workload[32], metric[48], unit[16], dir[8], status[16];
    char accel[8], cpus[64];
    char *params;
    int rep, seq;
    double value;
    int has_value;
};

struct rows {
    struct row *v;
    int n, cap;
};

/* Load path. A missing file, a header that is not vcbench-raw-1, or a
 * malformed line fails with VB_EUSAGE and a message naming the line. */
int rows_load(const char *path, struct rows *r, struct vb_err *e);

void rows_free(struct rows *r);

#endif
