/* iso.h - the noisy-neighbour results of a summary, arranged for the
 * heatmap and REPORT.md (chart_iso.c, mdiso.c): per environment, the
 * slowdown factor of each victim's headline metric beside each antagonist
 * condition. Names are the neighbour's (run/hostwl.h: hostwl_nb_name). */
#ifndef VB_ISO_H
#define VB_ISO_H

#include "report/chartlib.h"

#define ISO_MAX_ROWS 12
#define ISO_MAX_COLS 24

struct iso_grid {
    const char *env[CHART_MAX_ENVS];
    int nenv;
    char row[ISO_MAX_ROWS][64];            /* "mem triad_bw": the victims' headline metrics */
    char victim[ISO_MAX_ROWS][48], metric[ISO_MAX_ROWS][48];
    int nrow;
    char col[ISO_MAX_COLS][48];            /* conditions: "bw100", "spin50-native" */
    int ncol;
    double x[CHART_MAX_ENVS][ISO_MAX_ROWS][ISO_MAX_COLS];   /* median slowdown; NaN when not measured */
    int reps;                              /* the most repetitions of a cell */
};

/* Fill g from s (zeroed first). Rows in the workload table's order,
 * columns by antagonist (noise_names order), duty, then environment. */
void iso_grid_build(const struct summary *s, struct iso_grid *g);

/* Split a condition "bw100" or "spin50-native": 1 with its antagonist,
 * duty and environment ("" for the victim's own), 0 when it is not one. */
int iso_cond_parse(const char *cond, char ant[16], int *duty, char env[32]);

/* An antagonist's name as a reader knows it ("memory bandwidth"). */
const char *iso_antagonist_label(const char *ant);

#endif
