#include "analysis/stat.h"
#include "common/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stat_quantile(const double *sorted, int n, double q)
{
    if (n == 1)
        return sorted[0];
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

double stat_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return stat_quantile(v, n, 0.5);
}

/* One bootstrap resample of v into out, median of it. */
static double resample_median(const double *v, int n, double *out, uint64_t *rng)
{
    for (int i = 0; i < n; i++)
        out[i] = v[rng_next(rng) % (uint64_t)n];
    return stat_median(out, n);
}

int stat_describe(const double *v, int n, uint64_t seed, struct stat_desc *d)
{
    memset(d, 0, sizeof *d);
    if (n < 1)
        return -1;
    double *s = malloc((size_t)n * sizeof *s);
    double *r = malloc((size_t)n * sizeof *r);
    double *meds = malloc(STAT_RESAMPLES * sizeof *meds);
    if (!s || !r || !meds) {
        free(s);
        free(r);
        free(meds);
        return -1;
    }
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp);
    d->n = n;
    d->min = s[0];
    d->max = s[n - 1];
    d->median = stat_quantile(s, n, 0.5);
    d->p5 = stat_quantile(s, n, 0.05);
    d->p95 = stat_quantile(s, n, 0.95);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += s[i];
    d->mean = sum / n;
    double ss = 0;
    for (int i = 0; i < n; i++)
        ss += (s[i] - d->mean) * (s[i] - d->mean);
    d->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
    d->cv = d->mean != 0 ? d->sd / fabs(d->mean) : 0;
    d->noisy = d->cv > STAT_NOISY_CV;
    double q1 = stat_quantile(s, n, 0.25), q3 = stat_quantile(s, n, 0.75), iqr = q3 - q1;
    for (int i = 0; i < n; i++)
        d->outliers += s[i] < q1 - 1.5 * iqr || s[i] > q3 + 1.5 * iqr;
    uint64_t rng = seed;
    for (int b = 0; b < STAT_RESAMPLES; b++)
        meds[b] = resample_median(v, n, r, &rng);
    qsort(meds, STAT_RESAMPLES, sizeof *meds, cmp);
    d->ci_lo = stat_quantile(meds, STAT_RESAMPLES, 0.025);
    d->ci_hi = stat_quantile(meds, STAT_RESAMPLES, 0.975);
    free(s);
    free(r);
    free(meds);
    return 0;
}

static double cost(double env, double base, int higher)
{
    return higher ? base / env : env / base;
}

int stat_cost(const double *env, int ne, const double *base, int nb, int higher_is_better, uint64_t seed,
              double *ratio, double *lo, double *hi)
{
    if (ne < 1 || nb < 1)
        return -1;
    int m = ne > nb ? ne : nb;
    double *a = malloc((size_t)m * sizeof *a), *rs = malloc(STAT_RESAMPLES * sizeof *rs);
    if (!a || !rs) {
        free(a);
        free(rs);
        return -1;
    }
    memcpy(a, env, (size_t)ne * sizeof *a);
    double me = stat_median(a, ne);
    memcpy(a, base, (size_t)nb * sizeof *a);
    double mb = stat_median(a, nb);
    *ratio = cost(me, mb, higher_is_better);
    uint64_t rng = seed;
    for (int b = 0; b < STAT_RESAMPLES; b++) {
        double e = resample_median(env, ne, a, &rng);
        double n = resample_median(base, nb, a, &rng);
        rs[b] = cost(e, n, higher_is_better);
    }
    qsort(rs, STAT_RESAMPLES, sizeof *rs, cmp);
    *lo = stat_quantile(rs, STAT_RESAMPLES, 0.025);
    *hi = stat_quantile(rs, STAT_RESAMPLES, 0.975);
    free(a);
    free(rs);
    return 0;
}
