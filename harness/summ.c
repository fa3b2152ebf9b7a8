#include "summ.h"
#include "env.h"
#include "json.h"
#include "../workloads/wl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Position of an env in the table (unknown envs after, in name order). */
static int env_rank(const char *name)
{
    int n;
    const struct env_ops *const *all = env_all(&n);
    for (int i = 0; i < n; i++)
        if (!strcmp(all[i]->name, name))
            return i;
    return n;
}

/* Position of a workload in wl's table (unknown ones after, as found). */
static int wl_rank(const char *name, int first)
{
    for (int i = 0, n = wl_count(); i < n; i++)
        if (!strcmp(wl_all()[i]->name, name))
            return i;
    return wl_count() + first;
}

struct key {
    int wl_first, metric_first, env_rank;
    int idx;                   /* into groups */
};

static int key_cmp(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    if (x->wl_first != y->wl_first)
        return x->wl_first - y->wl_first;
    if (x->metric_first != y->metric_first)
        return x->metric_first - y->metric_first;
    return x->env_rank - y->env_rank;
}

/* Fixed per-group bootstrap seed: the same data always gives the same CI. */
static uint64_t key_seed(const char *a, const char *b, const char *c)
{
    uint64_t h = 1469598103934665603ull;
    const char *parts[3] = { a, b, c };
    for (int i = 0; i < 3; i++) {
        for (const char *p = parts[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        h = (h ^ '/') * 1099511628211ull;
    }
    return h;
}

static int same(const struct row *w, const struct summ_group *g)
{
    return !strcmp(w->env, g->env) && !strcmp(w->workload, g->workload) && !strcmp(w->metric, g->metric);
}

/* Values of rows matching (env, workload, metric) with status ok. */
static int values(const struct rows *r, const char *env, const char *wl, const char *metric, double *out)
{
    int n = 0;
    for (int i = 0; i < r->n; i++) {
        const struct row *w = &r->v[i];
        if (w->has_value && !strcmp(w->status, "ok") && !strcmp(w->env, env) && !strcmp(w->workload, wl) &&
            !strcmp(w->metric, metric))
            out[n++] = w->value;
    }
    return n;
}

int summary_build(const struct rows *r, struct summary *s, struct vb_err *e)
{
    memset(s, 0, sizeof *s);
    struct summ_group *g = calloc((size_t)r->n + 1, sizeof *g);
    int *wl_first = calloc((size_t)r->n + 1, sizeof *wl_first), *m_first = calloc((size_t)r->n + 1, sizeof *m_first);
    double *a = malloc(((size_t)r->n + 1) * sizeof *a), *b = malloc(((size_t)r->n + 1) * sizeof *b);
    if (!g || !wl_first || !m_first || !a || !b) {
        free(g), free(wl_first), free(m_first), free(a), free(b);
        return vb_errf(e, VB_EFAIL, "out of memory");
    }
    int n = 0;
    for (int i = 0; i < r->n; i++) {
        const struct row *w = &r->v[i];
        if (!s->run_id[0]) {
            snprintf(s->run_id, sizeof s->run_id, "%s", w->run_id);
            snprintf(s->host, sizeof s->host, "%s", w->host);
            snprintf(s->accel, sizeof s->accel, "%s", w->accel);
        }
        if (!w->has_value || !*w->dir)
            continue;          /* "run" failure rows carry no value */
        int k = 0;
        while (k < n && !same(w, &g[k]))
            k++;
        if (k < n)
            continue;
        struct summ_group *x = &g[n];
        snprintf(x->env, sizeof x->env, "%s", w->env);
        snprintf(x->workload, sizeof x->workload, "%s", w->workload);
        snprintf(x->metric, sizeof x->metric, "%s", w->metric);
        snprintf(x->unit, sizeof x->unit, "%s", w->unit);
        snprintf(x->dir, sizeof x->dir, "%s", w->dir);
        x->params = w->params;
        /* First appearance of the workload and of the metric in it. */
        wl_first[n] = i;
        m_first[n] = i;
        for (int j = 0; j < n; j++) {
            if (!strcmp(g[j].workload, x->workload) && wl_first[j] < wl_first[n])
                wl_first[n] = wl_first[j];
            if (!strcmp(g[j].workload, x->workload) && !strcmp(g[j].metric, x->metric) && m_first[j] < m_first[n])
                m_first[n] = m_first[j];
        }
        for (int j = 0; j < n; j++) {
            if (!strcmp(g[j].workload, x->workload) && wl_first[j] > wl_first[n])
                wl_first[j] = wl_first[n];
            if (!strcmp(g[j].workload, x->workload) && !strcmp(g[j].metric, x->metric) && m_first[j] > m_first[n])
                m_first[j] = m_first[n];
        }
        n++;
    }
    for (int k = 0; k < n; k++) {
        struct summ_group *x = &g[k];
        int na = values(r, x->env, x->workload, x->metric, a);
        if (na == 0 || stat_describe(a, na, key_seed(x->env, x->workload, x->metric), &x->d) < 0)
            continue;
        if (x->d.n > s->runs)
            s->runs = x->d.n;
        for (int i = 0; i < r->n; i++)
            x->failed += !strcmp(r->v[i].env, x->env) && !strcmp(r->v[i].workload, x->workload) &&
                         !strcmp(r->v[i].metric, "run");
        if (!strcmp(x->env, "native"))
            continue;
        int nb = values(r, "native", x->workload, x->metric, b);
        if (nb == 0)
            continue;
        int higher = !strcmp(x->dir, "higher");
        double r0, lo, hi;
        if (stat_cost(a, na, b, nb, higher, key_seed(x->env, x->workload, x->metric) ^ 0x5bd1e995u, &r0, &lo,
                      &hi) == 0 && isfinite(r0) && isfinite(lo) && isfinite(hi)) {
            x->has_cost = 1;
            x->cost = r0;
            x->cost_lo = lo;
            x->cost_hi = hi;
        }
    }
    /* Order: workload, metric, env table order. */
    struct key *keys = malloc((size_t)(n + 1) * sizeof *keys);
    struct summ_group *sorted = calloc((size_t)n + 1, sizeof *sorted);
    if (!keys || !sorted) {
        free(keys), free(sorted), free(g), free(wl_first), free(m_first), free(a), free(b);
        return vb_errf(e, VB_EFAIL, "out of memory");
    }
    for (int k = 0; k < n; k++)
        keys[k] = (struct key){ wl_rank(g[k].workload, wl_first[k]), m_first[k], env_rank(g[k].env), k };
    qsort(keys, (size_t)n, sizeof *keys, key_cmp);
    for (int k = 0; k < n; k++)
        sorted[k] = g[keys[k].idx];
    free(keys), free(g), free(wl_first), free(m_first), free(a), free(b);
    s->g = sorted;
    s->n = n;
    if (n == 0)
        return vb_errf(e, VB_EUSAGE, "no measured rows to summarise (every repetition failed?)");
    return 0;
}

void summary_free(struct summary *s)
{
    free(s->g);
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
        fprintf(f, "%s,%s,%s,%s,%s,%d", x->env, x->workload, x->metric, x->unit, x->dir, d->n);
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

static void group_json(FILE *f, const struct summ_group *x)
{
    const struct stat_desc *d = &x->d;
    fputc('{', f);
    json_kv(f, 1, "env", x->env);
    json_kv(f, 0, "workload", x->workload);
    json_kv(f, 0, "metric", x->metric);
    json_kv(f, 0, "unit", x->unit);
    json_kv(f, 0, "dir", x->dir);
    json_kv(f, 0, "params", x->params);
    fprintf(f, ",\"n\":%d", d->n);
    const char *names[] = { "median", "mean", "sd", "cv", "min", "max", "p5", "p95", "ci_lo", "ci_hi" };
    const double vals[] = { d->median, d->mean, d->sd, d->cv, d->min, d->max, d->p5, d->p95, d->ci_lo, d->ci_hi };
    for (int k = 0; k < 10; k++) {
        fprintf(f, ",\"%s\":", names[k]);
        json_num(f, vals[k]);
    }
    fprintf(f, ",\"outliers\":%d,\"noisy\":%s,\"failed\":%d", d->outliers, d->noisy ? "true" : "false", x->failed);
    if (x->has_cost) {
        fputs(",\"cost\":", f);
        json_num(f, x->cost);
        fputs(",\"cost_lo\":", f);
        json_num(f, x->cost_lo);
        fputs(",\"cost_hi\":", f);
        json_num(f, x->cost_hi);
    }
    fputc('}', f);
}

static void groups_json(FILE *f, const struct summary *s)
{
    fputc('[', f);
    for (int i = 0; i < s->n; i++) {
        if (i)
            fputs(",\n", f);
        group_json(f, &s->g[i]);
    }
    fputc(']', f);
}

int summary_write_json(FILE *f, const struct summary *s)
{
    fputc('{', f);
    json_kv(f, 1, "schema", "vcbench-summary-1");
    json_kv(f, 0, "run_id", s->run_id);
    json_kv(f, 0, "host", s->host);
    json_kv(f, 0, "accel", s->accel);
    fprintf(f, ",\"runs\":%d,\"resamples\":%d,\"noisy_cv\":%g,\"groups\":", s->runs, STAT_RESAMPLES, STAT_NOISY_CV);
    groups_json(f, s);
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

int file_atomic(const char *path, int (*fn)(FILE *, const void *), const void *arg, struct vb_err *e)
{
    char tmp[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int dlen = slash ? (int)(slash - path) + 1 : 0;
    snprintf(tmp, sizeof tmp, "%.*s.%s.tmp", dlen, path, slash ? slash + 1 : path);
    FILE *f = fopen(tmp, "we");
    if (!f)
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", tmp, strerror(errno));
    int bad = fn(f, arg) < 0;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) < 0) {
        unlink(tmp);
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
    }
    return 0;
}

static int csv_cb(FILE *f, const void *s) { return summary_write_csv(f, s); }
static int json_cb(FILE *f, const void *s) { return summary_write_json(f, s); }

int summary_save(const char *dir, struct vb_err *e)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/raw.csv", dir);
    struct rows r;
    if (rows_load(path, &r, e) < 0)
        return -1;
    struct summary s;
    int rc = summary_build(&r, &s, e);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/summary.csv", dir);
        rc = file_atomic(path, csv_cb, &s, e);
    }
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/summary.json", dir);
        rc = file_atomic(path, json_cb, &s, e);
    }
    summary_free(&s);
    rows_free(&r);
    return rc;
}

struct export {
    const char *run_json;      /* text of run.json or NULL */
    const struct summary *s;
    const struct rows *r;
};

static int export_cb(FILE *f, const void *arg)
{
    const struct export *x = arg;
    fputs("{\"schema\":\"vcbench-export-1\",\"run\":", f);
    if (x->run_json && *x->run_json)
        fputs(x->run_json, f);
    else
        fputs("null", f);
    fputs(",\n\"summary\":", f);
    groups_json(f, x->s);
    fputs(",\n\"raw\":[", f);
    for (int i = 0; i < x->r->n; i++) {
        const struct row *w = &x->r->v[i];
        fputs(i ? ",\n{" : "{", f);
        json_kv(f, 1, "env", w->env);
        json_kv(f, 0, "workload", w->workload);
        json_kv(f, 0, "params", w->params);
        fprintf(f, ",\"rep\":%d,\"seq\":%d", w->rep, w->seq);
        json_kv(f, 0, "metric", w->metric);
        json_kv(f, 0, "unit", w->unit);
        json_kv(f, 0, "dir", w->dir);
        fputs(",\"value\":", f);
        if (w->has_value)
            json_num(f, w->value);
        else
            fputs("null", f);
        json_kv(f, 0, "status", w->status);
        fputc('}', f);
    }
    fputs("]}\n", f);
    return ferror(f) ? -1 : 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[4096];
    size_t k;
    while (m && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, k, m);
    fclose(f);
    if (m)
        fclose(m);
    /* Trim the trailing newline so it embeds cleanly. */
    while (buf && len && (buf[len - 1] == '\n'))
        buf[--len] = '\0';
    return buf;
}

int summary_export_json(const char *dir, const char *path, struct vb_err *e)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/raw.csv", dir);
    struct rows r;
    if (rows_load(p, &r, e) < 0)
        return -1;
    struct summary s;
    int rc = summary_build(&r, &s, e);
    if (rc == 0) {
        snprintf(p, sizeof p, "%s/run.json", dir);
        char *run = slurp(p);
        struct export x = { run, &s, &r };
        rc = file_atomic(path, export_cb, &x, e);
        free(run);
        summary_free(&s);
    }
    rows_free(&r);
    return rc;
}
