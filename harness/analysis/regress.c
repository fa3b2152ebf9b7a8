#include "analysis/regress.h"
#include "analysis/stat.h"
#include "common/jsonio.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[V_COUNT] = {
    "same", "improvement", "regression", "inconclusive", "missing", "new", "ignored",
};

const char *cmp_verdict_name(enum verdict v)
{
    return v >= 0 && v < V_COUNT ? verdict_names[v] : "?";
}

/* In the text table a regression stands out. */
static const char *verdict_shout(enum verdict v)
{
    return v == V_REGRESSION ? "REGRESSION" : cmp_verdict_name(v);
}

/* The threshold of a series from the rules (first match), else the default;
 * < 0 when the rules ignore it. */
static double threshold_of(const struct cmp_opts *o, const char *env, const char *wl, const char *metric)
{
    char key[160];
    snprintf(key, sizeof key, "%s/%s/%s", env, wl, metric);
    for (int i = 0; o->rules && i < o->rules->n; i++) {
        const char *p = o->rules->r[i].pattern;
        if (!fnmatch(p, key, 0) || (!strchr(p, '/') && !fnmatch(p, metric, 0)))
            return o->rules->r[i].threshold;
    }
    return o->threshold;
}

/* The smallest two-sided p-value a rank test can give with these sizes
 * (every value of one sample beyond every value of the other). */
static double min_p(int na, int nb)
{
    int sg;
    double lc = lgamma_r(na + nb + 1.0, &sg) - lgamma_r(na + 1.0, &sg) - lgamma_r(nb + 1.0, &sg);
    return fmin(1, 2 * exp(-lc));
}

/* Compare one series: cur against base (both may be NULL: one side only). */
static void series_compare(const struct summ_group *gb, const struct summ_group *gc, const struct summ_fail *fails,
                           const struct cmp_opts *o, unsigned allow, struct cmp_series *x)
{
    const struct summ_group *g = gc ? gc : gb;
    memset(x, 0, sizeof *x);
    snprintf(x->env, sizeof x->env, "%.*s", (int)strcspn(g->env, "@"), g->env);
    snprintf(x->workload, sizeof x->workload, "%s", g->workload);
    snprintf(x->metric, sizeof x->metric, "%s", g->metric);
    snprintf(x->unit, sizeof x->unit, "%s", g->unit);
    snprintf(x->dir, sizeof x->dir, "%s", g->dir);
    x->threshold = threshold_of(o, x->env, x->workload, x->metric);
    x->p = x->p_adj = 1;
    x->change = x->lo = x->hi = x->mde = NAN;
    x->base = gb ? gb->d.median : NAN;
    x->cur = gc ? gc->d.median : NAN;
    x->nb = gb ? gb->nv : 0;
    x->nc = gc ? gc->nv : 0;
    if (x->threshold < 0) {
        x->v = V_IGNORED;
        return;
    }
    if (!gb || !gc) {
        x->v = gb ? V_MISSING : V_NEW;
        /* Often the other side's launches all failed: say so. */
        const struct summ_fail *f = fails;
        snprintf(x->note, sizeof x->note, "measured in %s only", gb ? "BASE" : "CURRENT");
        if (f && f->failed) {
            x->cond |= COND_FAILED & ~allow;
            snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note),
                     "; %s has %d failed repetitions of %s/%s", gb ? "CURRENT" : "BASE", f->failed, x->env,
                     x->workload);
        }
        return;
    }
    /* What makes the two not the same thing. */
    const char *pb = gb->params ? gb->params : "", *pc = gc->params ? gc->params : "";
    x->cond |= strcmp(pb, pc) ? COND_PARAMS : 0;
    x->cond |= gb->wl_sha256 && gc->wl_sha256 && strcmp(gb->wl_sha256, gc->wl_sha256) ? COND_WL : 0;
    x->cond |= gb->failed || gc->failed ? COND_FAILED : 0;
    x->cond |= gb->mismatch || gc->mismatch ? COND_MISMATCH : 0;
    x->cond &= ~allow;
    if (x->cond & COND_PARAMS)
        snprintf(x->note, sizeof x->note, "parameters differ: %.80s | %.80s", pb, pc);
    else if (x->cond & COND_WL)
        snprintf(x->note, sizeof x->note, "different wl builds");
    else if (x->cond & (COND_FAILED | COND_MISMATCH))
        snprintf(x->note, sizeof x->note, "%d/%d failed repetitions (%d/%d checksum mismatches) in BASE/CURRENT",
                 gb->failed, gc->failed, gb->mismatch, gc->mismatch);
    if (gb->nv == 0 || gc->nv == 0) {
        x->v = V_INCONCLUSIVE;
        x->decided = 1;
        snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note), "%sno ok values on one side",
                 x->note[0] ? "; " : "");
        return;
    }
    int higher = !strcmp(g->dir, "higher");
    /* Seeded by the series' name: its CI does not move when others come or go. */
    uint64_t seed = 0x9e3779b9u;
    for (const char *k[3] = { x->env, x->workload, x->metric }, **q = k; q < k + 3; q++)
        for (const char *c = *q; *c; c++)
            seed = (seed ^ (unsigned char)*c) * 1099511628211ull;
    stat_cost(gc->v, gc->nv, gb->v, gb->nv, higher, seed, &x->change, &x->lo, &x->hi);
    double u;
    x->p = stat_mwu(gc->v, gc->nv, gb->v, gb->nv, &u);
    x->mde = stat_mde(&gb->d, &gc->d, o->alpha, o->power);
    if (!isfinite(x->change)) {
        /* A median of 0 (a count that is usually zero): no ratio. Only
         * values identical on both sides are the same without one. */
        int same = gb->d.min == gb->d.max && gc->d.min == gc->d.max && gb->d.min == gc->d.min;
        x->v = same ? V_SAME : V_INCONCLUSIVE;
        x->p = same ? 1 : x->p;
        if (!same)
            snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note), "%sno ratio of medians %g and %g",
                     x->note[0] ? "; " : "", x->base, x->cur);
        x->decided = 1;
    }
}

/* After every p-value is known: adjust, then decide. */
static void verdicts(struct cmp_report *r, const struct cmp_opts *o)
{
    double *p = malloc((size_t)(r->n + 1) * sizeof *p), *adj = malloc((size_t)(r->n + 1) * sizeof *adj);
    int *idx = malloc((size_t)(r->n + 1) * sizeof *idx), m = 0;
    if (!p || !adj || !idx) {
        free(p), free(adj), free(idx);
        for (int i = 0; i < r->n; i++)
            if (r->s[i].v == V_SAME)
                r->s[i].v = V_INCONCLUSIVE;
        return;
    }
    for (int i = 0; i < r->n; i++)
        if (r->s[i].v == V_SAME && !r->s[i].decided) {
            p[m] = r->s[i].p;
            idx[m++] = i;
        }
    stat_adjust_bh(p, m, adj);
    /* The MDE at the level a lone change must reach after the adjustment
     * (alpha / m): what the gate can find, not what one test could. */
    double za = stat_norm_quantile(1 - o->alpha / 2) + stat_norm_quantile(o->power);
    double zm = stat_norm_quantile(1 - o->alpha / (2.0 * (m > 0 ? m : 1))) + stat_norm_quantile(o->power);
    for (int k = 0; k < m; k++) {
        struct cmp_series *x = &r->s[idx[k]];
        double t = x->threshold;
        x->p_adj = adj[k];
        x->mde *= zm / za;
        int sig = x->p_adj <= o->alpha;
        if (sig && x->change > 1 + t)
            x->v = V_REGRESSION;
        else if (sig && x->change < 1 / (1 + t))
            x->v = V_IMPROVEMENT;
        /* Could these data have shown a threshold-sized change at all? A
         * rank test has a floor (all of one side beyond the other), and
         * the noise sets the smallest change it resolves. */
        else if (min_p(x->nb, x->nc) * m > o->alpha) {
            x->v = V_INCONCLUSIVE;
            snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note), "%s%d and %d repetitions cannot "
                     "reach significance over %d series; run more (--profile ci)", x->note[0] ? "; " : "", x->nb,
                     x->nc, m);
        } else if (!(x->mde <= t)) {
            x->v = V_INCONCLUSIVE;
            snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note), "%stoo noisy to show %.1f%% "
                     "(resolves %.1f%%)", x->note[0] ? "; " : "", t * 100, x->mde * 100);
        } else if (!(x->lo >= 1 / (1 + t) && x->hi <= 1 + t)) {
            /* "Same" is a claim too: the change's CI must lie within the
             * threshold both ways. */
            x->v = V_INCONCLUSIVE;
            snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note), "%sthe change's CI reaches "
                     "beyond +-%.1f%%", x->note[0] ? "; " : "", t * 100);
        } else {
            x->v = V_SAME;
        }
    }
    free(p), free(adj), free(idx);
}

static int report_grow(struct cmp_report *r, int *cap)
{
    if (r->n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 64;
    struct cmp_series *ns = realloc(r->s, (size_t)nc * sizeof *ns);
    if (!ns)
        return -1;
    r->s = ns;
    *cap = nc;
    return 0;
}

/* The group of sb matching g's series (env without its arm, workload,
 * metric) in arm `arm` ("" for none). */
static const struct summ_group *match(const struct summary *sb, const struct summ_group *g, const char *arm)
{
    size_t elen = strcspn(g->env, "@");
    for (int i = 0; i < sb->n; i++) {
        const struct summ_group *h = &sb->g[i];
        if (strcmp(h->arm, arm) == 0 && strcspn(h->env, "@") == elen && !strncmp(h->env, g->env, elen) &&
            !strcmp(h->workload, g->workload) && !strcmp(h->metric, g->metric))
            return h;
    }
    return NULL;
}

/* The failures on the other side (summary s, arm) of g's env and workload. */
static const struct summ_fail *fails_of(const struct summary *s, const struct summ_group *g, const char *arm)
{
    char label[64];
    snprintf(label, sizeof label, "%.*s%s%s", (int)strcspn(g->env, "@"), g->env, *arm ? "@" : "", arm);
    return summary_fails(s, label, g->workload);
}

/* Does s have a series of env (its first elen bytes, no arm) and workload
 * in arm? */
static int has_series(const struct summary *s, const char *env, size_t elen, const char *workload, const char *arm)
{
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *g = &s->g[i];
        if (!strcmp(g->arm, arm) && strcspn(g->env, "@") == elen && !strncmp(g->env, env, elen) &&
            !strcmp(g->workload, workload))
            return 1;
    }
    return 0;
}

/* The failures of env (first elen bytes) and workload in arm of s, or NULL. */
static const struct summ_fail *fail_find(const struct summary *s, const char *env, size_t elen, const char *workload,
                                         const char *arm)
{
    char label[64];
    snprintf(label, sizeof label, "%.*s%s%s", (int)elen, env, *arm ? "@" : "", arm);
    return summary_fails(s, label, workload);
}

/* An env and workload whose every repetition failed - on one side (a new
 * workload that never works, one that broke) or on both - has no series:
 * one entry (metric "run") says so, so it cannot vanish from the verdict. */
static int fails_only(const struct summary *sb, const char *ab, const struct summary *sc, const char *ac,
                      const struct cmp_opts *o, struct cmp_report *r, int *cap, struct vb_err *e)
{
    for (int side = 0; side < 2; side++) {
        const struct summary *s = side ? sb : sc;
        const char *arm = side ? ab : ac;
        for (int i = 0; i < s->nfails; i++) {
            const struct summ_fail *f = &s->fails[i];
            const char *at = strchr(f->env, '@');
            size_t elen = at ? (size_t)(at - f->env) : strlen(f->env);
            if (strcmp(at ? at + 1 : "", arm) != 0 || has_series(sb, f->env, elen, f->workload, ab) ||
                has_series(sc, f->env, elen, f->workload, ac))
                continue;
            const struct summ_fail *fb = fail_find(sb, f->env, elen, f->workload, ab);
            const struct summ_fail *fc = fail_find(sc, f->env, elen, f->workload, ac);
            if (side == 1 && fc)
                continue;      /* reported with CURRENT's */
            if (report_grow(r, cap) < 0)
                return vb_errf(e, VB_EFAIL, "out of memory");
            struct cmp_series *x = &r->s[r->n++];
            memset(x, 0, sizeof *x);
            snprintf(x->env, sizeof x->env, "%.*s", (int)elen, f->env);
            snprintf(x->workload, sizeof x->workload, "%s", f->workload);
            snprintf(x->metric, sizeof x->metric, "run");
            x->threshold = threshold_of(o, x->env, x->workload, x->metric);
            x->p = x->p_adj = 1;
            x->change = x->lo = x->hi = x->mde = x->base = x->cur = NAN;
            x->v = fb && fc ? V_INCONCLUSIVE : fc ? V_NEW : V_MISSING;
            x->cond = COND_FAILED & ~o->allow;
            x->decided = 1;
            snprintf(x->note, sizeof x->note, "every repetition failed: %d in BASE, %d in CURRENT, no value to "
                     "compare", fb ? fb->failed : 0, fc ? fc->failed : 0);
        }
    }
    return 0;
}

/* Every series of base (arm ab) and cur (arm ac), each once. */
static int compare_all(const struct summary *sb, const char *ab, const struct summary *sc, const char *ac,
                       const struct cmp_opts *o, struct cmp_report *r, struct vb_err *e)
{
    int cap = 0;
    for (int i = 0; i < sc->n; i++) {
        const struct summ_group *gc = &sc->g[i];
        if (strcmp(gc->arm, ac) != 0)
            continue;
        if (report_grow(r, &cap) < 0)
            return vb_errf(e, VB_EFAIL, "out of memory");
        const struct summ_group *gb = match(sb, gc, ab);
        series_compare(gb, gc, gb ? NULL : fails_of(sb, gc, ab), o, o->allow, &r->s[r->n]);
        r->n++;
    }
    for (int i = 0; i < sb->n; i++) {
        const struct summ_group *gb = &sb->g[i];
        if (strcmp(gb->arm, ab) != 0 || match(sc, gb, ac))
            continue;
        if (report_grow(r, &cap) < 0)
            return vb_errf(e, VB_EFAIL, "out of memory");
        series_compare(gb, NULL, fails_of(sc, gb, ac), o, o->allow, &r->s[r->n]);
        r->n++;
    }
    if (fails_only(sb, ab, sc, ac, o, r, &cap, e) < 0)
        return -1;
    verdicts(r, o);
    for (int i = 0; i < r->n; i++) {
        const struct cmp_series *x = &r->s[i];
        r->count[x->v]++;
        r->conditions += x->cond != 0 || ((x->v == V_MISSING || x->v == V_NEW) && !(o->allow & ALLOW_MISSING));
    }
    r->alpha = o->alpha;
    r->threshold = o->threshold;
    r->allow = o->allow;
    if (r->n == r->count[V_MISSING] + r->count[V_NEW] + r->count[V_IGNORED])
        return vb_errf(e, VB_EUSAGE, "the two sides have no (env, workload, metric) in common");
    return 0;
}

/* What differs between the two hosts, from run.json and the rows. */
static void host_compare(const struct results *b, const struct results *c, struct cmp_report *r, unsigned allow)
{
    char *d = r->host_diff;
    size_t n = sizeof r->host_diff;
#define DIFF(name, x, y)                                                                         \
    if (strcmp((x), (y)) != 0)                                                                   \
        snprintf(d + strlen(d), n - strlen(d), "%s%s '%s' vs '%s'", *d ? "; " : "", name, x, y);
    DIFF("accelerator", b->summ.accel, c->summ.accel);
    DIFF("host name", b->summ.host, c->summ.host);
    if (b->has_meta && c->has_meta) {
        DIFF("CPU", b->meta.cpu_model, c->meta.cpu_model);
        DIFF("host kernel", b->meta.host_kernel, c->meta.host_kernel);
        DIFF("cgroups", b->meta.cgroup, c->meta.cgroup);
        if (b->meta.host_mem_mib != c->meta.host_mem_mib)
            snprintf(d + strlen(d), n - strlen(d), "%smemory %lu vs %lu MiB", *d ? "; " : "", b->meta.host_mem_mib,
                     c->meta.host_mem_mib);
    } else if (b->has_meta != c->has_meta) {
        /* One side's host cannot be told: not a pass. (With neither
         * run.json, two raw.csv files, the rows' host name decides.) */
        snprintf(d + strlen(d), n - strlen(d), "%sno usable run.json in %s: CPU, kernel and cgroups unknown",
                 *d ? "; " : "", !b->has_meta ? b->dir : c->dir);
    }
#undef DIFF
    r->host_blocks = *d && !(allow & ALLOW_HOST);
}

int cmp_runs(const struct results *base, const struct results *cur, const struct cmp_opts *o,
             struct cmp_report *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    snprintf(r->base_name, sizeof r->base_name, "%s", base->dir);
    snprintf(r->cur_name, sizeof r->cur_name, "%s", cur->dir);
    host_compare(base, cur, r, o->allow);
    if (compare_all(&base->summ, "", &cur->summ, "", o, r, e) < 0) {
        cmp_free(r);
        return -1;
    }
    return 0;
}

/* The first and second arm labels seen in a run. */
static int arms_of(const struct summary *s, char a[16], char b[16])
{
    a[0] = b[0] = '\0';
    for (int i = 0; i < s->n; i++) {
        const char *arm = s->g[i].arm;
        if (!*arm || !strcmp(arm, a) || !strcmp(arm, b))
            continue;
        if (!a[0])
            snprintf(a, 16, "%s", arm);
        else if (!b[0])
            snprintf(b, 16, "%s", arm);
    }
    return b[0] ? 0 : -1;
}

int cmp_arms(const struct results *res, const char *a, const char *b, const struct cmp_opts *o,
             struct cmp_report *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    char fa[16], fb[16];
    if (arms_of(&res->summ, fa, fb) < 0)
        return vb_errf(e, VB_EUSAGE, "%s is not an A/B run (made by 'vcbench ab'): give BASE and CURRENT", res->dir);
    /* A and B as the run named them (the rows' order is shuffled). */
    if (res->has_meta && res->meta.narms == 2) {
        snprintf(fa, sizeof fa, "%s", res->meta.arm[0].label);
        snprintf(fb, sizeof fb, "%s", res->meta.arm[1].label);
    }
    a = a ? a : fa;
    b = b ? b : fb;
    if (!strcmp(a, b))
        return vb_errf(e, VB_EUSAGE, "arm '%s' against itself compares nothing: give two arms, e.g. --arms %s,%s", a,
                       fa, fb);
    snprintf(r->base_name, sizeof r->base_name, "%s arm %s", res->dir, a);
    snprintf(r->cur_name, sizeof r->cur_name, "%s arm %s", res->dir, b);
    /* The arms differ on purpose in what the user set for them: parameters
     * and the wl build are the point of the A/B, not a condition. */
    struct cmp_opts oo = *o;
    oo.allow |= ALLOW_PARAMS | ALLOW_WL;
    if (compare_all(&res->summ, a, &res->summ, b, &oo, r, e) < 0) {
        cmp_free(r);
        return -1;
    }
    return 0;
}

void cmp_free(struct cmp_report *r)
{
    free(r->s);
    memset(r, 0, sizeof *r);
}

int cmp_exit(const struct cmp_report *r)
{
    if (r->count[V_REGRESSION])
        return 1;
    if (r->conditions || r->host_blocks)
        return 4;
    if (r->count[V_INCONCLUSIVE])
        return 5;
    return 0;
}

static void pct(char *out, size_t n, double f)
{
    if (isfinite(f))
        snprintf(out, n, "%+.1f%%", (f - 1) * 100);
    else
        snprintf(out, n, "-");
}

int cmp_write_text(FILE *f, const struct cmp_report *r)
{
    fprintf(f, "BASE    %s\nCURRENT %s\n", r->base_name, r->cur_name);
    if (*r->host_diff)
        fprintf(f, "HOSTS DIFFER: %s%s\n", r->host_diff, r->host_blocks ? " (pass --allow host to accept)" : "");
    fprintf(f, "\n%-16s %-8s %-22s %11s %11s %8s %19s %8s %7s  %s\n", "env", "workload", "metric", "base", "current",
            "change", "95% CI", "p(adj)", "MDE", "verdict");
    for (int i = 0; i < r->n; i++) {
        const struct cmp_series *x = &r->s[i];
        char ch[16], lo[16], hi[16], ci[40], mde[16];
        pct(ch, sizeof ch, x->change);
        pct(lo, sizeof lo, x->lo);
        pct(hi, sizeof hi, x->hi);
        snprintf(ci, sizeof ci, isfinite(x->lo) ? "[%s, %s]" : "-", lo, hi);
        if (isfinite(x->mde))
            snprintf(mde, sizeof mde, "%.1f%%", x->mde * 100);
        else
            snprintf(mde, sizeof mde, "-");
        fprintf(f, "%-16s %-8s %-22s %11.5g %11.5g %8s %19s %8.2g %7s  %s%s%s\n", x->env, x->workload, x->metric,
                x->base, x->cur, ch, ci, x->p_adj, mde, verdict_shout(x->v), x->cond ? " [" : "",
                x->cond ? "incomparable]" : "");
        if (x->note[0] && (x->cond || x->v == V_MISSING || x->v == V_NEW))
            fprintf(f, "%18s%s\n", "", x->note);
    }
    fprintf(f, "\n%d series: %d regression(s), %d improvement(s), %d same, %d inconclusive, %d missing, %d new, "
               "%d ignored; %d with a condition that makes them incomparable\n",
            r->n, r->count[V_REGRESSION], r->count[V_IMPROVEMENT], r->count[V_SAME], r->count[V_INCONCLUSIVE],
            r->count[V_MISSING], r->count[V_NEW], r->count[V_IGNORED], r->conditions);
    fprintf(f, "change: how much worse CURRENT is than BASE (time up or rate down). A regression is a change beyond "
               "+%.1f%% (or the rules' threshold) that a Mann-Whitney U test finds at a false discovery rate of %g "
               "(Benjamini-Hochberg); inconclusive: the data could not show a change of that size (MDE: the "
               "smallest change they resolve).\n", r->threshold * 100, r->alpha);
    return ferror(f) ? -1 : 0;
}

static json_object *series_json(const struct cmp_series *x)
{
    json_object *o = json_object_new_object();
    jsonio_add(o, "env", jsonio_str(x->env));
    jsonio_add(o, "workload", jsonio_str(x->workload));
    jsonio_add(o, "metric", jsonio_str(x->metric));
    jsonio_add(o, "unit", jsonio_str(x->unit));
    jsonio_add(o, "dir", jsonio_str(x->dir));
    jsonio_add(o, "verdict", jsonio_str(cmp_verdict_name(x->v)));
    jsonio_add(o, "n_base", json_object_new_int(x->nb));
    jsonio_add(o, "n_current", json_object_new_int(x->nc));
    jsonio_add(o, "base_median", jsonio_num(x->base));
    jsonio_add(o, "current_median", jsonio_num(x->cur));
    jsonio_add(o, "change", jsonio_num(x->change));
    jsonio_add(o, "change_lo", jsonio_num(x->lo));
    jsonio_add(o, "change_hi", jsonio_num(x->hi));
    jsonio_add(o, "p", jsonio_num(x->p));
    jsonio_add(o, "p_adjusted", jsonio_num(x->p_adj));
    jsonio_add(o, "mde", jsonio_num(x->mde));
    jsonio_add(o, "threshold", jsonio_num(x->threshold));
    json_object *c = json_object_new_array();
    static const char *const names[] = { "params", "wl", "failed", "mismatch" };
    for (int k = 0; k < 4; k++)
        if (x->cond & (1u << k))
            json_object_array_add(c, json_object_new_string(names[k]));
    jsonio_add(o, "conditions", c);
    if (x->note[0])
        jsonio_add(o, "note", jsonio_str(x->note));
    return o;
}

int cmp_write_json(FILE *f, const struct cmp_report *r)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array(), *c = json_object_new_object();
    jsonio_add(o, "schema", jsonio_str("vcbench-compare-1"));
    jsonio_add(o, "base", jsonio_str(r->base_name));
    jsonio_add(o, "current", jsonio_str(r->cur_name));
    jsonio_add(o, "threshold", jsonio_num(r->threshold));
    jsonio_add(o, "alpha", jsonio_num(r->alpha));
    jsonio_add(o, "exit", json_object_new_int(cmp_exit(r)));
    jsonio_add(o, "host_diff", jsonio_str(r->host_diff));
    for (int v = 0; v < V_COUNT; v++)
        jsonio_add(c, cmp_verdict_name((enum verdict)v), json_object_new_int(r->count[v]));
    jsonio_add(c, "incomparable", json_object_new_int(r->conditions));
    jsonio_add(o, "counts", c);
    for (int i = 0; i < r->n; i++)
        json_object_array_add(a, series_json(&r->s[i]));
    jsonio_add(o, "series", a);
    int rc = jsonio_write(f, o);
    json_object_put(o);
    return rc;
}

static void xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '&')
            fputs("&amp;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c == '\'')
            fputs("&apos;", f);
        else
            fputc(c < 0x20 ? ' ' : c, f);
    }
}

/* How a series shows in JUnit: 2 a failure (a regression, or what makes
 * the gate exit 4), 1 skipped (inconclusive, ignored), 0 passed. */
static int junit_kind(const struct cmp_series *x, unsigned allow)
{
    int missing = (x->v == V_MISSING || x->v == V_NEW) && !(allow & ALLOW_MISSING);
    if (x->v == V_REGRESSION || x->cond || missing)
        return 2;
    return x->v == V_INCONCLUSIVE || x->v == V_IGNORED || x->v == V_MISSING || x->v == V_NEW;
}

int cmp_write_junit(FILE *f, const struct cmp_report *r)
{
    int fails = r->host_blocks ? 1 : 0, skipped = 0;
    for (int i = 0; i < r->n; i++) {
        int k = junit_kind(&r->s[i], r->allow);
        fails += k == 2;
        skipped += k == 1;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
               "  <testsuite name=\"vcbench compare\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n",
            r->n + (r->host_blocks ? 1 : 0), fails, skipped);
    if (r->host_blocks) {
        fputs("    <testcase classname=\"host\" name=\"fingerprint\">\n      <failure message=\"", f);
        xml(f, r->host_diff);
        fputs("\"/>\n    </testcase>\n", f);
    }
    for (int i = 0; i < r->n; i++) {
        const struct cmp_series *x = &r->s[i];
        char ch[16], mde[16], msg[512];
        pct(ch, sizeof ch, x->change);
        if (isfinite(x->mde))
            snprintf(mde, sizeof mde, "%.1f%%", x->mde * 100);
        else
            snprintf(mde, sizeof mde, "-");
        snprintf(msg, sizeof msg, "%s: change %s (p adjusted %.2g, MDE %s, threshold %.1f%%)%s%s",
                 verdict_shout(x->v), ch, x->p_adj, mde, x->threshold * 100, x->note[0] ? "; " : "", x->note);
        fputs("    <testcase classname=\"", f);
        xml(f, x->env);
        fputc('.', f);
        xml(f, x->workload);
        fputs("\" name=\"", f);
        xml(f, x->metric);
        fputs("\">", f);
        int kind = junit_kind(x, r->allow);
        if (kind == 2) {
            fputs("\n      <failure message=\"", f);
            xml(f, msg);
            fputs("\"/>\n    ", f);
        } else if (kind == 1) {
            fputs("\n      <skipped message=\"", f);
            xml(f, msg);
            fputs("\"/>\n    ", f);
        }
        fputs("</testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}

int cmp_rules_load(const char *path, struct cmp_rules *rules, struct vb_err *e)
{
    memset(rules, 0, sizeof *rules);
    FILE *f = fopen(path, "re");
    if (!f)
        return vb_errf(e, VB_EUSAGE, "cannot read --rules %s: %s", path, strerror(errno));
    char line[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = vb_errf(e, VB_EUSAGE, "%s: line %d is longer than %zu characters", path, lineno, sizeof line - 2);
            break;
        }
        line[strcspn(line, "#\n")] = '\0';
        char pat[256], val[64], extra[8];
        int k = sscanf(line, "%255s %63s %7s", pat, val, extra);
        if (k <= 0)
            continue;
        double t = -1;
        char *end = NULL;
        if (k == 2 && strcmp(val, "ignore") != 0) {
            /* The percent sign is required: "0.05" might mean 5% or 0.05%. */
            double pctv = strtod(val, &end);
            t = pctv / 100;
            if (end == val || strcmp(end, "%") != 0 || !(pctv >= 0 && pctv <= 1000))
                k = 0;
        }
        if (k == 2 && strlen(pat) >= sizeof rules->r->pattern) {
            rc = vb_errf(e, VB_EUSAGE, "%s: line %d: the pattern is longer than %zu characters", path, lineno,
                         sizeof rules->r->pattern - 1);
            break;
        }
        if (k != 2) {
            rc = vb_errf(e, VB_EUSAGE, "%s: line %d: expected 'PATTERN PCT%%' (0-1000%%) or 'PATTERN ignore', "
                         "e.g. '*/startup/* 10%%' or 'lat_* ignore'", path, lineno);
            break;
        }
        struct cmp_rule *nr = realloc(rules->r, (size_t)(rules->n + 1) * sizeof *nr);
        if (!nr) {
            rc = vb_errf(e, VB_EFAIL, "out of memory");
            break;
        }
        rules->r = nr;
        snprintf(nr[rules->n].pattern, sizeof nr->pattern, "%s", pat);
        nr[rules->n++].threshold = t;
    }
    fclose(f);
    if (rc < 0)
        cmp_rules_free(rules);
    return rc;
}

void cmp_rules_free(struct cmp_rules *rules)
{
    free(rules->r);
    memset(rules, 0, sizeof *rules);
}

int cmp_allow_parse(const char *list, unsigned *allow, struct vb_err *e)
{
    static const struct { const char *name; unsigned bit; } words[] = {
        { "host", ALLOW_HOST }, { "params", ALLOW_PARAMS }, { "wl", ALLOW_WL }, { "failed", ALLOW_FAILED },
        { "mismatch", ALLOW_MISMATCH }, { "missing", ALLOW_MISSING },
    };
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strlen(words[i].name) == n && !strncmp(words[i].name, p, n))
                bit = words[i].bit;
        if (!bit)
            return vb_errf(e, VB_EUSAGE, "--allow '%.*s': use host, params, wl, failed, mismatch or missing, comma "
                           "separated", (int)n, p);
        *allow |= bit;
        p += n + (p[n] == ',');
    }
    return 0;
}

int cmp_write(FILE *f, const struct cmp_report *r, const char *format)
{
    return !strcmp(format, "json") ? cmp_write_json(f, r)
           : !strcmp(format, "junit") ? cmp_write_junit(f, r) : cmp_write_text(f, r);
}
