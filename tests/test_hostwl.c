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
    const struct hostwl_opt t[] = { { .name = "max", .dst = &a, .def = 8, .min = 1, .max = 64,
      .help = "" }, { .name = "settle-ms", .dst = &b, .def = 1000, .min = 0, .max = 5000,
      .help = "" } };
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

/* The neighbour's list options, checked item by item. */
static void neighbour_options(void **st)
{
    (void)st;
    const struct hostwl *hw = hostwl_find("neighbour");
    assert_non_null(hw);
    struct vb_err e = { 0 };
    char *ok[] = { "--victims", "cpu,mem,disk", "--antagonists", "bw,spin", "--duties", "50,100", "--from",
                   "same,native", "--same-cpus", "1" };
    assert_int_equal(hostwl_check(hw, 10, ok, &e), 0);
    char *bad_victim[] = { "--victims", "cpu,footprint" };
    assert_int_equal(hostwl_check(hw, 2, bad_victim, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "'footprint' is not one of cpu, mem, disk, startup"));
    char *bad_ant[] = { "--antagonists", "bw,cache" };
    assert_int_equal(hostwl_check(hw, 2, bad_ant, &e), -1);
    assert_non_null(strstr(e.msg, "'cache' is not one of spin, llc, bw"));
    char *bad_duty[] = { "--duties", "0" };
    assert_int_equal(hostwl_check(hw, 2, bad_duty, &e), -1);
    char *empty[] = { "--duties", "50," };
    assert_int_equal(hostwl_check(hw, 2, empty, &e), -1);
    assert_non_null(strstr(e.msg, "comma list"));
    char *bad_env[] = { "--from", "hyperv" };
    assert_int_equal(hostwl_check(hw, 2, bad_env, &e), -1);
    char text[2048];
    hostwl_describe(hw, text, sizeof text);
    assert_non_null(strstr(text, "--antagonists"));
    assert_non_null(strstr(text, "(default bw; of spin, llc, bw, alloc, io, fork)"));
    /* A list's params: '+' for the comma (raw.csv's separator). */
    const char *v = NULL;
    const struct hostwl_opt t[] = { { .name = "victims", .list = &v, .ldef = "cpu", .valid = NULL } };
    v = "cpu,mem";
    char params[64];
    hostwl_params(t, 1, params, sizeof params);
    assert_string_equal(params, "victims=cpu+mem");
    char item[16];
    const char *p = "a,bb,c";
    int n = 0;
    while ((p = hostwl_list_next(p, item, sizeof item)))
        n++;
    assert_int_equal(n, 3);
    assert_null(hostwl_list_next("", item, sizeof item));
}

/* The neighbour's metric names, both ways. */
static void neighbour_names(void **st)
{
    (void)st;
    char c[48], n[48], kind, v[48], m[48], cond[48];
    hostwl_nb_cond(c, sizeof c, "bw", "100", NULL);
    assert_string_equal(c, "bw100");
    hostwl_nb_cond(c, sizeof c, "spin", "50", "oci-crun");
    assert_string_equal(c, "spin50-oci-crun");
    hostwl_nb_name(n, sizeof n, 'x', "disk", "randread_lat_p99", c);
    assert_string_equal(n, "x.disk.randread_lat_p99.spin50-oci-crun");
    assert_int_equal(hostwl_nb_parse(n, &kind, v, m, cond), 1);
    assert_int_equal(kind, 'x');
    assert_string_equal(v, "disk");
    assert_string_equal(m, "randread_lat_p99");
    assert_string_equal(cond, "spin50-oci-crun");
    hostwl_nb_name(n, sizeof n, 'a', "alone", NULL, "bw100");
    assert_string_equal(n, "a.alone.bw100");
    assert_int_equal(hostwl_nb_parse(n, &kind, v, m, cond), 1);
    assert_int_equal(kind, 'a');
    assert_string_equal(v, "alone");
    assert_string_equal(m, "");
    assert_string_equal(cond, "bw100");
    /* Not one of its names. */
    assert_int_equal(hostwl_nb_parse("int_time", &kind, v, m, cond), 0);
    assert_int_equal(hostwl_nb_parse("v.cpu.int_time", &kind, v, m, cond), 0);
    assert_int_equal(hostwl_nb_parse("q.cpu.int_time.bw100", &kind, v, m, cond), 0);
    assert_int_equal(hostwl_nb_parse("a.cpu.x.bw100", &kind, v, m, cond), 0);
    assert_int_equal(hostwl_nb_parse("ready_ms.n4", &kind, v, m, cond), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(stop_rules), cmocka_unit_test(points), cmocka_unit_test(options),
                                    cmocka_unit_test(neighbour_options), cmocka_unit_test(neighbour_names) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
