/* history.h - many runs of the same matrix over time (nightly CI, say):
 * each headline series' median per run in run order, and the change points
 * in it - where its level shifted - found with E-Divisive means (Matteson
 * and James 2014; the method behind MongoDB's and Apache Otava's
 * performance-regression detectors): the split that maximises the energy
 * distance between the two sides, kept when a permutation test finds it
 * significant, then each side searched again. This finds slow drift and
 * steps that a pairwise compare of neighbouring runs misses. */
#ifndef VB_HISTORY_H
#define VB_HISTORY_H

#include "analysis/results.h"
#include "common/err.h"

#include <stdint.h>
#include <stdio.h>

#define HIST_MAX_CP 16

/* Change points of x[0..n-1]: indexes k where a new level starts (x[k] is
 * the first of it), ascending, at most max. A split needs at least
 * min_size values on each side and a permutation p-value (199
 * permutations, seeded) at most alpha. Returns the count. */
int hist_change_points(const double *x, int n, int min_size, double alpha, uint64_t seed, int *cps, int max);

/* One headline series across runs. */
struct hist_series {
    char env[48], workload[32], metric[48], unit[16], dir[8];
    double *median, *lo, *hi;  /* per run; NaN where the run lacks it */
    int cp[HIST_MAX_CP], ncp;  /* change points (run indexes) */
};

struct history {
    int nrun;
    char (*run_id)[64], (*commit)[48], (*dir)[256];
    char host[72], accel[8];   /* of the newest run; "" when the runs differ in it */
    int skipped;               /* runs that could not be read, left out */
    char skip_why[300];        /* the first one's reason */
    struct hist_series *s;
    int n;
};

/* Open every run (each a results directory; ordered by run id, which is
 * its start time) and follow the headline metrics of every environment.
 * 0, or -1 with e. */
int history_build(char *const *dirs, int ndirs, double alpha, struct history *h, struct vb_err *e);
void history_free(struct history *h);

/* The trend table as text (a block per series, change points marked) or
 * JSON. */
int history_write_text(FILE *f, const struct history *h);
int history_write_json(FILE *f, const struct history *h);

#endif
