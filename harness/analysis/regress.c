#include "analysis/regress.h"
#include "analysis/stat.h"

#include <math.h>
#include <string.h>

int regress_compare(const struct results *base, const struct results *cur, double threshold_pct, FILE *out,
                    int *regressions, int *improvements, struct vb_err *e)
{
    *regressions = *improvements = 0;
    const struct summary *sb = &base->summ, *sc = &cur->summ;
    double t = threshold_pct / 100.0;
    int lines = 0;
    fprintf(out, "%-10s %-8s %-22s %12s %12s %9s %19s  %s\n", "env", "workload", "metric", "base", "current",
            "change", "95% CI", "verdict");
    for (int i = 0; i < sc->n; i++) {
        const struct summ_group *g = &sc->g[i], *gb = summary_find(sb, g->env, g->workload, g->metric);
        double f, lo, hi;
        if (!gb || g->nv == 0 || gb->nv == 0 ||
            stat_cost(g->v, g->nv, gb->v, gb->nv, !strcmp(g->dir, "higher"), 0x9e3779b9u + (uint64_t)i, &f, &lo,
                      &hi) < 0 || !isfinite(f) || !isfinite(lo) || !isfinite(hi))
            continue;
        enum verdict v = V_SAME;
        if (lo > 1 + t)
            v = V_REGRESSION;
        else if (hi < 1 / (1 + t))
            v = V_IMPROVEMENT;
        *regressions += v == V_REGRESSION;
        *improvements += v == V_IMPROVEMENT;
        char ci[40];
        snprintf(ci, sizeof ci, "[%+.1f%%, %+.1f%%]", (lo - 1) * 100, (hi - 1) * 100);
        fprintf(out, "%-10s %-8s %-22s %12.5g %12.5g %+8.1f%% %19s  %s\n", g->env, g->workload, g->metric,
                gb->d.median, g->d.median, (f - 1) * 100, ci,
                v == V_REGRESSION ? "REGRESSION" : v == V_IMPROVEMENT ? "improvement" : "same");
        lines++;
    }
    if (lines == 0)
        return vb_errf(e, VB_EUSAGE, "the two runs have no (env, workload, metric) in common");
    fprintf(out, "\nchange: how much worse CURRENT is than BASE (time up or rate down); a regression is a "
                 "slowdown whose whole 95%% CI is above +%.1f%%.\n", threshold_pct);
    return lines;
}
