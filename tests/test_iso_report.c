/* How isolated is it, from rows to figures (report/iso.c, chart_iso.c,
 * mdiso.c): the conditions' names, the heatmap's grid and golden gnuplot
 * script, and REPORT.md's section on the fixture in
 * tests/fixtures/results-iso (three repetitions whose slowdowns are a
 * round figure's 0.98, 1 and 1.02 parts, so the medians are exact). */
#include "testutil.h"
#include "analysis/results.h"
#include "report/chart.h"
#include "report/iso.h"
#include "report/mdreport.h"

static struct results res;

static int setup(void **st)
{
    (void)st;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/results-iso", getenv("VCB_SRC") ? getenv("VCB_SRC") : ".");
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

static void conditions(void **st)
{
    (void)st;
    char ant[16], env[32];
    int duty;
    assert_int_equal(iso_cond_parse("bw100", ant, &duty, env), 1);
    assert_string_equal(ant, "bw");
    assert_int_equal(duty, 100);
    assert_string_equal(env, "");
    assert_int_equal(iso_cond_parse("spin50-oci-crun", ant, &duty, env), 1);
    assert_string_equal(ant, "spin");
    assert_int_equal(duty, 50);
    assert_string_equal(env, "oci-crun");
    assert_int_equal(iso_cond_parse("bw", ant, &duty, env), 0);
    assert_int_equal(iso_cond_parse("bw0", ant, &duty, env), 0);
    assert_int_equal(iso_cond_parse("bw101", ant, &duty, env), 0);
    assert_int_equal(iso_cond_parse("cache100", ant, &duty, env), 0);
    assert_int_equal(iso_cond_parse("bw100-", ant, &duty, env), 0);
    assert_int_equal(iso_cond_parse("bw100x", ant, &duty, env), 0);
    assert_string_equal(iso_antagonist_label("bw"), "memory bandwidth");
}

static void grid(void **st)
{
    (void)st;
    struct iso_grid *g = calloc(1, sizeof *g);
    iso_grid_build(&res.summ, g);
    assert_int_equal(g->nenv, 3);
    assert_string_equal(g->env[0], "native");
    assert_string_equal(g->env[2], "vm");
    /* Rows in the workload table's order, columns in the antagonists'. */
    assert_int_equal(g->nrow, 2);
    assert_string_equal(g->row[0], "cpu int_time");
    assert_string_equal(g->row[1], "mem triad_bw");
    assert_int_equal(g->ncol, 2);
    assert_string_equal(g->col[0], "spin100");
    assert_string_equal(g->col[1], "bw100");
    assert_true(fabs(g->x[1][1][1] - 1.3) < 1e-9);    /* container, mem beside bw */
    assert_true(fabs(g->x[2][0][0] - 1.1) < 1e-9);    /* vm, cpu beside spin */
    free(g);
}

static void golden_chart(void **st)
{
    (void)st;
    struct chart_meta m = { "fixhost", "tcg", "fixture-iso", 3, { 0, 0, 0 } };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("# --- script ---\n", f);
    FILE *dat = tmpfile();
    assert_int_equal(chart_isolation(f, dat, &res.summ, &m), 0);
    fputs("# --- data ---\n", f);
    rewind(dat);
    for (int c; (c = fgetc(dat)) != EOF;)
        fputc(c, f);
    fclose(dat);
    fclose(f);
    tu_assert_golden("plot-isolation.gp", buf);
    free(buf);
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
        "## How isolated is it?", "is in [How isolated is it?](#how-isolated-is-it).",
        "| fact | native | container | vm |",
        "| kernel release | 6.1.0-fixture | 6.1.0-fixture | 6.1.0-56-amd64 |",
        "| own kernel (boot id differs from the host's) | no | no | **yes** |",
        "| own pid namespace | no | **yes** | **yes** |",
        "| capabilities beyond Docker's default 14 | 26 | 0 | 27 (the guest's) |",
        "| /proc/sys writable (sysctls) | **yes** | no | **yes** (the guest's) |",
        "| memory limit enforced (a child allocating past it is stopped) | no | **yes** | **yes** |",
        "on CPU 1 alone and beside an antagonist",
        "on CPU 0 (also the harness's and the guests' emulator threads': no core to spare here",
        "They share L3 32768 KiB, memory (NUMA node 0)",
        "With a memory bandwidth neighbour (`bw` at 100%), mem's `triad_bw` in native drops by 20%",
        "in container drops by 23%", "in vm drops by 9%",
        "With a CPU neighbour (`spin` at 100%), cpu's `int_time` in native takes 2% longer",
        "| mem `triad_bw` | bw100 | 1.25 [", "| cpu `int_time` | spin100 | 1.02 [",
        "| bw100 | alone (MiB/s) | 20000 [", "10% of native",
        "| spin100 | beside cpu | 540 [",
        "> Guests ran under TCG",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!strstr(buf, must[i]))
            fail_msg("report lacks '%s'\n%s", must[i], strstr(buf, "## How isolated") ? strstr(buf, "## How isolated") : buf);
    /* Not "how much slower": no answer-table lines, no per-metric table. */
    assert_null(strstr(buf, "| audit |"));
    assert_null(strstr(buf, "### audit"));
    assert_null(strstr(buf, "### neighbour"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(conditions), cmocka_unit_test(grid), cmocka_unit_test(golden_chart),
                                    cmocka_unit_test(report_section) };
    return cmocka_run_group_tests(t, setup, teardown);
}
