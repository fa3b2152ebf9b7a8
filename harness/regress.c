#include "regress.h"
#include "stat.h"
#include "summ.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int regress_load(const char *path, struct rows *r, struct vb_err *e)
{
    struct stat st;
    char p[PATH_MAX];
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(p, sizeof p, "%s/raw.csv", path);
    else
        snprintf(p, sizeof p, "%s", path);
    return rows_load(p, r, e);
}

static int vals(const struct rows *r, const struct summ_group *g, double *out)
{
    int n = 0;
    for (int i = 0; i < r->n; i++) {
        const struct row *w = &r->v[i];
        if (w->has_value && !strcmp(w->status, "ok") && !strcmp(w->env, g->env) &&
            !strcmp(w->workload, g->workload) && !strcmp(w->metric, g->metric))
            out[n++] = w->value;
    }
    return n;
}

int regress_compare(const struct rows *base, const struct rows *cur, double threshold_pct, FILE *out,
                    int *regressions, int *improvements, struct vb_err *e)
{
    *regressions = *improvements = 0;
    struct summary sb, sc;
    if (summary_build(base, &sb, e) < 0)
        return -1;
    if (summary_build(cur, &sc, e) < 0) {
        summary_free(&sb);
        return -1;
    }
    double *a = malloc(((size_t)cur->n + 1) * sizeof *a), *b = malloc(((size_t)base->n + 1) * sizeof *b);
    if (!a || !b) {
        free(a), free(b), summary_free(&sb), summary_free(&sc);
        return vb_errf(e, VB_EFAIL, "out of memory");
    }
    double t = threshold_pct / 100.0;
    int lines = 0;
    fprintf(out, "%-10s %-8s %-22s %12s %12s %9s %19s  %s\n", "env", "workload", "metric", "base", "current",
            "change", "95% CI", "verdict");
    for (int i = 0; i < sc.n; i++) {
        const struct summ_group *g = &sc.g[i];
        if (!summary_find(&sb, g->env, g->workload, g->metric))
            continue;
        int na = vals(cur, g, a), nb = vals(base, g, b);
        double f, lo, hi;
        if (na == 0 || nb == 0 || stat_cost(a, na, b, nb, !strcmp(g->dir, "higher"), 0x9e3779b9u + (uint64_t)i,
                                             &f, &lo, &hi) < 0 || !isfinite(f) || !isfinite(lo) || !isfinite(hi))
            continue;
        enum verdict v = V_SAME;
        if (lo > 1 + t)
            v = V_REGRESSION;
        else if (hi < 1 / (1 + t))
            v = V_IMPROVEMENT;
        *regressions += v == V_REGRESSION;
        *improvements += v == V_IMPROVEMENT;
        const struct summ_group *gb = summary_find(&sb, g->env, g->workload, g->metric);
        char ci[40];
        snprintf(ci, sizeof ci, "[%+.1f%%, %+.1f%%]", (lo - 1) * 100, (hi - 1) * 100);
        fprintf(out, "%-10s %-8s %-22s %12.5g %12.5g %+8.1f%% %19s  %s\n", g->env, g->workload, g->metric,
                gb->d.median, g->d.median, (f - 1) * 100, ci,
                v == V_REGRESSION ? "REGRESSION" : v == V_IMPROVEMENT ? "improvement" : "same");
        lines++;
    }
    free(a), free(b), summary_free(&sb), summary_free(&sc);
    if (lines == 0)
        return vb_errf(e, VB_EUSAGE, "the two runs have no (env, workload, metric) in common");
    fprintf(out, "\nchange: how much worse CURRENT is than BASE (time up or rate down); a regression is a "
                 "slowdown whose whole 95%% CI is above +%.1f%%.\n", threshold_pct);
    return lines;
}
