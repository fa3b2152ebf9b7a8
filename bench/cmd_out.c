/* vcbench summary | plot | report DIR and compare BASE CURRENT: everything
 * after a run, recomputed from raw.csv (so results can be re-analysed long
 * after a run). Each opens its results once. */
#include "cmd.h"
#include "opts.h"
#include "analysis/regress.h"
#include "analysis/results.h"
#include "common/fsutil.h"
#include "report/chart.h"
#include "report/mdreport.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

/* run.json is broken: say so once; what needs only raw.csv goes on. */
static void warn_meta(const struct results *r)
{
    if (r->meta_warning[0])
        fprintf(stderr, "vcbench: warning: %s; run.json left out (host and version details missing)\n",
                r->meta_warning);
}

/* Exactly one results directory, opened; or a usage error / help. Returns
 * -1 when r is open and the command should go on, else the exit code. */
static int one_dir(int argc, char **argv, const char *cmd, struct results *r)
{
    if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: vcbench %s DIR\n\nDIR is a results directory written by 'vcbench run' "
               "(it holds raw.csv).\n", cmd);
        return 0;
    }
    if (argc != 1 || argv[0][0] == '-') {
        char msg[160];
        snprintf(msg, sizeof msg, "usage: vcbench %s DIR (a results directory holding raw.csv)", cmd);
        return cmd_fail(2, msg);
    }
    struct stat st;
    if (stat(argv[0], &st) < 0 || !S_ISDIR(st.st_mode)) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s is not a results directory; give the --out DIR of a 'vcbench run'", argv[0]);
        return cmd_fail(2, msg);
    }
    struct vb_err e = { 0 };
    if (results_open(argv[0], r, &e) < 0)
        return cmd_fail(e.code, e.msg);
    warn_meta(r);
    return -1;
}

/* vcbench check DIR|FILE: does raw.csv load, and what is in it? Only the
 * reading, nothing computed (the floor every other command stands on). */
int cmd_check(int argc, char **argv)
{
    if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: vcbench check DIR|RAW.CSV\n\nReads raw.csv and says how many rows it holds, or what is "
               "wrong with it (exit 2).\n");
        return 0;
    }
    if (argc != 1 || argv[0][0] == '-')
        return cmd_fail(2, "usage: vcbench check DIR|RAW.CSV");
    char path[PATH_MAX];
    struct stat st;
    if (stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(path, sizeof path, "%s/raw.csv", argv[0]);
    else
        snprintf(path, sizeof path, "%s", argv[0]);
    struct rows r;
    struct vb_err e = { 0 };
    if (rows_load(path, &r, &e) < 0)
        return cmd_fail(e.code, e.msg);
    int ok = 0, failed = 0;
    for (int i = 0; i < r.n; i++) {
        ok += !strcmp(r.v[i].status, "ok");
        failed += !strcmp(r.v[i].metric, "run");
    }
    printf("%s: %d rows, %d ok, %d failed repetitions, %d wl build(s)\n", path, r.n, ok, failed, r.nsha);
    rows_free(&r);
    return 0;
}

int cmd_summary(int argc, char **argv)
{
    struct results r;
    int rc = one_dir(argc, argv, "summary", &r);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    rc = results_save_summary(&r, &e);
    if (rc == 0)
        printf("%s/summary.csv\n%s/summary.json\n", r.dir, r.dir);
    results_close(&r);
    return rc < 0 ? cmd_fail(e.code, e.msg) : 0;
}

int cmd_plot(int argc, char **argv)
{
    struct results r;
    int rc = one_dir(argc, argv, "plot", &r);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    rc = chart_all(&r, &e);
    if (rc == 0)
        printf("%s/plots/\n", r.dir);
    results_close(&r);
    return rc < 0 ? cmd_fail(e.code, e.msg) : 0;
}

/* The report goes to stdout only once it is complete, so an error never
 * leaves half a REPORT.md behind a redirection. */
int cmd_report(int argc, char **argv)
{
    struct results r;
    int rc = one_dir(argc, argv, "report", &r);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    rc = m ? mdreport_write(m, &r, &e) : vb_errf(&e, VB_EFAIL, "out of memory");
    if (m)
        fclose(m);
    results_close(&r);
    if (rc < 0) {
        free(buf);
        return cmd_fail(e.code, e.msg);
    }
    fwrite(buf, 1, len, stdout);
    free(buf);
    return fflush(stdout) == 0 ? 0 : cmd_fail(3, "cannot write the report to stdout");
}

struct compare_cli {
    double threshold, alpha;
    const char *allow, *rules, *format, *output, *arms;
    int help;
};

#define C(f) offsetof(struct compare_cli, f)
static const struct opt_def compare_defs[] = {
    { "threshold", OPT_DOUBLE, C(threshold), "3", 0, 1000, NULL, "PCT",
      "smallest change that counts, in percent (a rules file may set it per metric)" },
    { "alpha", OPT_DOUBLE, C(alpha), "0.01", 0.0001, 0.5, NULL, "Q",
      "false discovery rate over all series (Benjamini-Hochberg on Mann-Whitney U p-values)" },
    { "allow", OPT_STR, C(allow), "", 0, 0, NULL, "LIST",
      "accept these conditions: host,params,wl,failed,mismatch,missing" },
    { "rules", OPT_STR, C(rules), NULL, 0, 0, NULL, "FILE",
      "per-metric thresholds: lines 'PATTERN PCT%' or 'PATTERN ignore' (fnmatch on env/workload/metric)" },
    { "format", OPT_STR, C(format), "text", 0, 0, "text|json|junit", "F", "what to print" },
    { "output", OPT_STR, C(output), NULL, 0, 0, NULL, "FILE", "write the report there instead of stdout" },
    { "arms", OPT_STR, C(arms), NULL, 0, 0, NULL, "A,B",
      "with one A/B run: compare arm B against arm A (default: its first two)" },
    { "help", OPT_FLAG, C(help), NULL, 0, 0, NULL, NULL, "show this help" },
};
#define NCDEFS (int)(sizeof compare_defs / sizeof compare_defs[0])

const struct opt_def *cmd_compare_opts(int *n)
{
    *n = NCDEFS;
    return compare_defs;
}

static void compare_help(FILE *f)
{
    fprintf(f, "usage: vcbench compare BASE CURRENT [options]\n"
               "       vcbench compare ABRUN [options]     (the two arms of one 'vcbench ab' run)\n\n"
               "BASE and CURRENT are results directories (or raw.csv files). For every series, the change\n"
               "of CURRENT against BASE with its CI, a Mann-Whitney U test adjusted over all series, and\n"
               "the smallest change the data could show (MDE).\n\n"
               "exit: 0 pass, 1 a regression, 2 bad usage, 4 incomparable (different host, parameters or\n"
               "wl build, failed repetitions, a series on one side only; see --allow), 5 inconclusive\n"
               "(the data cannot tell a change of the threshold's size: more repetitions, or --profile ci)\n\n"
               "options:\n");
    opts_help(f, compare_defs, NCDEFS);
}

/* The two sides: two runs, or the arms of one. */
static int compare_load(int npos, char **pos, const struct compare_cli *o, const struct cmp_opts *co,
                        struct cmp_report *rep, struct vb_err *e)
{
    struct results base, cur;
    if (npos == 2 && o->arms)
        return vb_errf(e, VB_EUSAGE, "--arms picks the arms of one A/B run; with BASE and CURRENT leave it out");
    if (results_open_flags(pos[0], SUMM_NO_COST, &base, e) < 0)
        return -1;
    int rc;
    if (npos == 1) {
        char a[32] = "", *b = NULL;
        if (o->arms) {
            snprintf(a, sizeof a, "%s", o->arms);
            if ((b = strchr(a, ',')))
                *b++ = '\0';
            if (!b || !*a || !*b) {
                results_close(&base);
                return vb_errf(e, VB_EUSAGE, "--arms '%s': give two arm labels, e.g. --arms a,b", o->arms);
            }
        }
        rc = cmp_arms(&base, o->arms ? a : NULL, b, co, rep, e);
    } else {
        if (results_open_flags(pos[1], SUMM_NO_COST, &cur, e) < 0) {
            results_close(&base);
            return -1;
        }
        rc = cmp_runs(&base, &cur, co, rep, e);
        results_close(&cur);
    }
    results_close(&base);
    return rc;
}

/* Exit 1 on a regression, 4 incomparable, 5 inconclusive: for CI. */
int cmd_compare(int argc, char **argv)
{
    char *pos[2];
    int npos = 0;
    /* The directories come first; the options after them. */
    while (npos < argc && npos < 2 && argv[npos][0] != '-') {
        pos[npos] = argv[npos];
        npos++;
    }
    struct compare_cli o = { 0 };
    struct vb_err e = { 0 };
    if (opts_parse(compare_defs, NCDEFS, argc - npos, argv + npos, &o, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (o.help) {
        compare_help(stdout);
        return 0;
    }
    if (npos == 0)
        return cmd_fail(2, "usage: vcbench compare BASE CURRENT [options], or ABRUN (see --help)");
    struct cmp_rules rules = { 0 };
    struct cmp_opts co = { .threshold = o.threshold / 100, .alpha = o.alpha, .power = 0.8, .rules = &rules };
    if (cmp_allow_parse(o.allow, &co.allow, &e) < 0 || (o.rules && cmp_rules_load(o.rules, &rules, &e) < 0))
        return cmd_fail(e.code, e.msg);
    struct cmp_report rep;
    if (compare_load(npos, pos, &o, &co, &rep, &e) < 0) {
        cmp_rules_free(&rules);
        return cmd_fail(e.code, e.msg);
    }
    cmp_rules_free(&rules);
    int rc = cmd_verdict_out(&rep, o.format, o.output);
    cmp_free(&rep);
    return rc;
}

struct verdict_arg {
    const struct cmp_report *rep;
    const char *format;
};

static int verdict_write(FILE *f, const void *arg)
{
    const struct verdict_arg *a = arg;
    return cmp_write(f, a->rep, a->format);
}

int cmd_verdict_out(const struct cmp_report *rep, const char *format, const char *output)
{
    struct verdict_arg a = { rep, format };
    if (!output) {
        if (verdict_write(stdout, &a) < 0 || fflush(stdout) != 0)
            return cmd_fail(VB_EHOST, "cannot write the verdict to stdout");
        return cmp_exit(rep);
    }
    struct vb_err e = { 0 };
    if (fs_write_atomic(output, verdict_write, &a, &e) < 0)
        return cmd_fail(VB_EUSAGE, e.msg);
    return cmp_exit(rep);
}
