#include "analysis/history.h"
#include "common/jsonio.h"
#include "common/rng.h"
#include "common/wlmeta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PERMUTATIONS 199

/* The E-Divisive statistic of splitting y[lo..hi) at every t (lo+m <= t <=
 * hi-m) with alpha = 1: q(t) = (a b / n) (2/(a b) B - 2/(a(a-1)) L -
 * 2/(b(b-1)) R), B the sum of |y_i - y_j| across the split, L and R within
 * each side. O(n^2) with running sums. Returns the best q, *at the t. */
static double best_split(const double *y, int lo, int hi, int m, int *at)
{
    int n = hi - lo;
    double best = -INFINITY;
    *at = -1;
    if (n < 2 * m)
        return best;
    /* Start with the left side [lo, lo+m). */
    double L = 0, R = 0, B = 0;
    int t = lo + m;
    for (int i = lo; i < t; i++)
        for (int j = i + 1; j < t; j++)
            L += fabs(y[i] - y[j]);
    for (int i = t; i < hi; i++)
        for (int j = i + 1; j < hi; j++)
            R += fabs(y[i] - y[j]);
    for (int i = lo; i < t; i++)
        for (int j = t; j < hi; j++)
            B += fabs(y[i] - y[j]);
    for (;; t++) {
        double a = t - lo, b = hi - t;
        double q = a * b / n * (2 * B / (a * b) - 2 * L / (a * (a - 1 > 0 ? a - 1 : 1)) -
                                2 * R / (b * (b - 1 > 0 ? b - 1 : 1)));
        if (q > best) {
            best = q;
            *at = t;
        }
        if (t + 1 > hi - m)
            break;
        /* Move y[t] from the right side to the left. */
        double to_left = 0, to_right = 0;
        for (int i = lo; i < t; i++)
            to_left += fabs(y[t] - y[i]);
        for (int j = t + 1; j < hi; j++)
            to_right += fabs(y[t] - y[j]);
        L += to_left;
        R -= to_right;
        B += to_right - to_left;
    }
    return best;
}

/* Is the best split of x[lo..hi) significant? The share of permutations of
 * that segment whose best split is at least as strong. */
static double split_p(const double *x, int lo, int hi, int m, double q, uint64_t *rng)
{
    int n = hi - lo, at, beat = 0;
    double *y = malloc((size_t)n * sizeof *y);
    if (!y)
        return 1;
    memcpy(y, x + lo, (size_t)n * sizeof *y);
    for (int p = 0; p < PERMUTATIONS; p++) {
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(rng_next(rng) % (uint64_t)(i + 1));
            double t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        beat += best_split(y, 0, n, m, &at) >= q;
    }
    free(y);
    return (beat + 1.0) / (PERMUTATIONS + 1.0);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int hist_change_points(const double *x, int n, int min_size, double alpha, uint64_t seed, int *cps, int max)
{
    /* Segments to search, as [lo, hi) pairs; found points split them. */
    int seg[2 * (HIST_MAX_CP + 1)][2], nseg = 1, found = 0;
    seg[0][0] = 0;
    seg[0][1] = n;
    uint64_t rng = seed;
    if (min_size < 2)
        min_size = 2;
    while (nseg > 0 && found < max && found < HIST_MAX_CP) {
        /* The strongest split among the segments left. */
        double best = -INFINITY;
        int which = -1, at = -1;
        for (int s = 0; s < nseg; s++) {
            int t;
            double q = best_split(x, seg[s][0], seg[s][1], min_size, &t);
            if (t >= 0 && q > best) {
                best = q;
                which = s;
                at = t;
            }
        }
        if (which < 0 || split_p(x, seg[which][0], seg[which][1], min_size, best, &rng) > alpha)
            break;
        cps[found++] = at;
        int hi = seg[which][1];
        seg[which][1] = at;
        seg[nseg][0] = at;
        seg[nseg][1] = hi;
        nseg++;
    }
    qsort(cps, (size_t)found, sizeof *cps, cmp_int);
    return found;
}

static int run_cmp(const void *a, const void *b)
{
    const struct results *x = a, *y = b;
    return strcmp(x->summ.run_id, y->summ.run_id);
}

/* The series index for (env, workload, metric), made when new. */
static int series_of(struct history *h, const struct summ_group *g)
{
    for (int i = 0; i < h->n; i++)
        if (!strcmp(h->s[i].env, g->env) && !strcmp(h->s[i].workload, g->workload) && !strcmp(h->s[i].metric, g->metric))
            return i;
    struct hist_series *ns = realloc(h->s, (size_t)(h->n + 1) * sizeof *ns);
    if (!ns)
        return -1;
    h->s = ns;
    struct hist_series *x = &h->s[h->n];
    memset(x, 0, sizeof *x);
    snprintf(x->env, sizeof x->env, "%s", g->env);
    snprintf(x->workload, sizeof x->workload, "%s", g->workload);
    snprintf(x->metric, sizeof x->metric, "%s", g->metric);
    snprintf(x->unit, sizeof x->unit, "%s", g->unit);
    snprintf(x->dir, sizeof x->dir, "%s", g->dir);
    x->median = malloc((size_t)h->nrun * sizeof *x->median);
    x->lo = malloc((size_t)h->nrun * sizeof *x->lo);
    x->hi = malloc((size_t)h->nrun * sizeof *x->hi);
    if (!x->median || !x->lo || !x->hi) {
        free(x->median), free(x->lo), free(x->hi);
        return -1;
    }
    for (int r = 0; r < h->nrun; r++)
        x->median[r] = x->lo[r] = x->hi[r] = NAN;
    return h->n++;
}

static int is_headline(const char *workload, const char *metric)
{
    const struct wl_meta *w = wl_meta_find(workload);
    for (int i = 0; w && w->headline[i]; i++)
        if (!strcmp(w->headline[i], metric))
            return 1;
    return 0;
}

/* Change points of every series, over the runs that have it. */
static void series_points(struct hist_series *x, int nrun, double alpha)
{
    double *v = malloc((size_t)nrun * sizeof *v);
    int *at = malloc((size_t)nrun * sizeof *at), m = 0;
    if (!v || !at) {
        free(v), free(at);
        return;
    }
    for (int r = 0; r < nrun; r++)
        if (isfinite(x->median[r])) {
            at[m] = r;
            v[m++] = x->median[r];
        }
    int cps[HIST_MAX_CP];
    uint64_t seed = 0x51ed2701u;
    for (const char *p = x->env; *p; p++)
        seed = (seed ^ (unsigned char)*p) * 1099511628211ull;
    int n = hist_change_points(v, m, 3, alpha, seed, cps, HIST_MAX_CP);
    for (int i = 0; i < n; i++)
        x->cp[x->ncp++] = at[cps[i]];
    free(v), free(at);
}

int history_build(char *const *dirs, int ndirs, double alpha, struct history *h, struct vb_err *e)
{
    memset(h, 0, sizeof *h);
    struct results *runs = calloc((size_t)(ndirs > 0 ? ndirs : 1), sizeof *runs);
    if (!runs)
        return vb_errf(e, VB_EFAIL, "out of memory");
    /* A run that cannot be read is left out and counted (one broken run
     * in a year of CI history must not hide the rest). */
    int n = 0, rc = 0;
    for (int i = 0; i < ndirs; i++) {
        struct vb_err oe = { 0 };
        if (results_open_flags(dirs[i], SUMM_NO_COST, &runs[n], &oe) == 0) {
            n++;
        } else if (h->skipped++ == 0) {
            snprintf(h->skip_why, sizeof h->skip_why, "%s", oe.msg);
        }
    }
    if (n < 2)
        rc = vb_errf(e, VB_EUSAGE, "history needs two readable runs or more (%d given, %d readable%s%s)", ndirs, n,
                     h->skipped ? "; " : "", h->skip_why);
    if (rc == 0) {
        qsort(runs, (size_t)n, sizeof *runs, run_cmp);
        h->nrun = n;
        h->run_id = calloc((size_t)n, sizeof *h->run_id);
        h->commit = calloc((size_t)n, sizeof *h->commit);
        h->dir = calloc((size_t)n, sizeof *h->dir);
        if (!h->run_id || !h->commit || !h->dir)
            rc = vb_errf(e, VB_EFAIL, "out of memory");
    }
    for (int r = 0; rc == 0 && r < n; r++) {
        snprintf(h->run_id[r], sizeof h->run_id[0], "%s", runs[r].summ.run_id);
        snprintf(h->commit[r], sizeof h->commit[0], "%s", runs[r].has_meta ? runs[r].meta.vcbench_commit : "");
        snprintf(h->dir[r], sizeof h->dir[0], "%s", runs[r].dir);
        if (r == 0 || strcmp(h->host, runs[r].summ.host) == 0)
            snprintf(h->host, sizeof h->host, "%s", r == 0 || *h->host ? runs[r].summ.host : "");
        else
            h->host[0] = '\0';
        if (r == 0 || strcmp(h->accel, runs[r].summ.accel) == 0)
            snprintf(h->accel, sizeof h->accel, "%s", r == 0 || *h->accel ? runs[r].summ.accel : "");
        else
            h->accel[0] = '\0';
        for (int i = 0; rc == 0 && i < runs[r].summ.n; i++) {
            const struct summ_group *g = &runs[r].summ.g[i];
            if (!is_headline(g->workload, g->metric) || g->d.n == 0)
                continue;
            int k = series_of(h, g);
            if (k < 0) {
                rc = vb_errf(e, VB_EFAIL, "out of memory");
                break;
            }
            h->s[k].median[r] = g->d.median;
            h->s[k].lo[r] = g->d.ci_lo;
            h->s[k].hi[r] = g->d.ci_hi;
        }
    }
    for (int i = 0; rc == 0 && i < h->n; i++)
        series_points(&h->s[i], h->nrun, alpha);
    for (int r = 0; r < n; r++)
        results_close(&runs[r]);
    free(runs);
    if (rc < 0)
        history_free(h);
    return rc;
}

void history_free(struct history *h)
{
    for (int i = 0; i < h->n; i++) {
        free(h->s[i].median);
        free(h->s[i].lo);
        free(h->s[i].hi);
    }
    free(h->s);
    free(h->run_id);
    free(h->commit);
    free(h->dir);
    memset(h, 0, sizeof *h);
}

static int is_cp(const struct hist_series *x, int r)
{
    for (int i = 0; i < x->ncp; i++)
        if (x->cp[i] == r)
            return 1;
    return 0;
}

int history_write_text(FILE *f, const struct history *h)
{
    int shifts = 0;
    for (int i = 0; i < h->n; i++) {
        const struct hist_series *x = &h->s[i];
        fprintf(f, "%s %s %s (%s, %s is better)%s\n", x->env, x->workload, x->metric, x->unit, x->dir,
                x->ncp ? "  <- level shifts" : "");
        for (int r = 0; r < h->nrun; r++) {
            if (!isfinite(x->median[r]))
                continue;
            fprintf(f, "  %-22s %-10s %12.5g  [%.5g, %.5g]%s\n", h->run_id[r], h->commit[r], x->median[r], x->lo[r],
                    x->hi[r], is_cp(x, r) ? "  <- change point" : "");
        }
        shifts += x->ncp;
    }
    fprintf(f, "\n%d runs, %d headline series, %d change point(s) (E-Divisive means, permutation test)\n",
            h->nrun, h->n, shifts);
    return ferror(f) ? -1 : 0;
}

int history_write_json(FILE *f, const struct history *h)
{
    json_object *o = json_object_new_object(), *runs = json_object_new_array(), *ss = json_object_new_array();
    jsonio_add(o, "schema", jsonio_str("vcbench-history-1"));
    for (int r = 0; r < h->nrun; r++) {
        json_object *x = json_object_new_object();
        jsonio_add(x, "run_id", jsonio_str(h->run_id[r]));
        jsonio_add(x, "commit", jsonio_str(h->commit[r]));
        jsonio_add(x, "dir", jsonio_str(h->dir[r]));
        json_object_array_add(runs, x);
    }
    jsonio_add(o, "runs", runs);
    for (int i = 0; i < h->n; i++) {
        const struct hist_series *x = &h->s[i];
        json_object *j = json_object_new_object(), *med = json_object_new_array(), *cp = json_object_new_array();
        jsonio_add(j, "env", jsonio_str(x->env));
        jsonio_add(j, "workload", jsonio_str(x->workload));
        jsonio_add(j, "metric", jsonio_str(x->metric));
        jsonio_add(j, "unit", jsonio_str(x->unit));
        jsonio_add(j, "dir", jsonio_str(x->dir));
        for (int r = 0; r < h->nrun; r++)
            json_object_array_add(med, jsonio_num(x->median[r]));
        for (int k = 0; k < x->ncp; k++)
            json_object_array_add(cp, json_object_new_int(x->cp[k]));
        jsonio_add(j, "median", med);
        jsonio_add(j, "change_points", cp);
        json_object_array_add(ss, j);
    }
    jsonio_add(o, "series", ss);
    int rc = jsonio_write(f, o);
    json_object_put(o);
    return rc;
}
