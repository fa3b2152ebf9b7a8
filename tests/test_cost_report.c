/* What an instance costs, from rows to figures (report/chart_cost.c,
 * report/mdcost.c): golden gnuplot scripts and data of the footprint and
 * density charts, and REPORT.md's section, on the fixture in
 * tests/fixtures/results-cost (values chosen so the medians are exact:
 * three repetitions at 0.9, 1 and 1.1 of a round figure). */
#include "testutil.h"
#include "analysis/results.h"
#include "report/chart.h"
#include "report/chartlib.h"
#include "report/mdreport.h"
#include "run/hostwl.h"

static struct results res;

static int setup(void **st)
{
    (void)st;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/results-cost", getenv("VCB_SRC") ? getenv("VCB_SRC") : ".");
    struct vb_err e = { 0 };
    if (results_open(dir, &res, &e) < 0) {
        fprintf(stderr, "fixture: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    results_close(&res);
    return 0;
}

static char *chart_text(int (*fn)(FILE *, FILE *, const struct summary *, const struct chart_meta *))
{
    struct chart_meta m = { "fixhost", "tcg", "fixture-cost", 3, { 0, 0, 0 } };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("# --- script ---\n", f);
    FILE *dat = tmpfile();
    assert_int_equal(fn(f, dat, &res.summ, &m), 0);
    fputs("# --- data ---\n", f);
    rewind(dat);
    for (int c; (c = fgetc(dat)) != EOF;)
        fputc(c, f);
    fclose(dat);
    fclose(f);
    return buf;
}

static void golden_charts(void **st)
{
    (void)st;
    char *t = chart_text(chart_footprint);
    tu_assert_golden("plot-footprint.gp", t);
    /* The vm's bar: guest 60, TCG 30, VMM 20 + 30 of file pages, page
     * tables 2, and the kernel part MemAvailable saw beyond the anonymous
     * PSS and page tables: 160 - (140 - 40) - 2 = 58. */
    assert_non_null(strstr(t, "\"vm\" 60 30 20 30 0 0 2 58 160 140 160 \"host 160\"\n"));
    /* native: 0.18-0.22 MiB, clear of 0: shown. */
    assert_non_null(strstr(t, "\"host 0.2\"\n"));
    free(t);
    t = chart_text(chart_density_mem);
    tu_assert_golden("plot-density-mem.gp", t);
    assert_non_null(strstr(t, "set multiplot layout 1,2"));
    assert_non_null(strstr(t, "set output 'density_mem.svg'"));
    /* The PSS panel per instance: 0.9 x 150 MiB at every N. */
    assert_non_null(strstr(t, "# vm pss_mib / n: n median ci_lo ci_hi\n1 135 "));
    free(t);
    t = chart_text(chart_density_launch);
    tu_assert_golden("plot-density-launch.gp", t);
    assert_non_null(strstr(t, "set logscale y"));
    /* Every launch is a point, N = 3 too. */
    assert_non_null(strstr(t, "\n3 2250 "));
    free(t);
    /* A summary without these workloads draws nothing. */
    struct summary empty = { 0 };
    struct chart_meta m = { "h", "kvm", "r", 1, { 0, 0, 0 } };
    FILE *a = tmpfile(), *b = tmpfile();
    assert_int_equal(chart_footprint(a, b, &empty, &m), 1);
    assert_int_equal(chart_density_mem(a, b, &empty, &m), 1);
    assert_int_equal(chart_density_launch(a, b, &empty, &m), 1);
    fclose(a);
    fclose(b);
}

static void point_names(void **st)
{
    (void)st;
    char b[48], name[48];
    int k = 0;
    hostwl_point_name(name, sizeof name, "ready_ms", 16);
    assert_string_equal(name, "ready_ms.n16");
    assert_int_equal(hostwl_point_parse(name, b, sizeof b, &k), 1);
    assert_string_equal(b, "ready_ms");
    assert_int_equal(k, 16);
    const char *no[] = { "ready_ms", "ready_ms.n", "ready_ms.n0", "ready_ms.nx", ".n4", "a.n4x", "lat_16K" };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(hostwl_point_parse(no[i], b, sizeof b, &k), 0);
    assert_int_equal(hostwl_point_parse("ready_ms.n4", b, 4, &k), 0);   /* base does not fit */
}

/* Sweeps that stopped at different N record their points in another
 * order, and a failed sweep's points have no values: the chart draws the
 * points with values, in increasing N. */
static void density_points_sorted(void **st)
{
    (void)st;
    double v8 = 800, v5 = 500;
    struct summ_group g[3] = {
        { .env = "vm", .workload = "density", .metric = "ready_ms.n8", .v = &v8, .nv = 1 },
        { .env = "vm", .workload = "density", .metric = "ready_ms.n6", .nv = 0 },
        { .env = "vm", .workload = "density", .metric = "ready_ms.n5", .v = &v5, .nv = 1 },
    };
    g[0].d = (struct stat_desc){ .n = 1, .median = 800, .ci_lo = 800, .ci_hi = 800 };
    g[2].d = (struct stat_desc){ .n = 1, .median = 500, .ci_lo = 500, .ci_hi = 500 };
    struct summary sm = { .g = g, .n = 3 };
    struct chart_meta m = { "h", "tcg", "r", 1, { 0, 0, 0 } };
    char *buf = NULL;
    size_t len = 0;
    FILE *gp = tmpfile(), *dat = open_memstream(&buf, &len);
    assert_int_equal(chart_density_launch(gp, dat, &sm, &m), 0);
    fclose(gp);
    fclose(dat);
    assert_non_null(strstr(buf, "\n5 500 500 500\n8 800 800 800\n"));
    assert_null(strstr(buf, "\n6 "));
    free(buf);
}

/* A MemAvailable drop is a figure only when its median's interval stays
 * above 0. */
static void noise_rule(void **st)
{
    (void)st;
    double noisy[] = { -1.5, 3.4, 4.0, -0.2, 2.7 }, clear[] = { 148, 149, 159, 152, 150 };
    struct summ_group a = { .env = "native", .workload = "footprint", .metric = "host_mib", .v = noisy, .nv = 5 };
    struct summ_group b = { .env = "vm", .workload = "footprint", .metric = "host_mib", .v = clear, .nv = 5 };
    assert_int_equal(chart_above_noise(&a), 0);
    assert_int_equal(chart_above_noise(&b), 1);
    assert_int_equal(chart_above_noise(NULL), 0);
    b.nv = 0;
    assert_int_equal(chart_above_noise(&b), 0);
}

static void report_section(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct vb_err e = { 0 };
    assert_int_equal(mdreport_write(f, &res, &e), 0);
    fclose(f);
    const char *must[] = {
        "## What an instance costs", "is in [What an instance costs](#what-an-instance-costs).",
        "- **vm**: 160 MiB (PSS 140 MiB: the guest touched 60 of the 1024 MiB it was given, QEMU's own memory 20, "
        "TCG's translation cache 30, file pages of QEMU and the kernel image 30) and 12 CPU-ms per second while "
        "idle; with 4 alive at once, 150 MiB each, and the 4th was ready 2625 ms after its launch call.",
        /* A cost whose interval reaches 0 is not printed as if it were one:
         * the container's drop is 0.45-0.55 MiB, clear of 0, and shown. */
        "- **container**: 0.5 MiB (PSS 0.125 MiB)",
        "| **host memory** (MemAvailable drop, MiB) | 0.2 [",
        "| - guest RAM touched (MiB) | - | - | 60 [",
        "| its cgroup's memory (MiB) | - | 0.25 [",
        "THP: madvise (defrag madvise); KSM: off.",
        "| transparent huge pages | madvise (defrag madvise) |",
        "**vm** (sweeps reached N = 4)",
        "| 4 | 2625 [", "| 800 [",
        "*Under TCG, as here:*",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!strstr(buf, must[i]))
            fail_msg("report lacks '%s'", must[i]);
    /* Not "how much slower": no answer-table lines, no per-metric table. */
    assert_null(strstr(buf, "| footprint |"));
    assert_null(strstr(buf, "### footprint"));
    assert_null(strstr(buf, "### density\n"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(golden_charts), cmocka_unit_test(point_names),
                                    cmocka_unit_test(noise_rule), cmocka_unit_test(density_points_sorted),
                                    cmocka_unit_test(report_section) };
    return cmocka_run_group_tests(t, setup, teardown);
}
