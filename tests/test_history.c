/* Change points on synthetic series with known steps (E-Divisive means
 * with a permutation test): found where a level starts, not found in
 * noise, and the history of run directories built in run order. */
#include "testutil.h"
#include "analysis/history.h"

#include <math.h>
#include <sys/stat.h>

/* A level per index plus a fixed +-1% wobble. */
static void series(double *x, int n, double (*level)(int))
{
    static const double w[7] = { 0.004, -0.008, 0.01, -0.002, 0.006, -0.01, 0.0 };
    for (int i = 0; i < n; i++)
        x[i] = level(i) * (1 + w[i % 7]);
}

static double step_at_12(int i) { return i < 12 ? 100 : 110; }
static double two_steps(int i) { return i < 10 ? 100 : i < 20 ? 120 : 90; }
static double flat(int i) { (void)i; return 100; }
static double drift(int i) { return 100 + 1.5 * i; }

static void finds_a_step(void **st)
{
    (void)st;
    double x[30];
    int cp[HIST_MAX_CP];
    series(x, 24, step_at_12);
    assert_int_equal(hist_change_points(x, 24, 3, 0.01, 1, cp, HIST_MAX_CP), 1);
    assert_int_equal(cp[0], 12);
    series(x, 30, two_steps);
    assert_int_equal(hist_change_points(x, 30, 3, 0.01, 1, cp, HIST_MAX_CP), 2);
    assert_int_equal(cp[0], 10);
    assert_int_equal(cp[1], 20);
}

static void quiet_in_noise(void **st)
{
    (void)st;
    double x[30];
    int cp[HIST_MAX_CP];
    series(x, 30, flat);
    assert_int_equal(hist_change_points(x, 30, 3, 0.01, 1, cp, HIST_MAX_CP), 0);
    /* Too short to split with 3 a side. */
    series(x, 5, step_at_12);
    assert_int_equal(hist_change_points(x, 5, 3, 0.01, 1, cp, HIST_MAX_CP), 0);
    /* The same data and seed, the same answer. */
    series(x, 24, step_at_12);
    int a[HIST_MAX_CP], b[HIST_MAX_CP];
    assert_int_equal(hist_change_points(x, 24, 3, 0.01, 7, a, HIST_MAX_CP),
                     hist_change_points(x, 24, 3, 0.01, 7, b, HIST_MAX_CP));
}

/* Slow drift, which no pair of neighbouring runs shows (1.5% a step,
 * within the wobble), still splits into levels. */
static void drift_is_found(void **st)
{
    (void)st;
    double x[30];
    int cp[HIST_MAX_CP];
    series(x, 30, drift);
    assert_true(hist_change_points(x, 30, 3, 0.01, 1, cp, HIST_MAX_CP) >= 1);
}

/* Runs on disk, named out of order: sorted by run id, the step found. */
static void history_of_runs(void **st)
{
    (void)st;
    char root[] = "/tmp/vcb-hist.XXXXXX";
    assert_non_null(mkdtemp(root));
    char *dirs[12];
    for (int i = 0; i < 12; i++) {
        int k = (i * 5) % 12;                  /* written out of order */
        char d[128], p[160];
        snprintf(d, sizeof d, "%s/r%02d", root, k);
        assert_int_equal(mkdir(d, 0755), 0);
        snprintf(p, sizeof p, "%s/raw.csv", d);
        FILE *f = fopen(p, "w");
        fputs("schema,run_id,time_utc,host,env,workload,params,rep,seq,metric,unit,dir,value,status,accel,cpus,"
              "mem_mib,wl_sha256,note,arm\n", f);
        for (int rep = 1; rep <= 3; rep++)
            fprintf(f, "vcbench-raw-2,run-%02d,t,h,native,cpu,,%d,%d,int_time,s,lower,%g,ok,tcg,1,1,x,,\n", k, rep,
                    rep, (k < 6 ? 1.0 : 1.2) * (1 + 0.001 * rep));
        fclose(f);
        dirs[i] = strdup(d);
    }
    struct history h;
    struct vb_err e = { 0 };
    assert_int_equal(history_build(dirs, 12, 0.01, &h, &e), 0);
    assert_int_equal(h.nrun, 12);
    assert_string_equal(h.run_id[0], "run-00");
    assert_string_equal(h.run_id[11], "run-11");
    assert_int_equal(h.n, 1);
    assert_int_equal(h.s[0].ncp, 1);
    assert_int_equal(h.s[0].cp[0], 6);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(history_write_text(m, &h), 0);
    fclose(m);
    assert_non_null(strstr(buf, "run-06"));
    assert_non_null(strstr(buf, "<- change point"));
    free(buf);
    history_free(&h);
    assert_int_equal(history_build(dirs, 1, 0.01, &h, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    for (int i = 0; i < 12; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s/raw.csv", dirs[i]);
        unlink(p);
        rmdir(dirs[i]);
        free(dirs[i]);
    }
    rmdir(root);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(finds_a_step), cmocka_unit_test(quiet_in_noise), cmocka_unit_test(drift_is_found),
        cmocka_unit_test(history_of_runs),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
