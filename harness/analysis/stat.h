/* stat.h - the statistics behind every figure and verdict: pure functions
 * of arrays of values, recomputed from raw.csv (never from memory of a
 * run).
 *
 * Percentiles use linear interpolation between order statistics (Hyndman
 * & Fan type 7, the default of R and numpy). The CI of a median is the
 * distribution-free one from order statistics (binomial: exact, no
 * resampling); the CI of a ratio of medians is a percentile bootstrap
 * (seeded) for small samples, whose cost is bounded: it stops once its end
 * points are stable, and for big ones its closed-form large-sample limit. No normality is assumed anywhere, which matters for the skewed
 * distributions of latencies. Comparisons use the Mann-Whitney U test,
 * with Benjamini-Hochberg or Holm adjustment over many series. */
#ifndef VB_STAT_H
#define VB_STAT_H

#include <stdint.h>

#define STAT_RESAMPLES 2000        /* at most, for a ratio's CI */
#define STAT_CLOSED_MIN 30         /* values a side from which a ratio's CI has a closed form */
#define STAT_NOISY_CV 0.05
#define STAT_LEVEL 0.95

struct stat_desc {
    int n;
    double median, mean, sd, cv, min, max, p5, p95;
    double mad;                /* median absolute deviation from the median */
    double ci_lo, ci_hi;       /* CI of the median from order statistics */
    double ci_level;           /* its exact coverage: >= STAT_LEVEL from n = 6 on, less below */
    int outliers;              /* outside Tukey's fences (1.5 IQR) */
    int noisy;                 /* cv > STAT_NOISY_CV */
};

/* q-quantile (0..1) of sorted[0..n-1], type 7. n >= 1. */
double stat_quantile(const double *sorted, int n, double q);

/* The k-th smallest (0-based) of v[0..n-1], by selection; v is reordered. */
double stat_select(double *v, int n, int k);

/* Median of v (n >= 1), by selection; v is reordered. */
double stat_median(double *v, int n);

/* Describe v[0..n-1] (n >= 1; v is not modified). Returns 0, or -1 for
 * n < 1 or no memory. */
int stat_describe(const double *v, int n, struct stat_desc *d);

/* The shortest symmetric order-statistic interval [x(k), x(n-1-k)] of
 * sorted[0..n-1] (0-based) that covers the median with probability >=
 * level (for continuous data), or the whole range when n is too small for
 * that; *achieved is its coverage, 1 - 2 P(Binomial(n, 1/2) <= k). */
void stat_median_ci(const double *sorted, int n, double level, double *lo, double *hi, double *achieved);

/* Percentile-bootstrap 95% CI of the median of v[0..n-1] (STAT_RESAMPLES
 * resamples, seeded: the same data give the same interval). With a few
 * values it cannot reach past them, and is narrower than the
 * order-statistic interval - it shows how much the median moves, not a
 * guaranteed coverage. 0, or -1 for n < 1 or no memory. */
int stat_boot_median(const double *v, int n, uint64_t seed, double *lo, double *hi);

/* Cost factor of env vs base for one metric: how many times worse than
 * native. For lower-is-better metrics (times) median(env)/median(base);
 * for higher-is-better ones (rates) median(base)/median(env). So 1 = same
 * as native, 2 = twice as slow, 0.5 = twice as fast. With a 95% CI: a
 * percentile bootstrap (both samples resampled independently, at most
 * STAT_RESAMPLES, fewer once the end points are stable) while a sample
 * has fewer than STAT_CLOSED_MIN values; from there on, for positive values, the closed form of Price & Bonett (2002):
 * log ratio +- z se, each median's se on the log scale from its
 * order-statistic interval. Returns 0 or -1. */
int stat_cost(const double *env, int ne, const double *base, int nb, int higher_is_better, uint64_t seed,
              double *ratio, double *lo, double *hi);

/* Mann-Whitney U test of a against b, two-sided: the p-value, and U of a
 * in *u. Exact null distribution when both samples have at most 30 values
 * and no ties; otherwise the normal approximation with tie correction and
 * continuity correction (as scipy.stats.mannwhitneyu). 1 when either is
 * empty. */
double stat_mwu(const double *a, int na, const double *b, int nb, double *u);

/* Adjusted p-values for n tests (as R's p.adjust): Benjamini-Hochberg
 * (false discovery rate) and Holm (family-wise error). adj may be p. */
void stat_adjust_bh(const double *p, int n, double *adj);
void stat_adjust_holm(const double *p, int n, double *adj);

/* The smallest relative change of the median (0.05 = 5%) that a two-sided
 * test at alpha finds with the given power, at the spread of the two
 * samples (robust: 1.4826 MAD; the median's standard error 1.2533 s/sqrt n). */
double stat_mde(const struct stat_desc *a, const struct stat_desc *b, double alpha, double power);

/* The standard normal quantile (inverse CDF) of p in (0, 1). */
double stat_norm_quantile(double p);

#endif
