/* mdreport.h - REPORT.md for a results directory: host, versions, method,
 * a table per workload, the figures, caveats and the command to reproduce,
 * all from DIR/run.json and DIR/raw.csv. */
#ifndef VB_MDREPORT_H
#define VB_MDREPORT_H

#include "err.h"

#include <stdio.h>

/* Write the report for dir to f. Figures are linked as <dir>/plots/...,
 * so the paths are right when the report is saved in the current
 * directory (`vcbench report results/reference > REPORT.md`). */
int mdreport_write(FILE *f, const char *dir, struct vb_err *e);

#endif
