/* stat.h - the statistics behind every figure: pure functions of arrays
 * of values, recomputed from raw.csv (never from memory of a run).
 *
 * Percentiles use linear interpolation between order statistics (Hyndman
 * & Fan type 7, the default of R and numpy). Confidence intervals are
 * percentile bootstraps (seeded, STAT_RESAMPLES resamples): no normality
 * is assumed, which matters for the skewed distributions of latencies. */
#ifndef VB_STAT_H
#define VB_STAT_H

#include <stdint.h>

#define STAT_RESAMPLES 2000
#define STAT_NOISY_CV 0.05

struct stat_desc {
    int n;
    double median, mean, sd, cv, min, max, p5, p95;
    double ci_lo, ci_hi;       /* 95% bootstrap CI of the median */
    int outliers;              /* outside Tukey's fences (1.5 IQR) */
    int noisy;                 /* cv > STAT_NOISY_CV */
};

/* q-quantile (0..1) of sorted[0..n-1], type 7. n >= 1. */
double stat_quantile(const double *sorted, int n, double q);

/* Median of v (n >= 1); v is reordered. */
double stat_median(double *v, int n);

/* Describe v[0..n-1] (n >= 1; v is not modified). seed fixes the
 * bootstrap. Returns 0, or -1 for n < 1 or no memory. */
int stat_describe(const double *v, int n, uint64_t seed, struct stat_desc *d);

/* Cost factor of env vs base for one metric: how many times worse than
 * native. For lower-is-better metrics (times) median(env)/median(base);
 * for higher-is-better ones (rates) median(base)/median(env). So 1 = same
 * as native, 2 = twice as slow, 0.5 = twice as fast. With a 95% bootstrap
 * CI (both samples resampled independently). Returns 0 or -1. */
int stat_cost(const double *env, int ne, const double *base, int nb, int higher_is_better, uint64_t seed,
              double *ratio, double *lo, double *hi);

#endif
