/* vcbench summary | plot | report DIR and compare BASE CURRENT: everything
 * after a run, recomputed from raw.csv (so results can be re-analysed long
 * after a run). Each opens its results once. */
#include "cmd.h"
#include "opts.h"
#include "analysis/regress.h"
#include "analysis/results.h"
#include "report/chart.h"
#include "report/mdreport.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct compare_opts {
    long threshold;
};

static const struct opt_def compare_defs[] = {
    { "threshold", OPT_LONG, offsetof(struct compare_opts, threshold), "5", 0, 1000, NULL, "PCT",
      "smallest slowdown (whole CI beyond it) that counts as a regression" },
};

/* Exit 1 on a statistically significant slowdown, for CI pipelines. */
int cmd_compare(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: vcbench compare BASE CURRENT [options]\n\nBASE and CURRENT are results directories "
               "(or raw.csv files). Exit 0: no regression, 1: a regression, 2: bad input.\n\noptions:\n");
        opts_help(stdout, compare_defs, 1);
        return 0;
    }
    if (argc < 2 || argv[0][0] == '-' || argv[1][0] == '-')
        return cmd_fail(2, "usage: vcbench compare BASE CURRENT [--threshold PCT]");
    struct compare_opts o;
    struct vb_err e = { 0 };
    if (opts_parse(compare_defs, 1, argc - 2, argv + 2, &o, &e) < 0)
        return cmd_fail(e.code, e.msg);
    struct results base, cur;
    if (results_open(argv[0], &base, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (results_open(argv[1], &cur, &e) < 0) {
        results_close(&base);
        return cmd_fail(e.code, e.msg);
    }
    int reg, imp;
    int n = regress_compare(&base, &cur, (double)o.threshold, stdout, &reg, &imp, &e);
    results_close(&base);
    results_close(&cur);
    if (n < 0)
        return cmd_fail(e.code, e.msg);
    printf("%d compared: %d regression(s), %d improvement(s)\n", n, reg, imp);
    return reg ? 1 : 0;
}
