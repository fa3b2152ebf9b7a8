/* The workloads measured from the host: their options, the density
 * sweep's points and stop rules (pure logic; the sweeps themselves run in
 * the integration tests). */
#include "testutil.h"
#include "run/hostwl.h"

static void stop_rules(void **st)
{
    (void)st;
    /* Plenty of memory: go until past max. */
    assert_int_equal(density_stop_rule(1, 4, 8e6, 2e6, 0), DENSITY_GO);
    assert_int_equal(density_stop_rule(4, 4, 8e6, 2e6, 1e5), DENSITY_GO);
    assert_int_equal(density_stop_rule(5, 4, 8e6, 2e6, 1e5), DENSITY_MAX);
    /* Below the floor before the first: none at all. */
    assert_int_equal(density_stop_rule(1, 4, 1e6, 2e6, 0), DENSITY_FLOOR);
    /* One more at the mean so far would cross the floor. */
    assert_int_equal(density_stop_rule(3, 8, 2.5e6, 2e6, 6e5), DENSITY_FLOOR);
    assert_int_equal(density_stop_rule(3, 8, 2.7e6, 2e6, 6e5), DENSITY_GO);
    /* A negative mean (the host freed memory meanwhile) expects nothing. */
    assert_int_equal(density_stop_rule(3, 8, 2.1e6, 2e6, -5e5), DENSITY_GO);
    /* Floor 0 never stops a sweep. */
    assert_int_equal(density_stop_rule(2, 8, 0, 0, 0), DENSITY_GO);
}

static void points(void **st)
{
    (void)st;
    int want[] = { 1, 2, 4, 6 }, got[8], n = 0;
    for (int k = 1; k <= 6; k++)
        if (density_is_sample(k, 6))
            got[n++] = k;
    assert_int_equal(n, 4);
    assert_memory_equal(got, want, sizeof want);
    assert_false(density_is_sample(0, 6));
    assert_true(density_is_sample(16, 64));
    assert_false(density_is_sample(24, 64));
}

static void options(void **st)
{
    (void)st;
    long a, b;
    const struct hostwl_opt t[] = { { "max", &a, 8, 1, 64, "" }, { "settle-ms", &b, 1000, 0, 5000, "" } };
    struct vb_err e = { 0 };
    char *ok[] = { "--max", "16", "--settle-ms", "0", "--max", "4" };
    assert_int_equal(hostwl_opts("density", t, 2, 6, ok, &e), 0);
    assert_int_equal(a, 4);                    /* the last one wins */
    assert_int_equal(b, 0);
    char params[64];
    hostwl_params(t, 2, params, sizeof params);
    assert_string_equal(params, "max=4;settle_ms=0");
    assert_int_equal(hostwl_opts("density", t, 2, 0, NULL, &e), 0);
    assert_int_equal(a, 8);                    /* defaults again */
    char *unknown[] = { "--mx", "3" };
    assert_int_equal(hostwl_opts("density", t, 2, 2, unknown, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "unknown option '--mx'"));
    assert_non_null(strstr(e.msg, "max, settle-ms"));
    char *range[] = { "--max", "65" };
    assert_int_equal(hostwl_opts("density", t, 2, 2, range, &e), -1);
    assert_non_null(strstr(e.msg, "between 1 and 64"));
    char *novalue[] = { "--max" };
    assert_int_equal(hostwl_opts("density", t, 2, 1, novalue, &e), -1);
    assert_non_null(strstr(e.msg, "needs a value"));
    /* Each workload's own table, as the run checks it. */
    char *fp[] = { "--window-ms", "50" };
    assert_int_equal(hostwl_check(hostwl_find("footprint"), 2, fp, &e), -1);
    assert_int_equal(hostwl_check(hostwl_find("density"), 0, NULL, &e), 0);
    char text[1024];
    hostwl_describe(hostwl_find("density"), text, sizeof text);
    assert_non_null(strstr(text, "--max"));
    assert_non_null(strstr(text, "(default 8, 1..128)"));
    assert_null(hostwl_find("cpu"));
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(stop_rules), cmocka_unit_test(points), cmocka_unit_test(options) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
