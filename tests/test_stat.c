/* Statistics against values computed independently: the expected numbers
 * below come from a separate Python implementation (type-7 quantiles as in
 * numpy/R, statistics.stdev, and the same splitmix64 resampling) run once
 * on the same data and seeds. */
#include "testutil.h"
#include "analysis/stat.h"

static const double data[] = { 10.0, 12.0, 11.0, 13.0, 50.0, 11.5, 12.5, 10.5 };

static void describe_fixture(void **st)
{
    (void)st;
    struct stat_desc d;
    assert_int_equal(stat_describe(data, 8, 42, &d), 0);
    assert_int_equal(d.n, 8);
    assert_near(d.median, 11.75, 1e-12);
    assert_near(d.p5, 10.175, 1e-9);
    assert_near(d.p95, 37.05, 1e-9);
    assert_near(d.mean, 16.3125, 1e-12);
    assert_near(d.sd, 13.648488927350163, 1e-9);
    assert_near(d.min, 10.0, 0);
    assert_near(d.max, 50.0, 0);
    assert_near(d.ci_lo, 10.5, 1e-9);
    assert_near(d.ci_hi, 13.0, 1e-9);
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
    assert_int_equal(stat_describe(v, 6, 1, &d), 0);
    assert_int_equal(d.outliers, 0);
    assert_false(d.noisy);
    assert_true(d.ci_lo <= d.median && d.median <= d.ci_hi);
    /* Same seed, same interval. */
    struct stat_desc d2;
    assert_int_equal(stat_describe(v, 6, 1, &d2), 0);
    assert_near(d.ci_lo, d2.ci_lo, 0);
    assert_near(d.ci_hi, d2.ci_hi, 0);
    assert_int_equal(stat_describe(v, 0, 1, &d), -1);
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

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(describe_fixture), cmocka_unit_test(quantiles_by_hand),
        cmocka_unit_test(steady_data_is_quiet), cmocka_unit_test(cost_orientation),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
