/* regress.h - `vcbench compare BASE CURRENT`: the CI verdict. For every
 * (env, workload, metric) measured in both, the change of CURRENT against
 * BASE as an oriented factor (above 1 = worse) with a bootstrap 95% CI. A
 * regression is a slowdown whose whole CI lies beyond the threshold, so
 * noise alone does not fail a pipeline. */
#ifndef VB_REGRESS_H
#define VB_REGRESS_H

#include "analysis/results.h"
#include "common/err.h"

#include <stdio.h>

enum verdict { V_SAME, V_REGRESSION, V_IMPROVEMENT };

struct regress_line {
    char env[32], workload[32], metric[48], unit[16];
    double base, cur, factor, lo, hi;
    enum verdict v;
};

/* Compare; writes the table to out and fills the counts. threshold_pct is
 * the smallest change that counts (e.g. 5). Returns the number of lines
 * compared, or -1 (e says why: nothing in common, out of memory). */
int regress_compare(const struct results *base, const struct results *cur, double threshold_pct, FILE *out,
                    int *regressions, int *improvements, struct vb_err *e);

#endif
