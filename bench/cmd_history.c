/* vcbench history DIR...: the headline metrics of many runs in run order,
 * with the change points in each (where its level shifted), as a table or
 * JSON, and optionally charts. A directory that holds no raw.csv stands
 * for the runs below it (a results root). */
#include "cmd.h"
#include "opts.h"
#include "analysis/history.h"
#include "report/chart.h"

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct history_cli {
    double alpha;
    const char *format, *plot;
    int help;
};

#define H(f) offsetof(struct history_cli, f)
static const struct opt_def history_defs[] = {
    { "alpha", OPT_DOUBLE, H(alpha), "0.01", 0.005, 0.5, NULL, "P",
      "significance of a change point (a permutation test of 199 shuffles: 0.005 at least)" },
    { "format", OPT_STR, H(format), "text", 0, 0, "text|json", "F", "what to print" },
    { "plot", OPT_STR, H(plot), NULL, 0, 0, NULL, "DIR", "also draw a chart per headline metric into DIR" },
    { "help", OPT_FLAG, H(help), NULL, 0, 0, NULL, NULL, "show this help" },
};
#define NHDEFS (int)(sizeof history_defs / sizeof history_defs[0])

const struct opt_def *cmd_history_opts(int *n)
{
    *n = NHDEFS;
    return history_defs;
}

/* dir itself when it holds raw.csv, else every subdirectory that does. */
/* Append a copy of s to the list (*out stays valid whatever fails). */
static int push(char ***out, int *n, const char *s)
{
    char **v = realloc(*out, (size_t)(*n + 1) * sizeof *v);
    if (!v)
        return -1;
    *out = v;
    if (!(v[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

static int expand(const char *dir, char ***out, int *n)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/raw.csv", dir);
    if (access(p, R_OK) == 0)
        return push(out, n, dir);
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s/raw.csv", dir, de->d_name);
        if (access(p, R_OK) != 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (push(out, n, p) < 0) {
            closedir(d);
            return -1;
        }
    }
    if (d)
        closedir(d);
    return 0;
}

int cmd_history(int argc, char **argv)
{
    int npos = 0;
    while (npos < argc && argv[npos][0] != '-')
        npos++;
    struct history_cli o = { 0 };
    struct vb_err e = { 0 };
    if (opts_parse(history_defs, NHDEFS, argc - npos, argv + npos, &o, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (o.help) {
        printf("usage: vcbench history DIR... [options]\n\nThe headline metrics of many runs (each DIR a results "
               "directory, or a directory of them)\nin run order, and their change points: where a level "
               "shifted (E-Divisive means).\n\noptions:\n");
        opts_help(stdout, history_defs, NHDEFS);
        return 0;
    }
    char **dirs = NULL;
    int n = 0;
    for (int i = 0; i < npos; i++)
        if (expand(argv[i], &dirs, &n) < 0) {
            free(dirs);
            return cmd_fail(VB_EFAIL, "out of memory");
        }
    int rc = 0;
    struct history h;
    if (n < 2) {
        rc = cmd_fail(VB_EUSAGE, "history: give two results directories or more (or a directory holding them)");
    } else if (history_build(dirs, n, o.alpha, &h, &e) < 0) {
        rc = cmd_fail(e.code, e.msg);
    } else {
        if (h.skipped)
            fprintf(stderr, "vcbench: %d run(s) could not be read and are left out; the first: %s\n", h.skipped,
                    h.skip_why);
        int w = !strcmp(o.format, "json") ? history_write_json(stdout, &h) : history_write_text(stdout, &h);
        if (w < 0 || fflush(stdout) != 0)
            rc = cmd_fail(VB_EHOST, "cannot write the history");
        else if (o.plot && chart_history_all(&h, o.plot, &e) < 0)
            rc = cmd_fail(e.code, e.msg);
        history_free(&h);
    }
    for (int i = 0; i < n; i++)
        free(dirs[i]);
    free(dirs);
    return rc;
}
