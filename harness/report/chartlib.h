/* chartlib.h - what the chart generators share (chart.c, chart_cost.c):
 * terminals, titles and the environments and medians of a summary. */
#ifndef VB_CHARTLIB_H
#define VB_CHARTLIB_H

#include "report/chart.h"

/* Environments one chart shows: five, each in up to two arms of an A/B run, and room. */
#define CHART_MAX_ENVS 16

/* The PNG terminal, writing <name>.png. */
void chart_terminals(FILE *gp, const char *name, int w, int h);

/* The same plot again as <name>.svg. */
void chart_render_again(FILE *gp, const char *name, int w, int h);

/* The PNG terminal and a two-line title: what the chart shows, then the
 * host, the accelerator and the number of runs. */
void chart_head(FILE *gp, const char *name, int w, int h, const char *title, const struct chart_meta *m);

/* Environments of the summary with rows of workload (NULL: any), in table
 * order, optionally without the baseline (native). Returns the count. */
int chart_envs_of(const struct summary *s, const char *workload, int with_native, const char *out[CHART_MAX_ENVS]);

/* The median of env/wl/metric, NaN when the summary has none. */
double chart_med(const struct summary *s, const char *env, const char *wl, const char *metric);

/* Is a MemAvailable drop above the noise MemAvailable has by itself (per-
 * CPU page lists, the page cache, the rest of the host)? 1 when the
 * bootstrap interval of its median stays above 0. The one rule the
 * footprint chart and REPORT.md's sentences follow. */
int chart_above_noise(const struct summ_group *x);

#endif
