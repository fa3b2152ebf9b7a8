#include "report/chart.h"
#include "report/chartlib.h"
#include "common/units.h"
#include "env/env.h"
#include "common/wlmeta.h"


#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Both outputs from one script: PNG for the report, SVG for papers. */
void chart_terminals(FILE *gp, const char *name, int w, int h)
{
    fprintf(gp, "set terminal pngcairo size %d,%d font 'DejaVu Sans,11' noenhanced\n", w, h);
    fprintf(gp, "set output '%s.png'\n", name);
}

void chart_render_again(FILE *gp, const char *name, int w, int h)
{
    fprintf(gp, "set terminal svg size %d,%d font 'DejaVu Sans,11' noenhanced\n", w, h);
    fprintf(gp, "set output '%s.svg'\nreplot\nunset output\n", name);
}

/* The PNG terminal and a two-line title: what the chart shows, then the
 * host, the accelerator and the number of runs. */
void chart_head(FILE *gp, const char *name, int w, int h, const char *title, const struct chart_meta *m)
{
    chart_terminals(gp, name, w, h);
    fprintf(gp, "set title \"%s\\nhost %s, accelerator %s, %d runs per environment\"\n", title, m->host,
            m->accel, m->runs);
}

/* Environments in the summary (table order), optionally without the
 * baseline (native). */
int chart_envs_of(const struct summary *s, const char *workload, int with_native, const char *out[CHART_MAX_ENVS])
{
    int n = 0;
    for (int i = 0; i < s->n && n < CHART_MAX_ENVS; i++) {
        if (workload && strcmp(s->g[i].workload, workload) != 0)
            continue;
        if (!with_native && env_is_baseline(s->g[i].env))
            continue;
        int seen = 0;
        for (int k = 0; k < n; k++)
            seen |= !strcmp(out[k], s->g[i].env);
        if (!seen)
            out[n++] = s->g[i].env;
    }
    /* The summary is ordered by metric first, and an environment's own
     * metrics (ct_*, docker_*) come first for it alone: the table's order,
     * so that every chart draws the environments in the same order. */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && env_rank(out[k]) < env_rank(out[k - 1]); k--) {
            const char *t = out[k];
            out[k] = out[k - 1];
            out[k - 1] = t;
        }
    return n;
}

int chart_overhead(FILE *gp, FILE *dat, const struct summary *s, const char *workload, const struct chart_meta *m)
{
    const char *envs[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, workload, 0, envs);
    if (ne == 0)
        return 1;
    int rows = 0;
    double lo = 1, hi = 1;
    fprintf(dat, "# metric");
    for (int k = 0; k < ne; k++)
        fprintf(dat, " %s_cost %s_lo %s_hi", envs[k], envs[k], envs[k]);
    fputc('\n', dat);
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *x = &s->g[i];
        if (strcmp(x->workload, workload) != 0 || strcmp(x->env, envs[0]) != 0)
            continue;
        /* One line per metric that has a native baseline in some env. */
        int any = 0;
        for (int k = 0; k < ne; k++) {
            const struct summ_group *y = summary_find(s, envs[k], workload, x->metric);
            any |= y && y->has_cost;
        }
        if (!any)
            continue;
        fprintf(dat, "\"%s\"", x->metric);
        for (int k = 0; k < ne; k++) {
            const struct summ_group *y = summary_find(s, envs[k], workload, x->metric);
            if (y && y->has_cost) {
                fprintf(dat, " %.6g %.6g %.6g", y->cost, y->cost_lo, y->cost_hi);
                lo = fmin(lo, y->cost_lo);
                hi = fmax(hi, y->cost_hi);
            } else {
                fputs(" NaN NaN NaN", dat);
            }
        }
        fputc('\n', dat);
        rows++;
    }
    if (rows == 0)
        return 1;
    char name[64], title[128];
    snprintf(name, sizeof name, "overhead_%s", workload);
    snprintf(title, sizeof title, "Cost versus native: %s workload", workload);
    int w = 300 + rows * (40 + 30 * ne);
    w = w < 900 ? 900 : w > 2400 ? 2400 : w;
    chart_head(gp, name, w, 560, title, m);
    fputs("set style data histograms\n"
          "set style histogram errorbars gap 2 lw 1\n"
          "set style fill solid 0.85 border -1\n"
          "set boxwidth 0.9\n"
          "set grid ytics lc rgb '#dddddd'\n"
          "set xtics rotate by -35 nomirror\n"
          "set key outside top center horizontal\n"
          "set ylabel 'cost factor vs native (x; 1 = native, above 1 = slower)'\n"
          "set xlabel 'metric (bars: median ratio; whiskers: 95% bootstrap CI)'\n"
          "set bmargin 7\n", gp);
    /* Log scale when environments differ by more than an order of
     * magnitude (TCG guests against native), linear from 0 otherwise. */
    if (hi / lo > 20)
        fprintf(gp, "set logscale y\nset yrange [%.3g:%.3g]\n", lo / 1.5, hi * 1.5);
    else
        fprintf(gp, "set yrange [0:%.3g]\n", hi * 1.15);
    fprintf(gp, "plot '%s.dat'", name);
    for (int k = 0; k < ne; k++)
        fprintf(gp, "%s using %d:%d:%d%s title '%s'", k ? ", ''" : "", 2 + 3 * k, 3 + 3 * k, 4 + 3 * k,
                k ? "" : ":xtic(1)", envs[k]);
    fputs(", 1 with lines dt 2 lw 2 lc rgb 'black' title 'native = 1'\n", gp);
    chart_render_again(gp, name, w, 560);
    return 0;
}

double chart_med(const struct summary *s, const char *env, const char *wl, const char *metric)
{
    const struct summ_group *g = summary_find(s, env, wl, metric);
    return g ? g->d.median : NAN;
}

int chart_startup(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m)
{
    const char *envs[CHART_MAX_ENVS], *drawn[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, "startup", 1, envs);
    int rows = 0;
    double lo = INFINITY, hi = 0;
    /* Cumulative clock points from the launch call: the phases are the
     * disjoint slices between them (launch call, to ready, to exit,
     * teardown), drawn as boxes so a log axis works too. */
    fputs("# env launch_ms ready_ms exit_ms total_ms\n", dat);
    for (int k = 0; k < ne; k++) {
        double l = chart_med(s, envs[k], "startup", "launch_ms"), r = chart_med(s, envs[k], "startup", "ready_ms");
        double x = chart_med(s, envs[k], "startup", "exit_ms"), tot = chart_med(s, envs[k], "startup", "total_ms");
        if (isnan(l) || isnan(r) || isnan(x) || isnan(tot))
            continue;
        fprintf(dat, "\"%s\" %.6g %.6g %.6g %.6g\n", envs[k], l, r, x, tot);
        drawn[rows++] = envs[k];
        lo = fmin(lo, l);
        hi = fmax(hi, tot);
    }
    if (rows == 0)
        return 1;
    chart_head(gp, "startup", 900, 560, "Start-up: launch call to ready, exit and teardown (medians)", m);
    fputs("set style fill solid 0.85 border -1\n"
          "set grid ytics lc rgb '#dddddd'\n"
          "set key outside right top vertical\n"
          "set ylabel 'time since the launch call (ms)'\n"
          "set xlabel 'environment (label: median total, launch call to torn down)'\n", gp);
    double base = 0;
    if (hi / lo > 20) {
        base = lo / 3;
        fprintf(gp, "set logscale y\nset yrange [%.3g:%.3g]\n", base, hi * 5);
    } else {
        fprintf(gp, "set yrange [0:%.3g]\n", hi * 1.2);
    }
    fprintf(gp, "set xrange [-0.6:%d.6]\nset xtics (", rows - 1);
    for (int k = 0; k < rows; k++)
        fprintf(gp, "%s'%s' %d", k ? ", " : "", drawn[k], k);
    fprintf(gp, ")\nbase = %.6g\n", base);
    fputs("plot 'startup.dat' using 0:2:($0-0.3):($0+0.3):(base):2 with boxxyerror title 'launch call', "
          "'' using 0:3:($0-0.3):($0+0.3):2:3 with boxxyerror title 'to ready', "
          "'' using 0:4:($0-0.3):($0+0.3):3:4 with boxxyerror title 'to exit', "
          "'' using 0:5:($0-0.3):($0+0.3):4:5 with boxxyerror title 'teardown', "
          "'' using 0:5:(sprintf('%.4g ms', $5)) with labels offset 0,1 notitle\n", gp);
    chart_render_again(gp, "startup", 900, 560);
    return 0;
}

/* "lat_16K" -> 16384; 0 when not a latency-curve metric. */
static uint64_t lat_size(const char *metric)
{
    uint64_t v = 0;
    if (strncmp(metric, "lat_", 4) != 0 || !isdigit((unsigned char)metric[4]))
        return 0;
    return units_parse_size(metric + 4, &v) == 0 ? v : 0;
}

int chart_memlat(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m)
{
    const char *envs[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, "mem", 1, envs);
    uint64_t xmin = 0, xmax = 0;
    int blocks = 0;
    for (int k = 0; k < ne; k++) {
        fprintf(dat, "# %s: bytes median_ns ci_lo ci_hi\n", envs[k]);
        int pts = 0;
        for (int i = 0; i < s->n; i++) {
            const struct summ_group *x = &s->g[i];
            uint64_t b = lat_size(x->metric);
            if (!b || strcmp(x->workload, "mem") || strcmp(x->env, envs[k]))
                continue;
            fprintf(dat, "%llu %.6g %.6g %.6g\n", (unsigned long long)b, x->d.median, x->d.ci_lo, x->d.ci_hi);
            xmin = !xmin || b < xmin ? b : xmin;
            xmax = b > xmax ? b : xmax;
            pts++;
        }
        fputs("\n\n", dat);
        blocks += pts > 0;
    }
    if (blocks == 0)
        return 1;
    chart_head(gp, "memlat", 1000, 600, "Memory latency: dependent loads over a random cycle", m);
    fputs("set logscale x 2\nset logscale y 10\n"
          "set grid xtics ytics lc rgb '#dddddd'\n"
          "set key left top\n"
          "set xlabel 'working set (bytes, log2)'\n"
          "set ylabel 'latency per access (ns, log)'\n"
          "set format x '%.0b%BB'\n", gp);
    fprintf(gp, "set xrange [%llu:%llu]\n", (unsigned long long)xmin / 2, (unsigned long long)xmax * 2);
    /* Cache sizes hwloc reports, where they fall inside the curve. */
    const char *lvl[3] = { "L1d", "L2", "L3" };
    for (int i = 0; i < 3; i++)
        if (m->cache[i] >= xmin / 2 && m->cache[i] <= xmax * 2)
            fprintf(gp, "set arrow from %llu, graph 0 to %llu, graph 1 nohead dt 3 lc rgb '#888888'\n"
                        "set label '%s' at %llu, graph 0.95 offset 0.5,0 tc rgb '#555555'\n",
                    m->cache[i], m->cache[i], lvl[i], m->cache[i]);
    fputs("plot ", gp);
    for (int k = 0, b = 0; k < ne; k++, b++)
        fprintf(gp, "%s'memlat.dat' index %d using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title '%s'",
                k ? ", " : "", b, envs[k]);
    fputc('\n', gp);
    chart_render_again(gp, "memlat", 1000, 600);
    return 0;
}

int chart_disklat(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m)
{
    const char *envs[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, "disk", 1, envs);
    static const char *const pats[] = { "seqread", "seqwrite", "randread", "randwrite" };
    static const char *const pcts[] = { "p50", "p99", "p999" };
    int rows = 0;
    fputs("# pattern_percentile", dat);
    for (int k = 0; k < ne; k++)
        fprintf(dat, " %s", envs[k]);
    fputc('\n', dat);
    for (int p = 0; p < 4; p++)
        for (int q = 0; q < 3; q++) {
            char metric[48];
            snprintf(metric, sizeof metric, "%s_lat_%s", pats[p], pcts[q]);
            int any = 0;
            for (int k = 0; k < ne; k++)
                any |= summary_find(s, envs[k], "disk", metric) != NULL;
            if (!any)
                continue;
            fprintf(dat, "\"%s %s\"", pats[p], !strcmp(pcts[q], "p999") ? "p99.9" : pcts[q]);
            for (int k = 0; k < ne; k++)
                fprintf(dat, " %.6g", chart_med(s, envs[k], "disk", metric));
            fputc('\n', dat);
            rows++;
        }
    if (rows == 0)
        return 1;
    chart_head(gp, "disklat", 1200, 560, "Disk latency percentiles, O_DIRECT, queue depth 1 (medians over runs)", m);
    fputs("set style data histograms\n"
          "set style histogram clustered gap 1\n"
          "set style fill solid 0.85 border -1\n"
          "set logscale y\n"
          "set grid ytics lc rgb '#dddddd'\n"
          "set xtics rotate by -35 nomirror\n"
          "set key outside top center horizontal\n"
          "set bmargin 7\n"
          "set ylabel 'latency per I/O (us, log)'\n"
          "set xlabel 'pattern and percentile'\n", gp);
    fputs("plot 'disklat.dat'", gp);
    for (int k = 0; k < ne; k++)
        fprintf(gp, "%s using %d%s title '%s'", k ? ", ''" : "", 2 + k, k ? "" : ":xtic(1)", envs[k]);
    fputc('\n', gp);
    chart_render_again(gp, "disklat", 1200, 560);
    return 0;
}

/* Run prog with args in dir, output to /dev/null; its exit status. */
static int run_in(const char *dir, const char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (chdir(dir) < 0 || null < 0)
            _exit(126);
        dup2(null, 1);
        dup2(null, 2);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Write a chart's script and data with draw(gp, dat, arg) into pdir as
 * <name>.gp and <name>.dat and render them with gnuplot; draw returns 1
 * when there is nothing to draw (no files then). 0 or -1 with e. */
static int render(const char *pdir, const char *name, int (*draw)(FILE *, FILE *, const void *), const void *arg,
                  struct vb_err *e)
{
    char gpp[PATH_MAX], datp[PATH_MAX];
    snprintf(gpp, sizeof gpp, "%s/%s.gp", pdir, name);
    snprintf(datp, sizeof datp, "%s/%s.dat", pdir, name);
    FILE *gp = fopen(gpp, "we"), *dat = fopen(datp, "we");
    if (!gp || !dat) {
        if (gp)
            fclose(gp);
        if (dat)
            fclose(dat);
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", gpp, strerror(errno));
    }
    int r = draw(gp, dat, arg);
    fclose(gp);
    fclose(dat);
    if (r == 1) {              /* nothing to draw */
        unlink(gpp);
        unlink(datp);
        return 0;
    }
    char script[300];
    snprintf(script, sizeof script, "%s.gp", name);
    const char *argv[] = { "gnuplot", script, NULL };
    if (run_in(pdir, argv) != 0)
        return vb_errf(e, VB_EHOST, "gnuplot failed on %s; is gnuplot-nox installed ('make setup')?", gpp);
    return 0;
}

typedef int (*chart_fn)(FILE *, FILE *, const struct summary *, const struct chart_meta *);

/* A summary chart for render(). */
struct summary_chart {
    chart_fn fn;
    const char *wl;            /* overhead chart of this workload (fn unused) */
    const struct summary *s;
    const struct chart_meta *m;
};

static int draw_summary(FILE *gp, FILE *dat, const void *arg)
{
    const struct summary_chart *c = arg;
    return c->wl ? chart_overhead(gp, dat, c->s, c->wl, c->m) : c->fn(gp, dat, c->s, c->m);
}

static int one(const char *pdir, const char *name, chart_fn fn, const char *wl, const struct summary *s,
               const struct chart_meta *m, struct vb_err *e)
{
    struct summary_chart c = { fn, wl, s, m };
    return render(pdir, name, draw_summary, &c, e);
}

/* One headline metric over the runs of a history: a line per env, each
 * relative to its own first run (environments differ by 10x under TCG; a
 * shift of a few percent must show), its CI as error bars, the change
 * points as dashed verticals where a new level starts. */
struct history_chart {
    const struct history *h;
    const char *workload, *metric;
};

/* The first measured median of a series (NaN when none). */
static double history_first(const struct hist_series *x, int nrun)
{
    for (int r = 0; r < nrun; r++)
        if (isfinite(x->median[r]) && x->median[r] != 0)
            return x->median[r];
    return NAN;
}

int chart_history(FILE *gp, FILE *dat, const struct history *h, const char *workload, const char *metric)
{
    int cols[CHART_MAX_ENVS], nc = 0;
    for (int i = 0; i < h->n && nc < CHART_MAX_ENVS; i++)
        if (!strcmp(h->s[i].workload, workload) && !strcmp(h->s[i].metric, metric))
            cols[nc++] = i;
    if (nc == 0)
        return 1;
    const struct hist_series *x0 = &h->s[cols[0]];
    double base[CHART_MAX_ENVS];
    fputs("# run run_id", dat);
    for (int k = 0; k < nc; k++) {
        base[k] = history_first(&h->s[cols[k]], h->nrun);
        fprintf(dat, " %s_pct %s_lo %s_hi", h->s[cols[k]].env, h->s[cols[k]].env, h->s[cols[k]].env);
    }
    fputc('\n', dat);
    for (int r = 0; r < h->nrun; r++) {
        fprintf(dat, "%d \"%s\"", r, h->run_id[r]);
        for (int k = 0; k < nc; k++) {
            const struct hist_series *x = &h->s[cols[k]];
            /* NaN (no value in this run) is a gap. */
            fprintf(dat, " %.6g %.6g %.6g", 100 * (x->median[r] / base[k] - 1), 100 * (x->lo[r] / base[k] - 1),
                    100 * (x->hi[r] / base[k] - 1));
        }
        fputc('\n', dat);
    }
    char name[128], where[120] = "";
    snprintf(name, sizeof name, "history_%s_%s", workload, metric);
    if (*h->host)
        snprintf(where, sizeof where, " on %s%s%s%s", h->host, *h->accel ? " (" : "", h->accel, *h->accel ? ")" : "");
    int w = 300 + h->nrun * 12;
    w = w < 900 ? 900 : w > 2400 ? 2400 : w;
    chart_terminals(gp, name, w, 560);
    fprintf(gp, "set title \"%s %s%s, %d runs\\nmedian and 95%% CI of each run, relative to the first run; "
            "dashed: a change point (a new level starts)\" noenhanced\n", workload, metric, where, h->nrun);
    fprintf(gp, "set ylabel '%% change of %s vs the first run (%s is better)'\nset xlabel 'run (oldest first)'\n",
            metric, x0->dir);
    fputs("set grid ytics lc rgb '#dddddd'\nset key below horizontal noenhanced\nset xtics rotate by -45 nomirror noenhanced\n"
          "set datafile missing 'nan'\nset errorbars small\nset xzeroaxis lt -1 lc rgb '#888888'\n", gp);
    for (int k = 0; k < nc; k++)
        for (int c = 0; c < h->s[cols[k]].ncp; c++)
            fprintf(gp, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 2 lc %d\n",
                    h->s[cols[k]].cp[c] - 0.5, h->s[cols[k]].cp[c] - 0.5, k + 1);
    fprintf(gp, "set xrange [-0.5:%d.5]\nplot ", h->nrun - 1);
    /* Each env a little apart on x so the error bars do not hide each other. */
    for (int k = 0; k < nc; k++) {
        double dx = nc > 1 ? (k - (nc - 1) / 2.0) * 0.12 : 0;
        fprintf(gp, "%s'%s.dat' using ($1%+.2f):%d:%d:%d%s with yerrorlines lw 2 pt 7 ps 0.6 lc %d title '%s'",
                k ? ", " : "", name, dx, 3 + 3 * k, 4 + 3 * k, 5 + 3 * k, k ? "" : ":xtic(2)", k + 1,
                h->s[cols[k]].env);
    }
    fputc('\n', gp);
    chart_render_again(gp, name, w, 560);
    return 0;
}

static int draw_history(FILE *gp, FILE *dat, const void *arg)
{
    const struct history_chart *c = arg;
    return chart_history(gp, dat, c->h, c->workload, c->metric);
}

int chart_history_all(const struct history *h, const char *dir, struct vb_err *e)
{
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", dir, strerror(errno));
    for (int i = 0; i < h->n; i++) {
        int first = 1;
        for (int j = 0; j < i; j++)
            first &= strcmp(h->s[j].workload, h->s[i].workload) || strcmp(h->s[j].metric, h->s[i].metric);
        if (!first)
            continue;
        char name[128];
        snprintf(name, sizeof name, "history_%s_%s", h->s[i].workload, h->s[i].metric);
        struct history_chart c = { h, h->s[i].workload, h->s[i].metric };
        if (render(dir, name, draw_history, &c, e) < 0)
            return -1;
    }
    return 0;
}

int chart_all(const struct results *res, struct vb_err *e)
{
    const struct summary *s = &res->summ;
    char pdir[PATH_MAX];
    snprintf(pdir, sizeof pdir, "%s/plots", res->dir);
    if (mkdir(pdir, 0755) < 0 && errno != EEXIST)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", pdir, strerror(errno));
    struct chart_meta m = { s->host, s->accel, s->run_id, s->runs, { 0, 0, 0 } };
    memcpy(m.cache, res->meta.cache_bytes, sizeof m.cache);
    int rc = 0;
    /* One overhead chart per workload, in summary order. */
    for (int i = 0; rc == 0 && i < s->n; i++) {
        int first = 1;
        for (int j = 0; j < i; j++)
            first &= strcmp(s->g[j].workload, s->g[i].workload) != 0;
        if (!first)
            continue;
        /* What an instance costs has charts of its own below. */
        const struct wl_meta *w = wl_meta_find(s->g[i].workload);
        if (w && (w->flags & (WLM_HOST | WLM_AUDIT)))
            continue;
        char name[64];
        snprintf(name, sizeof name, "overhead_%s", s->g[i].workload);
        rc = one(pdir, name, NULL, s->g[i].workload, s, &m, e);
    }
    if (rc == 0)
        rc = one(pdir, "startup", chart_startup, NULL, s, &m, e);
    if (rc == 0)
        rc = one(pdir, "memlat", chart_memlat, NULL, s, &m, e);
    if (rc == 0)
        rc = one(pdir, "disklat", chart_disklat, NULL, s, &m, e);
    if (rc == 0)
        rc = one(pdir, "footprint", chart_footprint, NULL, s, &m, e);
    if (rc == 0)
        rc = one(pdir, "density_mem", chart_density_mem, NULL, s, &m, e);
    if (rc == 0)
        rc = one(pdir, "density_launch", chart_density_launch, NULL, s, &m, e);
    if (rc == 0)
        rc = one(pdir, "isolation", chart_isolation, NULL, s, &m, e);
    if (rc == 0) {
        /* The topology picture, when hwloc's lstopo is there (optional). */
        const char *svg[] = { "lstopo-no-graphics", "-f", "--of", "svg", "topology.svg", NULL };
        const char *txt[] = { "lstopo-no-graphics", "-f", "--of", "console", "topology.txt", NULL };
        run_in(pdir, svg);
        run_in(pdir, txt);
    }
    return rc;
}
