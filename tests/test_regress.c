/* The CI gate on synthetic runs built in memory: each verdict, each
 * condition, each exit code, the rules and --allow, in-run A/B arms, and
 * the JSON and JUnit reports against golden files. */
#include "testutil.h"
#include "analysis/regress.h"

#include <math.h>

/* One series' values, as raw rows of a run. */
struct spec {
    const char *env, *workload, *metric, *dir, *params, *arm;
    const double *v;
    int n;
    int failed;                /* "run" rows with status fail */
};

static void row_set(struct rows *rs, struct row *w, const struct spec *s, double v, int rep, const char *metric,
                    const char *status)
{
    memset(w, 0, sizeof *w);
    snprintf(w->run_id, sizeof w->run_id, "r");
    snprintf(w->host, sizeof w->host, "h");
    snprintf(w->env, sizeof w->env, "%s", s->env);
    snprintf(w->workload, sizeof w->workload, "%s", s->workload);
    snprintf(w->metric, sizeof w->metric, "%s", metric);
    snprintf(w->unit, sizeof w->unit, "%s", *s->dir ? "s" : "");
    snprintf(w->dir, sizeof w->dir, "%s", !strcmp(metric, "run") ? "" : s->dir);
    snprintf(w->status, sizeof w->status, "%s", status);
    snprintf(w->accel, sizeof w->accel, "tcg");
    snprintf(w->arm, sizeof w->arm, "%s", s->arm ? s->arm : "");
    w->params = rows_intern(rs, s->params ? s->params : "p=1");
    w->rep = rep;
    w->value = v;
    w->has_value = strcmp(metric, "run") != 0;
}

/* A results object holding the series given (sha index 0). */
static void build(struct results *r, const struct spec *s, int ns)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "synthetic");
    r->rows.shas = calloc(1, sizeof *r->rows.shas);
    snprintf(r->rows.shas[0], sizeof r->rows.shas[0], "aaaa");
    r->rows.nsha = 1;
    int total = 0;
    for (int i = 0; i < ns; i++)
        total += s[i].n + s[i].failed;
    r->rows.v = calloc((size_t)total + 1, sizeof *r->rows.v);
    for (int i = 0; i < ns; i++) {
        for (int k = 0; k < s[i].n; k++)
            row_set(&r->rows, &r->rows.v[r->rows.n++], &s[i], s[i].v[k], k + 1, s[i].metric, "ok");
        for (int k = 0; k < s[i].failed; k++)
            row_set(&r->rows, &r->rows.v[r->rows.n++], &s[i], 0, 100 + k, "run", "fail");
    }
    struct vb_err e = { 0 };
    if (summary_build(&r->rows, &r->summ, &e) < 0)
        fail_msg("summary: %s", e.msg);
}

static const struct cmp_opts opts = { .threshold = 0.03, .alpha = 0.01, .power = 0.8 };

/* Ten values around m with +-0.5% noise (a fixed pattern). */
static const double *around(double m, double out[10])
{
    static const double jitter[10] = { 0.001, -0.004, 0.002, 0.005, -0.001, -0.003, 0.004, 0.0, -0.005, 0.003 };
    for (int i = 0; i < 10; i++)
        out[i] = m * (1 + jitter[i]);
    return out;
}

static int run_cmp(const struct spec *b, int nb, const struct spec *c, int nc, const struct cmp_opts *o,
                   struct cmp_report *rep)
{
    struct results rb, rc;
    build(&rb, b, nb);
    build(&rc, c, nc);
    struct vb_err e = { 0 };
    int r = cmp_runs(&rb, &rc, o, rep, &e);
    results_close(&rb);
    results_close(&rc);
    return r;
}

static void regression_same_improvement(void **st)
{
    (void)st;
    double a[10], b[10], c[10];
    struct spec base[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.0, a), 10, 0 },
                           { "native", "cpu", "int_rate", "higher", NULL, NULL, around(100, b), 10, 0 } };
    /* Time 10% up, rate the same. */
    struct spec cur[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.1, c), 10, 0 },
                          { "native", "cpu", "int_rate", "higher", NULL, NULL, b, 10, 0 } };
    struct cmp_report r;
    assert_int_equal(run_cmp(base, 2, cur, 2, &opts, &r), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.s[0].v, V_REGRESSION);
    assert_near(r.s[0].change, 1.1, 0.01);
    assert_true(r.s[0].p_adj < 0.001);
    assert_true(r.s[0].mde < 0.03);
    assert_int_equal(r.s[1].v, V_SAME);
    assert_int_equal(cmp_exit(&r), 1);
    cmp_free(&r);
    /* The other way round: an improvement, exit 0. */
    assert_int_equal(run_cmp(cur, 2, base, 2, &opts, &r), 0);
    assert_int_equal(r.s[0].v, V_IMPROVEMENT);
    assert_int_equal(cmp_exit(&r), 0);
    cmp_free(&r);
    /* A rate halved is "worse" as a time doubled is. */
    double h[10];
    struct spec slow[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 },
                           { "native", "cpu", "int_rate", "higher", NULL, NULL, around(50, h), 10, 0 } };
    assert_int_equal(run_cmp(base, 2, slow, 2, &opts, &r), 0);
    assert_int_equal(r.s[1].v, V_REGRESSION);
    assert_near(r.s[1].change, 2.0, 0.02);
    cmp_free(&r);
}

/* Five runs a side cannot reach significance over many series, and noisy
 * data cannot show a 3% change: inconclusive (exit 5), never "same". */
static void too_few_or_too_noisy_is_inconclusive(void **st)
{
    (void)st;
    const double five[] = { 1.0, 1.001, 0.999, 1.002, 0.998 };
    struct spec b[] = { { "vm", "cpu", "int_time", "lower", NULL, NULL, five, 5, 0 },
                        { "vm", "cpu", "int_rate", "higher", NULL, NULL, five, 5, 0 },
                        { "vm", "cpu", "fp_time", "lower", NULL, NULL, five, 5, 0 } };
    struct cmp_report r;
    /* One series alone: 2/252 < 1%, so 5 a side can just show it ... */
    assert_int_equal(run_cmp(b, 1, b, 1, &opts, &r), 0);
    assert_int_equal(r.s[0].v, V_SAME);
    cmp_free(&r);
    /* ... three cannot: 3 x 2/252 > 1% (Benjamini-Hochberg's floor). */
    assert_int_equal(run_cmp(b, 3, b, 3, &opts, &r), 0);
    assert_int_equal(r.count[V_INCONCLUSIVE], 3);
    assert_int_equal(cmp_exit(&r), 5);
    cmp_free(&r);
    const double noisy[] = { 1.0, 1.3, 0.8, 1.1, 0.7, 1.25, 0.9, 1.4, 0.75, 1.05 };
    struct spec n[] = { { "vm", "cpu", "int_time", "lower", NULL, NULL, noisy, 10, 0 } };
    assert_int_equal(run_cmp(n, 1, n, 1, &opts, &r), 0);
    assert_int_equal(r.s[0].v, V_INCONCLUSIVE);
    assert_true(r.s[0].mde > 0.03);
    cmp_free(&r);
}

/* Nothing vanishes: one side only, failed repetitions, other parameters,
 * another wl build and another host are conditions (exit 4) unless
 * allowed. */
static void conditions_and_allow(void **st)
{
    (void)st;
    double a[10];
    around(1.0, a);
    struct spec base[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 },
                           { "vm", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 } };
    struct spec cur[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 } };
    struct cmp_report r;
    assert_int_equal(run_cmp(base, 2, cur, 1, &opts, &r), 0);
    assert_int_equal(r.count[V_MISSING], 1);
    assert_int_equal(cmp_exit(&r), 4);
    cmp_free(&r);
    struct cmp_opts o = opts;
    o.allow = ALLOW_MISSING;
    assert_int_equal(run_cmp(base, 2, cur, 1, &o, &r), 0);
    assert_int_equal(cmp_exit(&r), 0);
    cmp_free(&r);
    /* Failed repetitions (every vm launch failed: its rows are "run" rows). */
    struct spec failed[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 },
                             { "vm", "cpu", "int_time", "lower", NULL, NULL, a, 0, 10 } };
    assert_int_equal(run_cmp(base, 2, failed, 2, &opts, &r), 0);
    assert_int_equal(cmp_exit(&r), 4);
    int found = 0;
    for (int i = 0; i < r.n; i++)
        found |= !strcmp(r.s[i].env, "vm") && r.s[i].v == V_MISSING && (r.s[i].cond & COND_FAILED) &&
                 strstr(r.s[i].note, "CURRENT has 10 failed repetitions of vm/cpu");
    assert_true(found);
    cmp_free(&r);
    /* Other parameters. */
    struct spec params[] = { { "native", "cpu", "int_time", "lower", "p=2", NULL, a, 10, 0 } };
    assert_int_equal(run_cmp(cur, 1, params, 1, &opts, &r), 0);
    assert_true(r.s[0].cond & COND_PARAMS);
    assert_non_null(strstr(r.s[0].note, "parameters differ"));
    assert_int_equal(cmp_exit(&r), 4);
    cmp_free(&r);
    o.allow = ALLOW_PARAMS;
    assert_int_equal(run_cmp(cur, 1, params, 1, &o, &r), 0);
    assert_int_equal(cmp_exit(&r), 0);
    cmp_free(&r);
    /* Another host. */
    struct results rb, rc;
    build(&rb, cur, 1);
    build(&rc, cur, 1);
    rb.has_meta = rc.has_meta = 1;
    snprintf(rb.meta.cpu_model, sizeof rb.meta.cpu_model, "AMD EPYC");
    snprintf(rc.meta.cpu_model, sizeof rc.meta.cpu_model, "Intel Xeon");
    struct vb_err e = { 0 };
    assert_int_equal(cmp_runs(&rb, &rc, &opts, &r, &e), 0);
    assert_non_null(strstr(r.host_diff, "CPU 'AMD EPYC' vs 'Intel Xeon'"));
    assert_int_equal(cmp_exit(&r), 4);
    cmp_free(&r);
    o.allow = ALLOW_HOST;
    assert_int_equal(cmp_runs(&rb, &rc, &o, &r, &e), 0);
    assert_int_equal(cmp_exit(&r), 0);
    cmp_free(&r);
    results_close(&rb);
    results_close(&rc);
    /* Nothing in common at all is bad input. */
    struct spec other[] = { { "container", "mem", "triad_bw", "higher", NULL, NULL, a, 10, 0 } };
    struct results x, y;
    build(&x, cur, 1);
    build(&y, other, 1);
    assert_int_equal(cmp_runs(&x, &y, &opts, &r, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    results_close(&x);
    results_close(&y);
}

/* No verdict without evidence: medians of 0 give no ratio (inconclusive
 * unless every value is the same); "same" needs the change's CI within
 * the threshold; a spread of 0 by MAD still has an MDE; a workload whose
 * every repetition failed on one side and that has no series anywhere is
 * still reported (exit 4). */
static void no_verdict_without_evidence(void **st)
{
    (void)st;
    const double zeros[10] = { 0 }, some[10] = { 0, 0, 0, 0, 0, 0, 5, 7, 9, 11 };
    struct spec z[] = { { "native", "cpu", "oom_killed", "lower", NULL, NULL, zeros, 10, 0 } };
    struct spec zs[] = { { "native", "cpu", "oom_killed", "lower", NULL, NULL, some, 10, 0 } };
    struct cmp_report r;
    assert_int_equal(run_cmp(z, 1, zs, 1, &opts, &r), 0);
    assert_int_equal(r.s[0].v, V_INCONCLUSIVE);
    assert_int_equal(cmp_exit(&r), 5);
    cmp_free(&r);
    assert_int_equal(run_cmp(z, 1, z, 1, &opts, &r), 0);
    assert_int_equal(r.s[0].v, V_SAME);
    assert_int_equal(cmp_exit(&r), 0);
    cmp_free(&r);
    /* Most values equal (MAD 0), four of ten 30% higher in CURRENT: the
     * median did not move, but nothing says "same" with that spread. */
    const double flat[10] = { 100, 100, 100, 100, 100, 100, 100, 100, 100, 100 };
    const double bumpy[10] = { 100, 100, 100, 100, 100, 100, 130, 130, 130, 130 };
    struct spec f[] = { { "native", "startup", "ready_ms", "lower", NULL, NULL, flat, 10, 0 } };
    struct spec b[] = { { "native", "startup", "ready_ms", "lower", NULL, NULL, bumpy, 10, 0 } };
    assert_int_equal(run_cmp(f, 1, b, 1, &opts, &r), 0);
    assert_int_not_equal(r.s[0].v, V_SAME);
    assert_true(r.s[0].mde > 0);
    cmp_free(&r);
    /* A new workload that fails every time, in CURRENT only. */
    double a[10];
    struct spec base[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.0, a), 10, 0 } };
    struct spec cur[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 },
                          { "native", "disk", "randread_iops", "higher", NULL, NULL, a, 0, 4 } };
    assert_int_equal(run_cmp(base, 1, cur, 2, &opts, &r), 0);
    int found = 0;
    for (int i = 0; i < r.n; i++)
        found |= !strcmp(r.s[i].workload, "disk") && !strcmp(r.s[i].metric, "run") && r.s[i].v == V_NEW &&
                 (r.s[i].cond & COND_FAILED) && strstr(r.s[i].note, "4 in CURRENT");
    assert_true(found);
    assert_int_equal(cmp_exit(&r), 4);
    cmp_free(&r);
}

/* JUnit counts what it writes: an allowed missing series is skipped, not a
 * failure; a regression with a condition is one failure. */
static void junit_counts_match(void **st)
{
    (void)st;
    double a[10], c[10];
    struct spec base[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.0, a), 10, 0 },
                           { "vm", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 } };
    struct spec cur[] = { { "native", "cpu", "int_time", "lower", "p=2", NULL, around(1.2, c), 10, 0 } };
    struct cmp_opts o = opts;
    o.allow = ALLOW_MISSING;
    struct cmp_report r;
    assert_int_equal(run_cmp(base, 2, cur, 1, &o, &r), 0);
    char *x = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&x, &len);
    assert_int_equal(cmp_write_junit(f, &r), 0);
    fclose(f);
    assert_non_null(strstr(x, "failures=\"1\" skipped=\"1\""));
    int n = 0;
    for (const char *p = x; (p = strstr(p, "<failure")); p++)
        n++;
    assert_int_equal(n, 1);
    free(x);
    cmp_free(&r);
}

static void rules_and_allow_words(void **st)
{
    (void)st;
    char path[] = "/tmp/vcb-rules.XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# thresholds\n*/cpu/int_time 20%\nlat_* ignore\n\n*/startup/*   10%  # start-up is noisy\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct cmp_rules rules;
    struct vb_err e = { 0 };
    assert_int_equal(cmp_rules_load(path, &rules, &e), 0);
    assert_int_equal(rules.n, 3);
    double a[10], c[10];
    struct spec base[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.0, a), 10, 0 },
                           { "native", "mem", "lat_16K", "lower", NULL, NULL, a, 10, 0 } };
    struct spec cur[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.1, c), 10, 0 },
                          { "native", "mem", "lat_16K", "lower", NULL, NULL, c, 10, 0 } };
    struct cmp_opts o = opts;
    o.rules = &rules;
    struct cmp_report r;
    assert_int_equal(run_cmp(base, 2, cur, 2, &o, &r), 0);
    /* 10% slower but the rule asks for 20%: significant, yet the same. */
    assert_int_equal(r.s[0].v, V_SAME);
    assert_near(r.s[0].threshold, 0.2, 1e-12);
    assert_int_equal(r.s[1].v, V_IGNORED);
    assert_int_equal(cmp_exit(&r), 0);
    cmp_free(&r);
    cmp_rules_free(&rules);
    FILE *f = fopen(path, "w");
    fputs("*/cpu/* twenty\n", f);
    fclose(f);
    assert_int_equal(cmp_rules_load(path, &rules, &e), -1);
    assert_non_null(strstr(e.msg, "line 1"));
    /* The percent sign is required, and the range is 0-1000%. */
    static const char *const bad[] = { "* 0.05\n", "* 2000%\n", "* -1%\n", "*/a/b 5% extra\n" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = fopen(path, "w");
        fprintf(f, "# ok\n%s", bad[i]);
        fclose(f);
        assert_int_equal(cmp_rules_load(path, &rules, &e), -1);
        assert_non_null(strstr(e.msg, "line 2"));
    }
    f = fopen(path, "w");
    for (int i = 0; i < 200; i++)
        fputc('x', f);
    fputs(" 5%\n", f);
    fclose(f);
    assert_int_equal(cmp_rules_load(path, &rules, &e), -1);
    assert_non_null(strstr(e.msg, "pattern is longer"));
    unlink(path);
    unsigned allow = 0;
    assert_int_equal(cmp_allow_parse("host,params", &allow, &e), 0);
    assert_int_equal(allow, ALLOW_HOST | ALLOW_PARAMS);
    assert_int_equal(cmp_allow_parse("host,,x", &allow, &e), -1);
    assert_int_equal(cmp_allow_parse("everything", &allow, &e), -1);
}

/* The two arms of one A/B run: parameters differ on purpose. */
static void arms_of_one_run(void **st)
{
    (void)st;
    double a[10], c[10];
    struct spec s[] = { { "container", "cpu", "int_time", "lower", "p=1", "old", around(1.0, a), 10, 0 },
                        { "container", "cpu", "int_time", "lower", "p=2", "new", around(1.06, c), 10, 0 } };
    struct results r;
    build(&r, s, 2);
    assert_int_equal(r.summ.n, 2);
    assert_string_equal(r.summ.g[0].env, "container@old");
    struct cmp_report rep;
    struct vb_err e = { 0 };
    assert_int_equal(cmp_arms(&r, NULL, NULL, &opts, &rep, &e), 0);
    assert_int_equal(rep.n, 1);
    assert_string_equal(rep.s[0].env, "container");
    assert_int_equal(rep.s[0].v, V_REGRESSION);
    assert_int_equal(rep.s[0].cond, 0);
    assert_non_null(strstr(rep.cur_name, "arm new"));
    cmp_free(&rep);
    assert_int_equal(cmp_arms(&r, "new", "old", &opts, &rep, &e), 0);
    assert_int_equal(rep.s[0].v, V_IMPROVEMENT);
    cmp_free(&rep);
    results_close(&r);
    /* A run without arms cannot be compared with itself this way. */
    struct spec plain[] = { { "container", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 } };
    build(&r, plain, 1);
    assert_int_equal(cmp_arms(&r, NULL, NULL, &opts, &rep, &e), -1);
    assert_non_null(strstr(e.msg, "not an A/B run"));
    results_close(&r);
}

static char *report_text(int (*fn)(FILE *, const struct cmp_report *), const struct cmp_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(fn(f, r), 0);
    fclose(f);
    return buf;
}

static void json_and_junit_golden(void **st)
{
    (void)st;
    double a[10], c[10];
    const double five[] = { 1.0, 1.001, 0.999, 1.002, 0.998 };
    struct spec base[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.0, a), 10, 0 },
                           { "vm", "startup", "ready_ms", "lower", NULL, NULL, five, 5, 0 },
                           { "vm", "cpu", "int_time", "lower", NULL, NULL, a, 10, 0 } };
    struct spec cur[] = { { "native", "cpu", "int_time", "lower", NULL, NULL, around(1.1, c), 10, 0 },
                          { "vm", "startup", "ready_ms", "lower", NULL, NULL, five, 5, 0 },
                          { "container", "cpu", "int_time", "lower", "p=<&\"'>", NULL, a, 10, 0 } };
    struct cmp_report r;
    assert_int_equal(run_cmp(base, 3, cur, 3, &opts, &r), 0);
    snprintf(r.base_name, sizeof r.base_name, "base-dir");
    snprintf(r.cur_name, sizeof r.cur_name, "current-dir");
    char *t = report_text(cmp_write_json, &r);
    tu_assert_golden("compare.json", t);
    free(t);
    t = report_text(cmp_write_junit, &r);
    tu_assert_golden("compare-junit.xml", t);
    assert_non_null(strstr(t, "<failure"));
    assert_non_null(strstr(t, "<skipped"));
    free(t);
    t = report_text(cmp_write_text, &r);
    assert_non_null(strstr(t, "REGRESSION"));
    assert_non_null(strstr(t, "inconclusive"));
    assert_non_null(strstr(t, "measured in BASE only"));
    free(t);
    cmp_free(&r);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(regression_same_improvement), cmocka_unit_test(too_few_or_too_noisy_is_inconclusive),
        cmocka_unit_test(conditions_and_allow), cmocka_unit_test(rules_and_allow_words),
        cmocka_unit_test(arms_of_one_run), cmocka_unit_test(json_and_junit_golden),
        cmocka_unit_test(no_verdict_without_evidence), cmocka_unit_test(junit_counts_match),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
