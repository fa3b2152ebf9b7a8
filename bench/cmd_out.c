/* vcbench summary | plot DIR: recompute summary.csv/json, or the charts,
 * from DIR/raw.csv (so results can be re-analysed long after a run). */
#include "cmd.h"
#include "../harness/chart.h"
#include "../harness/mdreport.h"
#include "../harness/regress.h"
#include "opts.h"
#include "../harness/summ.h"

#include <stddef.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Exactly one results directory, or a usage error. */
static int one_dir(int argc, char **argv, const char *cmd, const char **dir)
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
    *dir = argv[0];
    return -1;
}

int cmd_summary(int argc, char **argv)
{
    const char *dir;
    int rc = one_dir(argc, argv, "summary", &dir);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    if (summary_save(dir, &e) < 0)
        return cmd_fail(e.code, e.msg);
    printf("%s/summary.csv\n%s/summary.json\n", dir, dir);
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    const char *dir;
    int rc = one_dir(argc, argv, "plot", &dir);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    if (chart_all(dir, &e) < 0)
        return cmd_fail(e.code, e.msg);
    printf("%s/plots/\n", dir);
    return 0;
}

/* The report goes to stdout only once it is complete, so an error never
 * leaves half a REPORT.md behind a redirection. */
int cmd_report(int argc, char **argv)
{
    const char *dir;
    int rc = one_dir(argc, argv, "report", &dir);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return cmd_fail(1, "out of memory");
    rc = mdreport_write(m, dir, &e);
    fclose(m);
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
    struct rows base, cur;
    if (regress_load(argv[0], &base, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (regress_load(argv[1], &cur, &e) < 0) {
        rows_free(&base);
        return cmd_fail(e.code, e.msg);
    }
    int reg, imp;
    int n = regress_compare(&base, &cur, (double)o.threshold, stdout, &reg, &imp, &e);
    rows_free(&base);
    rows_free(&cur);
    if (n < 0)
        return cmd_fail(e.code, e.msg);
    printf("%d compared: %d regression(s), %d improvement(s)\n", n, reg, imp);
    return reg ? 1 : 0;
}
