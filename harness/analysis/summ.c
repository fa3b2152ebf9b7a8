#include "analysis/summ.h"
#include "common/csv.h"
#include "common/jsonio.h"
#include "common/strmap.h"
#include "common/wlmeta.h"
#include "env/env.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t summary_seed(const char *env, const char *workload, const char *metric)
{
    uint64_t h = 1469598103934665603ull;
    const char *parts[3] = { env, workload, metric };
    for (int i = 0; i < 3; i++) {
        for (const char *p = parts[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        h = (h ^ '/') * 1099511628211ull;
    }
    return h;
}

/* While grouping: the row index where each group's workload, and its
 * (workload, metric), first appeared - the order of unknown workloads and
 * of metrics in the summary. */
struct order {
    int wl_rank, m_first, env_rank, arm_first, idx;
};

struct grouping {
    struct strmap groups;      /* env|workload|metric -> group index */
    struct strmap firsts;      /* workload, workload|metric -> first row */
    struct strmap fails;       /* env|workload -> index into nfail */
    int *nfail, *nmis, nfails;
    struct order *ord;
    int cap;
};

static void key3(char *k, size_t n, const char *a, const char *b, const char *c)
{
    snprintf(k, n, "%s\x1f%s\x1f%s", a, b, c ? c : "");
}

static int push(struct summ_group *g, double v)
{
    if ((g->nv & (g->nv - 1)) == 0) {          /* 0, 1, 2, 4, ...: grow */
        double *nv = realloc(g->v, (size_t)(g->nv ? g->nv * 2 : 1) * sizeof *nv);
        if (!nv)
            return -1;
        g->v = nv;
    }
    g->v[g->nv++] = v;
    return 0;
}

/* The environment's label: the env, or "env@arm" in an A/B run. */
static void env_label(char *out, size_t n, const char *env, const char *arm)
{
    snprintf(out, n, "%s%s%s", env, *arm ? "@" : "", arm);
}

/* The group row w belongs to (made at its first row). -1: out of memory. */
static int group_of(struct summary *s, struct grouping *G, const struct rows *r, int i)
{
    const struct row *w = &r->v[i];
    char k[200], label[48];
    env_label(label, sizeof label, w->env, w->arm);
    key3(k, sizeof k, label, w->workload, w->metric);
    int gi = strmap_put(&G->groups, k, s->n);
    if (gi < s->n)
        return gi;
    if (s->n == G->cap) {
        int nc = G->cap ? G->cap * 2 : 64;
        struct summ_group *ng = realloc(s->g, (size_t)nc * sizeof *ng);
        struct order *no = ng ? realloc(G->ord, (size_t)nc * sizeof *no) : NULL;
        if (ng)
            s->g = ng;
        if (!no)
            return -1;
        G->ord = no;
        G->cap = nc;
    }
    struct summ_group *x = &s->g[s->n];
    memset(x, 0, sizeof *x);
    snprintf(x->env, sizeof x->env, "%s", label);
    snprintf(x->arm, sizeof x->arm, "%s", w->arm);
    snprintf(x->workload, sizeof x->workload, "%s", w->workload);
    snprintf(x->metric, sizeof x->metric, "%s", w->metric);
    snprintf(x->unit, sizeof x->unit, "%s", w->unit);
    snprintf(x->dir, sizeof x->dir, "%s", w->dir);
    x->params = w->params;
    x->wl_sha256 = r->shas[w->sha];
    key3(k, sizeof k, "", w->workload, NULL);
    int wf = strmap_put(&G->firsts, k, i);
    key3(k, sizeof k, w->workload, w->metric, NULL);
    int mf = strmap_put(&G->firsts, k, i);
    key3(k, sizeof k, "", "", w->arm);
    int af = strmap_put(&G->firsts, k, i);
    /* Known workloads in table order, then unknown ones as they appear. */
    int rank = wl_meta_rank(w->workload), nwl;
    wl_meta_all(&nwl);
    G->ord[s->n] = (struct order){ .wl_rank = rank >= 0 ? rank : nwl + wf, .m_first = mf,
                                   .env_rank = env_rank(w->env), .arm_first = af, .idx = s->n };
    return s->n++;
}

/* Failure rows ("run") count against their env (and arm) and workload. */
static int fail_count(struct grouping *G, const struct row *w)
{
    char k[200], label[48];
    env_label(label, sizeof label, w->env, w->arm);
    key3(k, sizeof k, label, w->workload, NULL);
    int fi = strmap_put(&G->fails, k, G->nfails);
    if (fi < 0)
        return -1;
    if (fi == G->nfails) {
        int *nf = realloc(G->nfail, (size_t)(G->nfails + 1) * sizeof *nf);
        if (nf)
            G->nfail = nf;
        int *nm = nf ? realloc(G->nmis, (size_t)(G->nfails + 1) * sizeof *nm) : NULL;
        if (!nm)
            return -1;
        G->nmis = nm;
        G->nfail[G->nfails] = G->nmis[G->nfails] = 0;
        G->nfails++;
    }
    G->nfail[fi]++;
    G->nmis[fi] += !strcmp(w->status, "mismatch");
    return 0;
}

static int rows_group(const struct rows *r, struct summary *s, struct grouping *G)
{
    for (int i = 0; i < r->n; i++) {
        const struct row *w = &r->v[i];
        if (!s->run_id[0]) {
            snprintf(s->run_id, sizeof s->run_id, "%s", w->run_id);
            snprintf(s->host, sizeof s->host, "%s", w->host);
            snprintf(s->accel, sizeof s->accel, "%s", w->accel);
        }
        if (!strcmp(w->metric, "run") && fail_count(G, w) < 0)
            return -1;
        if (!w->has_value || !*w->dir)
            continue;          /* "run" failure rows carry no value */
        int gi = group_of(s, G, r, i);
        if (gi < 0 || (!strcmp(w->status, "ok") && push(&s->g[gi], w->value) < 0))
            return -1;
    }
    return 0;
}

/* One group's statistics, and its cost against the baseline's group. */
static void group_compute(struct summ_group *x, const struct summary *s, const struct grouping *G, const char *base)
{
    char key[200];
    key3(key, sizeof key, x->env, x->workload, NULL);
    int fi = strmap_get(&G->fails, key);
    x->failed = fi >= 0 ? G->nfail[fi] : 0;
    x->mismatch = fi >= 0 ? G->nmis[fi] : 0;
    char base_label[48];
    env_label(base_label, sizeof base_label, base ? base : "", x->arm);
    if (x->nv == 0 || stat_describe(x->v, x->nv, &x->d) < 0 || !base || !strcmp(x->env, base_label))
        return;
    /* Against the baseline of the same arm. */
    key3(key, sizeof key, base_label, x->workload, x->metric);
    int bi = strmap_get(&G->groups, key);
    const struct summ_group *b = bi >= 0 ? &s->g[bi] : NULL;
    double r0, lo, hi;
    uint64_t seed = summary_seed(x->env, x->workload, x->metric) ^ 0x5bd1e995u;
    if (b && b->nv > 0 && stat_cost(x->v, x->nv, b->v, b->nv, !strcmp(x->dir, "higher"), seed, &r0, &lo, &hi) == 0 &&
        isfinite(r0) && isfinite(lo) && isfinite(hi)) {
        x->has_cost = 1;
        x->cost = r0;
        x->cost_lo = lo;
        x->cost_hi = hi;
    }
}

struct worker {
    pthread_t th;
    struct summary *s;
    const struct grouping *G;
    const char *base;
    int first, step;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int k = w->first; k < w->s->n; k += w->step)
        group_compute(&w->s->g[k], w->s, w->G, w->base);
    return NULL;
}

/* Every group, spread over the CPUs: each group's bootstrap has its own
 * seed, so the figures are the same whatever the number of threads
 * (VCB_THREADS overrides it). */
static void groups_compute(struct summary *s, const struct grouping *G, int costs)
{
    int n;
    const struct env_ops *const *envs = env_all(&n);
    const char *base = NULL;
    for (int i = 0; i < n && !base && costs; i++)
        base = envs[i]->baseline ? envs[i]->name : NULL;
    const char *want = getenv("VCB_THREADS");
    long nt = want ? strtol(want, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    nt = nt < 1 ? 1 : nt > 16 ? 16 : nt;
    if (s->n < 32)
        nt = 1;
    struct worker w[16];
    int started = 0;
    for (int t = 0; t < nt; t++) {
        w[t] = (struct worker){ .s = s, .G = G, .base = base, .first = t, .step = (int)nt };
        if (t == 0 || pthread_create(&w[t].th, NULL, worker_main, &w[t]) != 0)
            continue;
        started |= 1 << t;
    }
    /* This thread does its share, and any share a thread could not take. */
    for (int t = 0; t < nt; t++)
        if (!(started >> t & 1))
            worker_main(&w[t]);
    for (int t = 1; t < nt; t++)
        if (started >> t & 1)
            pthread_join(w[t].th, NULL);
    for (int k = 0; k < s->n; k++)
        if (s->g[k].d.n > s->runs)
            s->runs = s->g[k].d.n;
}

static int order_cmp(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->wl_rank != y->wl_rank)
        return x->wl_rank < y->wl_rank ? -1 : 1;
    if (x->m_first != y->m_first)
        return x->m_first - y->m_first;
    if (x->env_rank != y->env_rank)
        return x->env_rank - y->env_rank;
    if (x->arm_first != y->arm_first)
        return x->arm_first - y->arm_first;
    return x->idx - y->idx;
}

/* Order: workload, metric, env table order. */
static int groups_sort(struct summary *s, struct grouping *G)
{
    struct summ_group *sorted = malloc((size_t)(s->n + 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    qsort(G->ord, (size_t)s->n, sizeof *G->ord, order_cmp);
    for (int k = 0; k < s->n; k++)
        sorted[k] = s->g[G->ord[k].idx];
    free(s->g);
    s->g = sorted;
    return 0;
}

/* The failure counts as a list the summary keeps. */
static int fails_keep(struct summary *s, const struct grouping *G)
{
    if (!G->nfails)
        return 0;
    s->fails = calloc((size_t)G->nfails, sizeof *s->fails);
    if (!s->fails)
        return -1;
    for (size_t i = 0; i < G->fails.cap; i++) {
        const char *k = G->fails.keys[i];
        if (!k)
            continue;
        struct summ_fail *f = &s->fails[G->fails.vals[i]];
        size_t a = strcspn(k, "\x1f");
        snprintf(f->env, sizeof f->env, "%.*s", (int)a, k);
        snprintf(f->workload, sizeof f->workload, "%.*s", (int)strcspn(k + a + 1, "\x1f"), k + a + 1);
        f->failed = G->nfail[G->fails.vals[i]];
        f->mismatch = G->nmis[G->fails.vals[i]];
    }
    s->nfails = G->nfails;
    return 0;
}

const struct summ_fail *summary_fails(const struct summary *s, const char *env, const char *workload)
{
    for (int i = 0; i < s->nfails; i++)
        if (!strcmp(s->fails[i].env, env) && !strcmp(s->fails[i].workload, workload))
            return &s->fails[i];
    return NULL;
}

int summary_build(const struct rows *r, struct summary *s, struct vb_err *e)
{
    return summary_build_flags(r, 0, s, e);
}

int summary_build_flags(const struct rows *r, int flags, struct summary *s, struct vb_err *e)
{
    memset(s, 0, sizeof *s);
    struct grouping G = { 0 };
    int rc = rows_group(r, s, &G);
    if (rc == 0)
        rc = fails_keep(s, &G);
    if (rc == 0 && s->n > 0) {
        groups_compute(s, &G, !(flags & SUMM_NO_COST));
        rc = groups_sort(s, &G);
    }
    strmap_free(&G.groups);
    strmap_free(&G.firsts);
    strmap_free(&G.fails);
    free(G.nfail);
    free(G.nmis);
    free(G.ord);
    if (rc < 0) {
        summary_free(s);
        return vb_errf(e, VB_EFAIL, "out of memory");
    }
    if (s->n == 0) {
        summary_free(s);
        return vb_errf(e, VB_EUSAGE, "no measured rows to summarise (every repetition failed?)");
    }
    return 0;
}

void summary_free(struct summary *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->g[i].v);
    free(s->g);
    free(s->fails);
    memset(s, 0, sizeof *s);
}

const struct summ_group *summary_find(const struct summary *s, const char *env, const char *workload,
                                      const char *metric)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->g[i].env, env) && !strcmp(s->g[i].workload, workload) && !strcmp(s->g[i].metric, metric))
            return &s->g[i];
    return NULL;
}

static void num(FILE *f, double v)
{
    fprintf(f, ",%.6g", v);
}

int summary_write_csv(FILE *f, const struct summary *s)
{
    fputs("env,workload,metric,unit,dir,n,median,mean,sd,cv,min,max,p5,p95,ci_lo,ci_hi,outliers,noisy,"
          "cost,cost_lo,cost_hi,failed,accel\n", f);
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *x = &s->g[i];
        const struct stat_desc *d = &x->d;
        const char *names[] = { x->env, x->workload, x->metric, x->unit, x->dir };
        csv_row_fields(f, names, 5);
        fprintf(f, ",%d", d->n);
        num(f, d->median), num(f, d->mean), num(f, d->sd), num(f, d->cv), num(f, d->min), num(f, d->max);
        num(f, d->p5), num(f, d->p95), num(f, d->ci_lo), num(f, d->ci_hi);
        fprintf(f, ",%d,%d", d->outliers, d->noisy);
        if (x->has_cost)
            num(f, x->cost), num(f, x->cost_lo), num(f, x->cost_hi);
        else
            fputs(",,,", f);
        fprintf(f, ",%d,%s\n", x->failed, s->accel);
    }
    return ferror(f) ? -1 : 0;
}

static json_object *group_json(const struct summ_group *x)
{
    const struct stat_desc *d = &x->d;
    json_object *o = json_object_new_object();
    jsonio_add(o, "env", jsonio_str(x->env));
    if (x->arm[0])
        jsonio_add(o, "arm", jsonio_str(x->arm));
    jsonio_add(o, "workload", jsonio_str(x->workload));
    jsonio_add(o, "metric", jsonio_str(x->metric));
    jsonio_add(o, "unit", jsonio_str(x->unit));
    jsonio_add(o, "dir", jsonio_str(x->dir));
    jsonio_add(o, "params", jsonio_str(x->params));
    jsonio_add(o, "n", json_object_new_int(d->n));
    const char *names[] = { "median", "mean", "sd", "cv", "min", "max", "p5", "p95", "ci_lo", "ci_hi" };
    const double vals[] = { d->median, d->mean, d->sd, d->cv, d->min, d->max, d->p5, d->p95, d->ci_lo, d->ci_hi };
    for (int k = 0; k < 10; k++)
        jsonio_add(o, names[k], jsonio_num(vals[k]));
    jsonio_add(o, "ci_level", jsonio_num(d->ci_level));
    jsonio_add(o, "mad", jsonio_num(d->mad));
    jsonio_add(o, "outliers", json_object_new_int(d->outliers));
    jsonio_add(o, "noisy", json_object_new_boolean(d->noisy));
    jsonio_add(o, "failed", json_object_new_int(x->failed));
    if (x->has_cost) {
        jsonio_add(o, "cost", jsonio_num(x->cost));
        jsonio_add(o, "cost_lo", jsonio_num(x->cost_lo));
        jsonio_add(o, "cost_hi", jsonio_num(x->cost_hi));
    }
    return o;
}

json_object *summary_groups_json(const struct summary *s)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < s->n; i++)
        json_object_array_add(a, group_json(&s->g[i]));
    return a;
}

int summary_write_json(FILE *f, const struct summary *s)
{
    json_object *o = json_object_new_object();
    jsonio_add(o, "schema", jsonio_str("vcbench-summary-1"));
    jsonio_add(o, "run_id", jsonio_str(s->run_id));
    jsonio_add(o, "host", jsonio_str(s->host));
    jsonio_add(o, "accel", jsonio_str(s->accel));
    jsonio_add(o, "runs", json_object_new_int(s->runs));
    jsonio_add(o, "median_ci", jsonio_str("order statistics (binomial), at least 0.95 where n >= 6"));
    jsonio_add(o, "cost_ci", jsonio_str("percentile bootstrap, 500 to 2000 resamples (stops when stable)"));
    jsonio_add(o, "noisy_cv", jsonio_num(STAT_NOISY_CV));
    jsonio_add(o, "groups", summary_groups_json(s));
    int rc = jsonio_write(f, o);
    json_object_put(o);
    return rc;
}
