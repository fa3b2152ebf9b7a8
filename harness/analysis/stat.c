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

/* Hoare's selection (median-of-three pivot): O(n) expected. */
double stat_select(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

double stat_median(double *v, int n)
{
    double hi = stat_select(v, n, n / 2);
    if (n % 2)
        return hi;
    /* The lower middle is the largest of what selection left below. */
    double lo = v[0];
    for (int i = 1; i < n / 2; i++)
        lo = v[i] > lo ? v[i] : lo;
    return (lo + hi) / 2;
}

/* log of C(n, k) / 2^n. */
static double log_binom_half(int n, int k)
{
    /* lgamma_r: plain lgamma writes the global signgam, and the summary
     * calls this from several threads. */
    int sg;
    return lgamma_r(n + 1.0, &sg) - lgamma_r(k + 1.0, &sg) - lgamma_r(n - k + 1.0, &sg) - n * log(2.0);
}

void stat_median_ci(const double *sorted, int n, double level, double *lo, double *hi, double *achieved)
{
    /* The number B of values below the median is Binomial(n, 1/2); the
     * median lies below x(k) (0-based) when B <= k, so [x(k), x(n-1-k)]
     * covers it with probability 1 - 2 P(B <= k). Take the largest k that
     * keeps the coverage at level; k = 0 (the range) when none does. */
    int k = 0;
    double cum = exp(log_binom_half(n, 0));          /* P(B <= k) */
    while (k + 1 < n - 2 - k) {
        double next = cum + exp(log_binom_half(n, k + 1));
        if (1 - 2 * next < level)
            break;
        cum = next;
        k++;
    }
    *lo = sorted[k];
    *hi = sorted[n - 1 - k];
    *achieved = 1 - 2 * cum;
}

int stat_describe(const double *v, int n, struct stat_desc *d)
{
    memset(d, 0, sizeof *d);
    if (n < 1)
        return -1;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s)
        return -1;
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
    stat_median_ci(s, n, STAT_LEVEL, &d->ci_lo, &d->ci_hi, &d->ci_level);
    /* Absolute deviations, then their median (reusing s). */
    for (int i = 0; i < n; i++)
        s[i] = fabs(s[i] - d->median);
    d->mad = stat_median(s, n);
    free(s);
    return 0;
}

static double cost(double env, double base, int higher)
{
    return higher ? base / env : env / base;
}

/* One bootstrap resample of v into out, its median. */
static double resample_median(const double *v, int n, double *out, uint64_t *rng)
{
    for (int i = 0; i < n; i++)
        out[i] = v[rng_next(rng) % (uint64_t)n];
    return stat_median(out, n);
}

#define BATCH 250

int stat_boot_median(const double *v, int n, uint64_t seed, double *lo, double *hi)
{
    if (n < 1)
        return -1;
    double *a = malloc((size_t)n * sizeof *a), *med = malloc(STAT_RESAMPLES * sizeof *med);
    if (!a || !med) {
        free(a);
        free(med);
        return -1;
    }
    uint64_t rng = seed;
    for (int b = 0; b < STAT_RESAMPLES; b++)
        med[b] = resample_median(v, n, a, &rng);
    qsort(med, STAT_RESAMPLES, sizeof *med, cmp);
    *lo = stat_quantile(med, STAT_RESAMPLES, (1 - STAT_LEVEL) / 2);
    *hi = stat_quantile(med, STAT_RESAMPLES, (1 + STAT_LEVEL) / 2);
    free(a);
    free(med);
    return 0;
}

/* Standard error of log(median) of sorted[0..n-1] (all > 0), from the
 * distribution-free interval of the median (Price & Bonett 2002): its
 * width on the log scale over the normal width of its exact coverage. */
static double log_median_se(const double *sorted, int n)
{
    double lo, hi, level;
    stat_median_ci(sorted, n, STAT_LEVEL, &lo, &hi, &level);
    return (log(hi) - log(lo)) / (2 * stat_norm_quantile((1 + level) / 2));
}

/* The ratio's CI for big samples of positive values: log ratio +- z se,
 * the two medians independent. Returns 0, or -1 when a value is not
 * positive (then the bootstrap decides). Exact in the large-sample limit
 * and O(n log n), where the bootstrap costs thousands of selections. */
static int cost_ci_log(const double *env, int ne, const double *base, int nb, double ratio, double *lo,
                       double *hi)
{
    double *s = malloc((size_t)(ne > nb ? ne : nb) * sizeof *s);
    if (!s)
        return -1;
    double var = 0;
    const double *v[2] = {env, base};
    int n[2] = {ne, nb}, rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        memcpy(s, v[k], (size_t)n[k] * sizeof *s);
        qsort(s, (size_t)n[k], sizeof *s, cmp);
        if (!(s[0] > 0)) {
            rc = -1;
            break;
        }
        double se = log_median_se(s, n[k]);
        var += se * se;
    }
    free(s);
    if (rc)
        return -1;
    double z = stat_norm_quantile(1 - (1 - STAT_LEVEL) / 2), w = z * sqrt(var);
    *lo = ratio * exp(-w);
    *hi = ratio * exp(w);
    return 0;
}

int stat_cost(const double *env, int ne, const double *base, int nb, int higher_is_better, uint64_t seed,
              double *ratio, double *lo, double *hi)
{
    if (ne < 1 || nb < 1)
        return -1;
    int m = ne > nb ? ne : nb;
    double *a = malloc((size_t)m * sizeof *a), *rs = malloc(STAT_RESAMPLES * sizeof *rs);
    double *sorted = malloc(STAT_RESAMPLES * sizeof *sorted);
    if (!a || !rs || !sorted) {
        free(a), free(rs), free(sorted);
        return -1;
    }
    memcpy(a, env, (size_t)ne * sizeof *a);
    double me = stat_median(a, ne);
    memcpy(a, base, (size_t)nb * sizeof *a);
    double mb = stat_median(a, nb);
    *ratio = cost(me, mb, higher_is_better);
    /* Big samples: the closed form (the bootstrap would agree, at a
     * thousand times the cost). */
    if (ne >= STAT_CLOSED_MIN && nb >= STAT_CLOSED_MIN && me > 0 && mb > 0 &&
        cost_ci_log(env, ne, base, nb, *ratio, lo, hi) == 0) {
        free(a), free(rs), free(sorted);
        return 0;
    }
    /* In batches. Small samples take all STAT_RESAMPLES (cheap, and their
     * bootstrap distribution is too discrete to judge stability by); big
     * ones stop after the second batch once neither end point moved by
     * more than 0.2% of the ratio since the last. */
    int small = ne + nb <= 100;
    uint64_t rng = seed;
    double plo = NAN, phi = NAN;
    int b = 0;
    while (b < STAT_RESAMPLES) {
        for (int k = 0; k < BATCH; k++, b++) {
            double e = resample_median(env, ne, a, &rng);
            double n = resample_median(base, nb, a, &rng);
            rs[b] = cost(e, n, higher_is_better);
        }
        if (small && b < STAT_RESAMPLES)
            continue;
        memcpy(sorted, rs, (size_t)b * sizeof *sorted);
        qsort(sorted, (size_t)b, sizeof *sorted, cmp);
        *lo = stat_quantile(sorted, b, 0.025);
        *hi = stat_quantile(sorted, b, 0.975);
        double tol = 0.002 * fabs(*ratio);
        if (!small && b >= 2 * BATCH && fabs(*lo - plo) <= tol && fabs(*hi - phi) <= tol)
            break;
        plo = *lo;
        phi = *hi;
    }
    free(a), free(rs), free(sorted);
    return 0;
}

/* Exact two-sided p-value of U for sizes n1, n2 without ties: the number
 * of arrangements giving each U, by the recurrence over the largest value
 * (it belongs to one sample or the other). */
static double mwu_exact(int n1, int n2, double u)
{
    int max = n1 * n2;
    /* f[i][j][k] for the i-th sample size step is big; the standard trick
     * keeps one row per n1 and builds up n2 (counts fit a double). */
    double *f = calloc((size_t)(n1 + 1) * (size_t)(max + 1), sizeof *f), *g = NULL;
    if (!f)
        return NAN;
    /* f[a][k]: arrangements of a values of sample 1 among j values of
     * sample 2 with U = k, for the current j; j = 0: only k = 0. */
    for (int a = 0; a <= n1; a++)
        f[(size_t)a * (size_t)(max + 1)] = 1;
    g = calloc((size_t)(n1 + 1) * (size_t)(max + 1), sizeof *g);
    if (!g) {
        free(f);
        return NAN;
    }
    for (int j = 1; j <= n2; j++) {
        /* g[a][k] = g[a-1][k-j]... : the largest value is from sample 1
         * (it beats all j of sample 2: U += j) or from sample 2. */
        for (int a = 0; a <= n1; a++)
            for (int k = 0; k <= max; k++) {
                double v = f[(size_t)a * (size_t)(max + 1) + (size_t)k];       /* largest from sample 2 */
                if (a > 0 && k >= j)
                    v += g[(size_t)(a - 1) * (size_t)(max + 1) + (size_t)(k - j)]; /* from sample 1 */
                g[(size_t)a * (size_t)(max + 1) + (size_t)k] = v;
            }
        double *t = f;
        f = g;
        g = t;
    }
    double total = 0, le = 0, ge = 0;
    for (int k = 0; k <= max; k++) {
        double c = f[(size_t)n1 * (size_t)(max + 1) + (size_t)k];
        total += c;
        le += k <= u + 1e-9 ? c : 0;
        ge += k >= u - 1e-9 ? c : 0;
    }
    free(f);
    free(g);
    double p = 2 * fmin(le, ge) / total;
    return p > 1 ? 1 : p;
}

struct ranked {
    double v;
    int from_a;
};

static int rcmp(const void *x, const void *y)
{
    return cmp(&((const struct ranked *)x)->v, &((const struct ranked *)y)->v);
}

double stat_mwu(const double *a, int na, const double *b, int nb, double *u)
{
    *u = 0;
    if (na < 1 || nb < 1)
        return 1;
    /* A NaN compares with nothing: the tie scan below would not end.
     * (raw.csv refuses non-finite values; this guards every other caller.) */
    for (int i = 0; i < na; i++)
        if (isnan(a[i]))
            return NAN;
    for (int i = 0; i < nb; i++)
        if (isnan(b[i]))
            return NAN;
    int n = na + nb;
    struct ranked *r = malloc((size_t)n * sizeof *r);
    if (!r)
        return NAN;
    for (int i = 0; i < na; i++)
        r[i] = (struct ranked){ a[i], 1 };
    for (int i = 0; i < nb; i++)
        r[na + i] = (struct ranked){ b[i], 0 };
    qsort(r, (size_t)n, sizeof *r, rcmp);
    /* Mid-ranks for ties; the sum of a's ranks, and the tie term. */
    double ra = 0, ties = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && r[j].v == r[i].v)
            j++;
        double rank = (i + 1 + j) / 2.0;
        for (int k = i; k < j; k++)
            ra += r[k].from_a ? rank : 0;
        double t = j - i;
        ties += t * t * t - t;
        i = j;
    }
    free(r);
    *u = ra - (double)na * (na + 1) / 2.0;
    if (ties == 0 && na <= 30 && nb <= 30)
        return mwu_exact(na, nb, *u);
    double mu = na * (double)nb / 2;
    double sigma = sqrt(na * (double)nb / 12 * ((n + 1) - ties / ((double)n * (n - 1))));
    if (sigma == 0)
        return 1;
    double z = (fabs(*u - mu) - 0.5) / sigma;     /* continuity correction */
    if (z < 0)
        z = 0;
    double p = erfc(z / sqrt(2.0));
    return p > 1 ? 1 : p;
}

struct pi {
    double p;
    int i;
};

static int picmp(const void *x, const void *y)
{
    const struct pi *a = x, *b = y;
    return a->p < b->p ? -1 : a->p > b->p ? 1 : a->i - b->i;
}

static struct pi *sorted_p(const double *p, int n)
{
    struct pi *s = malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    if (!s)
        return NULL;
    /* A p-value that could not be computed (NaN) is no evidence: 1. */
    for (int i = 0; i < n; i++)
        s[i] = (struct pi){ isnan(p[i]) ? 1 : p[i], i };
    qsort(s, (size_t)n, sizeof *s, picmp);
    return s;
}

void stat_adjust_bh(const double *p, int n, double *adj)
{
    struct pi *s = sorted_p(p, n);
    if (!s) {
        for (int i = 0; i < n; i++)
            adj[i] = 1;
        return;
    }
    /* From the largest down: p(k) n / k, made monotone. */
    double run = 1;
    for (int k = n - 1; k >= 0; k--) {
        double v = s[k].p * n / (k + 1);
        run = v < run ? v : run;
        s[k].p = run;
    }
    for (int k = 0; k < n; k++)
        adj[s[k].i] = s[k].p;
    free(s);
}

void stat_adjust_holm(const double *p, int n, double *adj)
{
    struct pi *s = sorted_p(p, n);
    if (!s) {
        for (int i = 0; i < n; i++)
            adj[i] = 1;
        return;
    }
    /* From the smallest up: p(k) (n - k), made monotone, capped at 1. */
    double run = 0;
    for (int k = 0; k < n; k++) {
        double v = s[k].p * (n - k);
        run = v > run ? v : run;
        s[k].p = run < 1 ? run : 1;
    }
    for (int k = 0; k < n; k++)
        adj[s[k].i] = s[k].p;
    free(s);
}

/* Acklam's rational approximation, refined by one Halley step with erfc:
 * accurate to ~1e-15 over (0, 1). */
double stat_norm_quantile(double p)
{
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                6.680131188771972e+01, -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                3.754408661907416e+00 };
    if (p <= 0)
        return -INFINITY;
    if (p >= 1)
        return INFINITY;
    double q, x;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        q = p - 0.5;
        double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

double stat_mde(const struct stat_desc *a, const struct stat_desc *b, double alpha, double power)
{
    if (a->n < 1 || b->n < 1 || a->median == 0)
        return INFINITY;
    /* Standard error of each median from its robust spread (1.4826 MAD);
     * when more than half the values are equal (quantised timers, counts)
     * the MAD is 0, which says nothing about the rest: then the SD. */
    double ra = a->mad > 0 ? 1.4826 * a->mad : a->sd, rb = b->mad > 0 ? 1.4826 * b->mad : b->sd;
    double sa = 1.2533 * ra / sqrt(a->n), sb = 1.2533 * rb / sqrt(b->n);
    double z = stat_norm_quantile(1 - alpha / 2) + stat_norm_quantile(power);
    return z * sqrt(sa * sa + sb * sb) / fabs(a->median);
}
