/* Statistics against values computed independently: the expected numbers
 * below come from a separate Python implementation (type-7 quantiles as in
 * numpy/R, statistics.stdev, the same splitmix64 resampling) and from
 * scipy 1.10 (scipy.stats.mannwhitneyu, binom, norm), run once on the same
 * data and written in here. */
#include "testutil.h"
#include "analysis/stat.h"

static const double data[] = { 10.0, 12.0, 11.0, 13.0, 50.0, 11.5, 12.5, 10.5 };

static void describe_fixture(void **st)
{
    (void)st;
    struct stat_desc d;
    assert_int_equal(stat_describe(data, 8, &d), 0);
    assert_int_equal(d.n, 8);
    assert_near(d.median, 11.75, 1e-12);
    assert_near(d.p5, 10.175, 1e-9);
    assert_near(d.p95, 37.05, 1e-9);
    assert_near(d.mean, 16.3125, 1e-12);
    assert_near(d.sd, 13.648488927350163, 1e-9);
    assert_near(d.min, 10.0, 0);
    assert_near(d.max, 50.0, 0);
    /* n = 8: only the range covers the median with >= 95% (99.2%). */
    assert_near(d.ci_lo, 10.0, 0);
    assert_near(d.ci_hi, 50.0, 0);
    assert_near(d.ci_level, 0.9921875, 1e-12);
    assert_near(d.mad, 1.0, 1e-12);         /* |x - 11.75| sorted: .25 .25 .75 .75 1.25 1.25 1.75 38.25 */
    assert_int_equal(d.outliers, 1);        /* 50 is beyond Q3 + 1.5 IQR */
    assert_true(d.noisy);                   /* CV 0.84 */
}

static void quantiles_by_hand(void **st)
{
    (void)st;
    const double s[] = { 1, 2, 3, 4 };
    assert_near(stat_quantile(s, 4, 0.5), 2.5, 1e-12);
    assert_near(stat_quantile(s, 4, 0.25), 1.75, 1e-12);
    assert_near(stat_quantile(s, 4, 0.0), 1, 0);
    assert_near(stat_quantile(s, 4, 1.0), 4, 0);
    const double one[] = { 7 };
    assert_near(stat_quantile(one, 1, 0.95), 7, 0);
    double v[] = { 5, 1, 3 };
    assert_near(stat_median(v, 3), 3, 0);
}

static void steady_data_is_quiet(void **st)
{
    (void)st;
    const double v[] = { 100, 101, 99, 100, 100.5, 99.5 };
    struct stat_desc d;
    assert_int_equal(stat_describe(v, 6, &d), 0);
    assert_int_equal(d.outliers, 0);
    assert_false(d.noisy);
    assert_true(d.ci_lo <= d.median && d.median <= d.ci_hi);
    /* Same seed, same interval. */
    struct stat_desc d2;
    assert_int_equal(stat_describe(v, 6, &d2), 0);
    assert_near(d.ci_lo, d2.ci_lo, 0);
    assert_near(d.ci_hi, d2.ci_hi, 0);
    assert_int_equal(stat_describe(v, 0, &d), -1);
}

/* Cost factor is oriented by the metric: a time twice native's and a rate
 * half native's both read as "2x worse" ... */
static void cost_orientation(void **st)
{
    (void)st;
    const double env[] = { 2.0, 2.2, 2.1, 2.4, 2.05 }, base[] = { 1.0, 1.1, 0.95, 1.05, 1.0 };
    double r, lo, hi;
    assert_int_equal(stat_cost(env, 5, base, 5, 0, 7, &r, &lo, &hi), 0);
    assert_near(r, 2.1, 1e-12);
    assert_near(lo, 1.904761905, 1e-8);
    assert_near(hi, 2.4, 1e-9);
    /* ... and the same numbers as rates (higher is better) mean 0.48x. */
    assert_int_equal(stat_cost(env, 5, base, 5, 1, 7, &r, &lo, &hi), 0);
    assert_near(r, 0.4761904762, 1e-9);
    assert_near(lo, 0.4166666667, 1e-9);
    assert_near(hi, 0.525, 1e-9);
    assert_int_equal(stat_cost(env, 0, base, 5, 0, 7, &r, &lo, &hi), -1);
}

/* The order-statistic CI of a median: the largest symmetric k whose
 * coverage 1 - 2 P(Bin(n, 1/2) <= k) stays >= 95% (scipy.stats.binom). */
static void median_ci_coverage(void **st)
{
    (void)st;
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = i;
    const struct { int n, k; double cov; } c[] = {
        { 5, 0, 0.9375 }, { 6, 0, 0.96875 }, { 8, 0, 0.9921875 }, { 10, 1, 0.978515625 },
        { 20, 5, 0.9586105346679688 }, { 100, 39, 0.9647997997822951 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double lo, hi, cov;
        stat_median_ci(v, c[i].n, 0.95, &lo, &hi, &cov);
        assert_near(lo, c[i].k, 0);
        assert_near(hi, c[i].n - 1 - c[i].k, 0);
        assert_near(cov, c[i].cov, 1e-9);
    }
}

/* Selection gives what sorting gives, for every k and with duplicates. */
static void selection_matches_sorting(void **st)
{
    (void)st;
    double base[] = { 5, 3, 9, 1, 3, 7, 7, 2, 8, 0, 6, 3 };
    double sorted[12] = { 0, 1, 2, 3, 3, 3, 5, 6, 7, 7, 8, 9 };
    for (int k = 0; k < 12; k++) {
        double v[12];
        memcpy(v, base, sizeof v);
        assert_near(stat_select(v, 12, k), sorted[k], 0);
    }
    double v[12];
    memcpy(v, base, sizeof v);
    assert_near(stat_median(v, 12), 4, 0);               /* (3 + 5) / 2 */
    memcpy(v, base, sizeof v);
    assert_near(stat_median(v, 11), 5, 0);               /* the first 11 sorted: 0 1 2 3 3 5 6 7 7 8 9 */
}

/* Mann-Whitney U against scipy.stats.mannwhitneyu (two-sided). */
static void mann_whitney_against_scipy(void **st)
{
    (void)st;
    const double b[] = { 9.0, 9.5, 10.2, 10.1, 9.9, 9.7 };
    double u;
    /* Exact (no ties, small): statistic 46, p 0.002664002664002664. */
    assert_near(stat_mwu(data, 8, b, 6, &u), 0.002664002664002664, 1e-12);
    assert_near(u, 46, 0);
    /* Complete separation, 5 and 5: the floor of the test, 2/252. */
    const double e[] = { 1, 2, 3, 4, 5 }, f[] = { 6, 7, 8, 9, 10 };
    assert_near(stat_mwu(e, 5, f, 5, &u), 0.007936507936507936, 1e-12);
    assert_near(u, 0, 0);
    const double g[] = { 3.1, 2.9, 3.3, 3.0, 3.2, 2.8, 3.4, 3.05, 3.15, 2.95 };
    const double h[] = { 3.31, 3.25, 3.5, 3.41, 3.45, 3.35, 3.6, 3.21, 3.55, 3.38 };
    /* scipy.stats.mannwhitneyu(h, g, method='exact'); scipy's 'auto' would
     * take the normal approximation above 8 values (0.001315), this code
     * stays exact up to 30. */
    assert_near(stat_mwu(h, 10, g, 10, &u), 0.0004871289701011063, 1e-12);
    assert_near(u, 93, 0);
    /* Ties: the normal approximation with tie and continuity correction. */
    const double c[] = { 1, 2, 2, 3, 3, 3, 4, 5, 5, 6 }, d[] = { 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9 };
    assert_near(stat_mwu(c, 10, d, 11, &u), 0.027640884214298913, 1e-9);
    assert_near(u, 23.5, 0);
    /* Large (40 and 40): asymptotic. */
    double x[40], y[40];
    for (int i = 0; i < 40; i++) {
        x[i] = 1 + i;
        y[i] = 1.5 + i;
    }
    assert_near(stat_mwu(x, 40, y, 40, &u), 0.8511597790430957, 1e-9);
    assert_near(stat_mwu(x, 0, y, 40, &u), 1, 0);
}

/* p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.0001), "BH" / "holm") in R. */
static void adjustments(void **st)
{
    (void)st;
    const double p[] = { 0.01, 0.04, 0.03, 0.005, 0.2, 0.0001 };
    const double bh[] = { 0.02, 0.048, 0.045, 0.015, 0.2, 0.0006 };
    const double holm[] = { 0.04, 0.09, 0.09, 0.025, 0.2, 0.0006 };
    double a[6];
    stat_adjust_bh(p, 6, a);
    for (int i = 0; i < 6; i++)
        assert_near(a[i], bh[i], 1e-12);
    stat_adjust_holm(p, 6, a);
    for (int i = 0; i < 6; i++)
        assert_near(a[i], holm[i], 1e-12);
    /* A p-value that could not be computed counts as 1, never as evidence. */
    const double q[] = { 0.001, NAN, 0.002 };
    stat_adjust_holm(q, 3, a);
    assert_near(a[1], 1, 0);
    assert_near(a[0], 0.003, 1e-12);
    stat_adjust_bh(q, 3, a);
    assert_near(a[1], 1, 0);
    const double withnan[] = { 1, NAN, 2 }, other[] = { 3, 4 };
    double u;
    assert_true(isnan(stat_mwu(withnan, 3, other, 2, &u)));
}

/* norm.ppf from scipy; the minimum detectable effect from its formula. */
static void normal_quantile_and_mde(void **st)
{
    (void)st;
    assert_near(stat_norm_quantile(0.975), 1.959963984540054, 1e-12);
    assert_near(stat_norm_quantile(0.8), 0.8416212335729143, 1e-12);
    assert_near(stat_norm_quantile(1e-10), -6.361340902404056, 1e-9);
    struct stat_desc a = { .n = 10, .median = 100, .mad = 1 }, b = { .n = 10, .median = 101, .mad = 1 };
    /* (1.96 + 0.8416) * sqrt(2) * 1.2533 * 1.4826 * 1 / sqrt(10) / 100 */
    double want = (1.959963984540054 + 0.8416212335729143) * sqrt(2.0) * 1.2533 * 1.4826 / sqrt(10.0) / 100;
    assert_near(stat_mde(&a, &b, 0.05, 0.8), want, 1e-12);
    a.n = 40;
    b.n = 40;
    assert_near(stat_mde(&a, &b, 0.05, 0.8), want / 2, 1e-12);     /* 4x the runs: half the MDE */
    /* MAD 0 (most values equal): the SD stands in, the MDE is not 0. */
    struct stat_desc c = { .n = 10, .median = 100, .mad = 0, .sd = 2 }, d = c;
    double want0 = (1.959963984540054 + 0.8416212335729143) * sqrt(2.0) * 1.2533 * 2 / sqrt(10.0) / 100;
    assert_near(stat_mde(&c, &d, 0.05, 0.8), want0, 1e-12);
}

/* The bootstrap interval of a median: inside the data, around the
 * median, the same for the same seed, a point for constant data. */
static void bootstrap_median(void **st)
{
    (void)st;
    const double v[] = { 10, 11, 12, 13, 14, 15, 30 };
    double lo, hi, lo2, hi2;
    assert_int_equal(stat_boot_median(v, 7, 42, &lo, &hi), 0);
    assert_true(lo >= 10 && hi <= 30 && lo <= 13 && hi >= 13);
    assert_true(hi < 30);                      /* the outlier is not the median's */
    assert_int_equal(stat_boot_median(v, 7, 42, &lo2, &hi2), 0);
    assert_near(lo2, lo, 0);
    assert_near(hi2, hi, 0);
    const double c[] = { 5, 5, 5 };
    assert_int_equal(stat_boot_median(c, 3, 1, &lo, &hi), 0);
    assert_near(lo, 5, 0);
    assert_near(hi, 5, 0);
    assert_int_equal(stat_boot_median(v, 0, 1, &lo, &hi), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(describe_fixture), cmocka_unit_test(quantiles_by_hand),
        cmocka_unit_test(steady_data_is_quiet), cmocka_unit_test(cost_orientation),
        cmocka_unit_test(median_ci_coverage), cmocka_unit_test(selection_matches_sorting),
        cmocka_unit_test(mann_whitney_against_scipy), cmocka_unit_test(adjustments),
        cmocka_unit_test(normal_quantile_and_mde), cmocka_unit_test(bootstrap_median),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
