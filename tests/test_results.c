/* From raw rows to figures: summary grouping and orientation, golden
 * gnuplot scripts and the report, on the fixture in
 * tests/fixtures/results-small (values chosen so the answers are exact). */
#include "testutil.h"
#include "report/chart.h"
#include "report/mdreport.h"
#include "analysis/results.h"
#include "analysis/summ.h"

static char fixdir[512];
static struct results res;
static struct summary sum;     /* res.summ */

static int setup(void **st)
{
    (void)st;
    snprintf(fixdir, sizeof fixdir, "%s/tests/fixtures/results-small", getenv("VCB_SRC") ? getenv("VCB_SRC") : ".");
    struct vb_err e = { 0 };
    if (results_open(fixdir, &res, &e) < 0) {
        fprintf(stderr, "fixture: %s\n", e.msg);
        return -1;
    }
    sum = res.summ;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    results_close(&res);
    return 0;
}

/* The results object: rows, run.json and the summary from one open, from
 * a directory or from its raw.csv alone. */
static void results_opened_once(void **st)
{
    (void)st;
    assert_int_equal(res.rows.n, 127);
    assert_true(res.has_meta);
    assert_string_equal(res.meta.cpu_model, "Fixture CPU 3000");
    assert_int_equal(res.meta.mem_mib, 256);          /* written as a string by older runs */
    assert_int_equal(res.meta.cache_bytes[2], 33554432);
    assert_int_equal(res.meta.ok, 36);
    assert_true(res.meta.has_totals);
    struct results r2;
    struct vb_err e = { 0 };
    char p[600];
    snprintf(p, sizeof p, "%s/raw.csv", fixdir);
    assert_int_equal(results_open(p, &r2, &e), 0);
    assert_string_equal(r2.dir, fixdir);
    assert_int_equal(r2.summ.n, res.summ.n);
    results_close(&r2);
    assert_int_equal(results_open("/nonexistent-dir", &r2, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
}

static void summary_groups_and_costs(void **st)
{
    (void)st;
    assert_string_equal(sum.accel, "tcg");
    assert_string_equal(sum.host, "fixhost");
    assert_int_equal(sum.runs, 3);
    /* Table order: native first within each metric. */
    assert_string_equal(sum.g[0].env, "native");
    assert_string_equal(sum.g[0].metric, "int_time");
    assert_string_equal(sum.g[1].env, "container");
    assert_string_equal(sum.g[2].env, "vm");
    const struct summ_group *g = summary_find(&sum, "vm", "cpu", "int_time");
    assert_non_null(g);
    assert_near(g->d.median, 2.1, 1e-12);
    assert_true(g->has_cost);
    assert_near(g->cost, 2.1, 1e-12);             /* 2.1 s vs 1.0 s */
    assert_true(g->cost_lo <= 2.1 && g->cost_hi >= 2.1);
    assert_int_equal(g->failed, 1);               /* the timeout row */
    /* A rate half native's is the same "2.1x worse". */
    g = summary_find(&sum, "vm", "cpu", "int_rate");
    assert_near(g->cost, 2.1, 1e-5);
    g = summary_find(&sum, "native", "cpu", "int_time");
    assert_false(g->has_cost);
    g = summary_find(&sum, "vm", "mem", "lat_16K");
    assert_near(g->cost, 3.0, 1e-9);
    assert_null(summary_find(&sum, "vm", "cpu", "run"));

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(summary_write_csv(f, &sum), 0);
    fclose(f);
    assert_non_null(strstr(buf, "env,workload,metric,unit,dir,n,median,mean,sd,cv,min,max,p5,p95,ci_lo,ci_hi,"
                                "outliers,noisy,cost,cost_lo,cost_hi,failed,accel\n"));
    assert_non_null(strstr(buf, "\nvm,cpu,int_time,s,lower,3,2.1,"));
    free(buf);
}

static char *chart_text(int (*fn)(FILE *, FILE *, const struct summary *, const struct chart_meta *),
                        const char *wl)
{
    struct chart_meta m = { "fixhost", "tcg", "fixture-1", 3, { 32768, 1048576, 33554432 } };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("# --- script ---\n", f);
    FILE *dat = tmpfile();
    int r = wl ? chart_overhead(f, dat, &sum, wl, &m) : fn(f, dat, &sum, &m);
    assert_int_equal(r, 0);
    fputs("# --- data ---\n", f);
    rewind(dat);
    int c;
    while ((c = fgetc(dat)) != EOF)
        fputc(c, f);
    fclose(dat);
    fclose(f);
    return buf;
}

static void golden_charts(void **st)
{
    (void)st;
    char *t = chart_text(NULL, "cpu");
    tu_assert_golden("plot-overhead-cpu.gp", t);
    assert_non_null(strstr(t, "accelerator tcg, 3 runs"));
    assert_non_null(strstr(t, "set ylabel"));
    free(t);
    t = chart_text(chart_startup, NULL);
    tu_assert_golden("plot-startup.gp", t);
    assert_non_null(strstr(t, "set logscale y"));      /* 2.4 ms vs 2810 ms */
    free(t);
    t = chart_text(chart_memlat, NULL);
    tu_assert_golden("plot-memlat.gp", t);
    assert_non_null(strstr(t, "'L1d'"));
    free(t);
    t = chart_text(chart_disklat, NULL);
    tu_assert_golden("plot-disklat.gp", t);
    free(t);
    /* Nothing to draw is not an error, and writes no script. */
    struct summary empty = { 0 };
    struct chart_meta m = { "h", "kvm", "r", 1, { 0, 0, 0 } };
    FILE *a = tmpfile(), *b = tmpfile();
    assert_int_equal(chart_startup(a, b, &empty, &m), 1);
    assert_int_equal(chart_overhead(a, b, &sum, "nosuch", &m), 1);
    fclose(a);
    fclose(b);
}

static void report_from_fixture(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct vb_err e = { 0 };
    assert_int_equal(mdreport_write(f, &res, &e), 0);
    fclose(f);
    const char *must[] = {
        "# vcbench report", "TCG, QEMU's software emulation", "## Host", "Fixture CPU 3000",
        "6.1.0-fixture", "| cgroups | v2 |", "## Versions", "| libvirt | 9.0.0", "abc1234",
        "| wl | wl 1.0, static, musl, sha256 `0000", "## Method", "seed 1", "## Results", "### cpu", "**2.1x**",
        "| int_time (s, lower better) | vm | 3 | 2.1 |", "1 failed", "## Caveats",
        "The memory arrays were 32 MiB each, less than 4x the last-level cache hwloc reports (32 MiB)",
        "## Reproduce", "--seed 1",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!strstr(buf, must[i]))
            fail_msg("report lacks '%s'", must[i]);
    free(buf);
}

/* Text from run.json cannot break the report's tables or inject markup. */
static void report_escapes_free_text(void **st)
{
    (void)st;
    struct results r = res;
    snprintf(r.meta.cpu_model, sizeof r.meta.cpu_model, "Evil | <img src=x> [link](y) `tick`\nnext");
    snprintf(r.meta.profile, sizeof r.meta.profile, "q`uick");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct vb_err e = { 0 };
    assert_int_equal(mdreport_write(f, &r, &e), 0);
    fclose(f);
    assert_non_null(strstr(buf, "| CPU | Evil \\| \\<img src=x\\> \\[link\\](y) \\`tick\\` next |\n"));
    assert_non_null(strstr(buf, "Profile `q?uick`"));
    assert_null(strstr(buf, " <img"));                 /* only the escaped \\<img */
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(results_opened_once), cmocka_unit_test(summary_groups_and_costs),
        cmocka_unit_test(golden_charts),
        cmocka_unit_test(report_from_fixture), cmocka_unit_test(report_escapes_free_text),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
