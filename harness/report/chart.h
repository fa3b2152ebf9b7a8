/* chart.h - gnuplot charts of a summary (PNG and SVG), under DIR/plots/.
 * The scripts are generated text (golden-tested) plus a .dat file each;
 * gnuplot renders them. Every title names the host, the accelerator and
 * the number of runs; every axis has its unit. */
#ifndef VB_CHART_H
#define VB_CHART_H

#include "analysis/history.h"
#include "analysis/results.h"
#include "analysis/summ.h"
#include "common/err.h"

#include <stdio.h>

struct chart_meta {
    const char *host, *accel, *run_id;
    int runs;
    unsigned long long cache[3];   /* L1d, L2, L3 bytes (0 = unknown) */
};

/* Scripts (they read <name>.dat from the current directory and write
 * <name>.png and <name>.svg). Each returns 0, or 1 when the summary has
 * nothing for that chart (no file needed). */
int chart_overhead(FILE *gp, FILE *dat, const struct summary *s, const char *workload, const struct chart_meta *m);
int chart_startup(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);
int chart_memlat(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);
int chart_disklat(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);
/* What instances cost (chart_cost.c): one idle instance's memory by
 * component; memory per instance and launch latency against N. */
int chart_footprint(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);
int chart_density_mem(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);
int chart_density_launch(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);

/* Noisy neighbours (chart_iso.c): a heatmap per environment, victim
 * metric x antagonist, colour = slowdown factor. */
int chart_isolation(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m);

/* A headline metric over the runs of a history (lines per env, change
 * points dashed); 1 when the history lacks it. */
int chart_history(FILE *gp, FILE *dat, const struct history *h, const char *workload, const char *metric);

/* Every headline metric's history chart into dir (made if missing), as
 * history_<workload>_<metric>.png and .svg. 0 or -1 with e. */
int chart_history_all(const struct history *h, const char *dir, struct vb_err *e);

/* Write every chart of a results directory into DIR/plots and render it
 * with gnuplot; also the lstopo topology picture. Prints nothing; returns
 * 0 or -1 (gnuplot missing or failing: e says so). */
int chart_all(const struct results *r, struct vb_err *e);

#endif
