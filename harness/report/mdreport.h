/* harness/report/ - what people read: REPORT.md (this module), gnuplot
 * charts and the JSON export, each from an opened results directory
 * (analysis/results.h). The top floor of the harness; only bench/ is
 * above it.
 *
 * mdreport.h - REPORT.md for an opened results directory: the answer,
 * host, versions, method, a table per workload, the figures, caveats and
 * the command to reproduce. */
#ifndef VB_MDREPORT_H
#define VB_MDREPORT_H

#include "analysis/results.h"
#include "common/err.h"

#include <stdio.h>

/* Write the report of r to f. Figures are linked as <r->dir>/plots/...,
 * so the paths are right when the report is saved in the current
 * directory (`vcbench report results/reference > REPORT.md`). */
int mdreport_write(FILE *f, const struct results *r, struct vb_err *e);

#endif
