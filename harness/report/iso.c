#include "report/iso.h"
#include "common/noise.h"
#include "common/wlmeta.h"
#include "run/hostwl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int iso_cond_parse(const char *cond, char ant[16], int *duty, char env[32])
{
    size_t a = 0;
    while (cond[a] >= 'a' && cond[a] <= 'z')
        a++;
    if (a == 0 || a >= 16 || cond[a] < '0' || cond[a] > '9')
        return 0;
    memcpy(ant, cond, a);
    ant[a] = '\0';
    int d = 0;
    const char *p = cond + a;
    while (*p >= '0' && *p <= '9' && d <= 100)
        d = d * 10 + (*p++ - '0');
    if (d < 1 || d > 100 || (*p && *p != '-') || (*p == '-' && (!p[1] || strlen(p + 1) >= 32)))
        return 0;
    *duty = d;
    snprintf(env, 32, "%s", *p ? p + 1 : "");
    return noise_rank(ant) >= 0;
}

const char *iso_antagonist_label(const char *ant)
{
    static const char *const labels[NOISE_N] = { "CPU", "last-level cache", "memory bandwidth", "page allocation",
                                                 "storage (fsync)", "fork/exec" };
    int r = noise_rank(ant);
    return r < 0 ? ant : labels[r];
}

/* Sort key of a condition: antagonist, duty, environment. */
static int cond_cmp(const char *a, const char *b)
{
    char aa[16], ba[16], ae[32], be[32];
    int ad = 0, bd = 0;
    if (!iso_cond_parse(a, aa, &ad, ae) || !iso_cond_parse(b, ba, &bd, be))
        return strcmp(a, b);
    int ra = noise_rank(aa), rb = noise_rank(ba);
    if (ra != rb)
        return ra - rb;
    if (ad != bd)
        return ad - bd;
    return strcmp(ae, be);
}

/* Heatmap rows are the victims' headline metrics (as many as the run
 * measured: a victim run in part shows the part). Their place among
 * them from 1, or 0 for another metric. */
static int headline_of(const char *victim, const char *metric)
{
    const struct wl_meta *w = wl_meta_find(victim);
    for (int i = 0; w && i < 3 && w->headline[i]; i++)
        if (!strcmp(w->headline[i], metric))
            return i + 1;
    return 0;
}

/* Row order: the workload table's, then the headline's. */
static int row_key(const struct iso_grid *g, int r)
{
    return wl_meta_rank(g->victim[r]) * 8 + headline_of(g->victim[r], g->metric[r]);
}

void iso_grid_build(const struct summary *s, struct iso_grid *g)
{
    memset(g, 0, sizeof *g);
    g->nenv = chart_envs_of(s, "neighbour", 1, g->env);
    char kind, victim[48], metric[48], cond[48];
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *x = &s->g[i];
        if (strcmp(x->workload, "neighbour") || !hostwl_nb_parse(x->metric, &kind, victim, metric, cond) ||
            kind != 'x' || !headline_of(victim, metric))
            continue;
        int r = 0, c = 0;
        while (r < g->nrow && (strcmp(g->victim[r], victim) || strcmp(g->metric[r], metric)))
            r++;
        if (r == g->nrow && g->nrow < ISO_MAX_ROWS) {
            snprintf(g->victim[r], sizeof g->victim[r], "%s", victim);
            snprintf(g->metric[r], sizeof g->metric[r], "%s", metric);
            snprintf(g->row[r], sizeof g->row[r], "%s %s", victim, metric);
            g->nrow++;
        }
        while (c < g->ncol && strcmp(g->col[c], cond))
            c++;
        if (c == g->ncol && g->ncol < ISO_MAX_COLS)
            snprintf(g->col[g->ncol++], sizeof g->col[0], "%s", cond);
    }
    /* Rows in the workload table's order, columns by antagonist. */
    for (int a = 0; a < g->nrow; a++)
        for (int b = a + 1; b < g->nrow; b++)
            if (row_key(g, b) < row_key(g, a)) {
                char t[64];
                memcpy(t, g->victim[a], 48), memcpy(g->victim[a], g->victim[b], 48), memcpy(g->victim[b], t, 48);
                memcpy(t, g->metric[a], 48), memcpy(g->metric[a], g->metric[b], 48), memcpy(g->metric[b], t, 48);
                memcpy(t, g->row[a], 64), memcpy(g->row[a], g->row[b], 64), memcpy(g->row[b], t, 64);
            }
    for (int a = 0; a < g->ncol; a++)
        for (int b = a + 1; b < g->ncol; b++)
            if (cond_cmp(g->col[b], g->col[a]) < 0) {
                char t[48];
                memcpy(t, g->col[a], 48), memcpy(g->col[a], g->col[b], 48), memcpy(g->col[b], t, 48);
            }
    char name[48];
    for (int k = 0; k < g->nenv; k++)
        for (int r = 0; r < g->nrow; r++)
            for (int c = 0; c < g->ncol; c++) {
                hostwl_nb_name(name, sizeof name, 'x', g->victim[r], g->metric[r], g->col[c]);
                const struct summ_group *x = summary_find(s, g->env[k], "neighbour", name);
                g->x[k][r][c] = x && x->nv > 0 ? x->d.median : NAN;
                if (x && x->nv > g->reps)
                    g->reps = x->nv;
            }
}
