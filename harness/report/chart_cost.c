/* The charts of what instances cost (footprint, density): one idle
 * instance's memory by component, and memory per instance and launch
 * latency as instances pile up. */
#include "report/chartlib.h"
#include "run/hostwl.h"
#include "env/env.h"
#include "analysis/stat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One instance's memory as stacked parts, bottom up. The kernel part is
 * what MemAvailable lost beyond the processes' PSS and page tables (slab,
 * KVM's structures, socket buffers): measured as a difference, so only
 * where it is positive. The file pages a process maps are in its PSS but
 * not in the MemAvailable drop (page cache counts as available). */
static const struct {
    const char *metric, *label, *colour;
} parts[] = {
    { "guest_ram_mib", "guest RAM touched", "#4c72b0" },
    { "tcg_cache_mib", "TCG translation cache", "#8172b2" },
    { "vmm_anon_mib", "VMM (QEMU) own memory", "#64b5cd" },
    { "vmm_file_mib", "VMM file pages (binary, kernel image)", "#b3d9e6" },
    { "runtime_mib", "runtime beside it (runc/crun, shim, conmon)", "#dd8452" },
    { "workload_mib", "workload processes", "#55a868" },
    { "pagetables_mib", "page tables", "#937860" },
};
#define NPARTS (int)(sizeof parts / sizeof parts[0])

/* Points of one density metric a chart can take (every N of a sweep). */
#define DENSITY_POINTS 160

int chart_above_noise(const struct summ_group *x)
{
    double lo = NAN, hi = NAN;
    if (!x || x->nv < 1 || stat_boot_median(x->v, x->nv, summary_seed(x->env, x->workload, x->metric), &lo, &hi) < 0)
        return 0;
    return lo > 0;
}

static double med0(const struct summary *s, const char *env, const char *metric)
{
    double v = chart_med(s, env, "footprint", metric);
    return isnan(v) ? 0 : v;
}

int chart_footprint(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m)
{
    const char *envs[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, "footprint", 1, envs), rows = 0;
    double hi = 0;
    fputs("# env", dat);
    for (int p = 0; p < NPARTS; p++)
        fprintf(dat, " %s", parts[p].metric);
    fputs(" kernel_other host_mib pss_mib label_y host_label\n", dat);
    for (int k = 0; k < ne; k++) {
        double host = chart_med(s, envs[k], "footprint", "host_mib");
        double pss = chart_med(s, envs[k], "footprint", "pss_mib");
        if (isnan(pss))
            continue;
        double sum = 0;
        fprintf(dat, "\"%s\"", envs[k]);
        for (int p = 0; p < NPARTS; p++) {
            double v = med0(s, envs[k], parts[p].metric);
            fprintf(dat, " %.6g", v);
            sum += v;
        }
        /* File pages are page cache, which MemAvailable counts as free:
         * the kernel's part is what fell beyond the rest. */
        const struct summ_group *hg = summary_find(s, envs[k], "footprint", "host_mib");
        double other = !chart_above_noise(hg) ? 0 : fmax(0, host - (pss - med0(s, envs[k], "pss_file_mib")) -
                                                                  med0(s, envs[k], "pagetables_mib"));
        /* Where the labels go (the top of the bar or the host figure),
         * and the host figure as text: "noise" when it is lost in
         * MemAvailable's own. */
        int shown = chart_above_noise(hg);
        double top = shown ? fmax(host, pss) : pss;
        char label[48];
        snprintf(label, sizeof label, shown ? "host %.3g" : "host: noise", host);
        fprintf(dat, " %.6g %.6g %.6g %.6g \"%s\"\n", other, isnan(host) ? 0 : host, pss, top, label);
        hi = fmax(hi, fmax(sum + other, isnan(host) ? 0 : host));
        rows++;
    }
    if (rows == 0)
        return 1;
    chart_head(gp, "footprint", 1000, 650, "What one idle instance costs the host: memory by component (medians)", m);
    fputs("set style data histograms\n"
          "set style histogram rowstacked\n"
          "set style fill solid 0.9 border -1\n"
          "set boxwidth 0.6\n"
          "set grid ytics lc rgb '#dddddd'\n"
          "set key outside below horizontal maxrows 2\n"
          "set bmargin 9\n"
          "set ylabel 'host memory (MiB)'\n"
          "set xlabel 'environment (labels, MiB: PSS of its host processes; host = MemAvailable drop, or noise where it cannot be told from 0)'\n", gp);
    fprintf(gp, "set yrange [0:%.3g]\n", hi > 0 ? hi * 1.25 : 1);
    fputs("set datafile separator whitespace\nplot 'footprint.dat'", gp);
    for (int p = 0; p < NPARTS; p++)
        fprintf(gp, "%s using %d%s lc rgb '%s' title '%s'", p ? ", ''" : "", 2 + p, p ? "" : ":xtic(1)",
                parts[p].colour, parts[p].label);
    fprintf(gp, ", '' using %d lc rgb '#c44e52' title 'kernel, other (MemAvailable less the rest)'", 2 + NPARTS);
    /* Above each bar its two totals: small bars are unreadable next to a
     * guest's, their numbers are not. */
    fprintf(gp, ", '' using 0:%d:(sprintf('PSS %%.3g', column(%d))) with labels offset 0,2.4 notitle"
                ", '' using 0:%d:%d with labels offset 0,1.2 notitle\n",
            5 + NPARTS, 4 + NPARTS, 5 + NPARTS, 6 + NPARTS);
    chart_render_again(gp, "footprint", 1000, 650);
    return 0;
}

/* One line per environment of a density metric against N, with its CI:
 * the points of "<base>.n<k>" in increasing k, divided by k when per_n
 * (a total made per instance; its CI scales alike). The data blocks go to
 * dat from index *block on (advanced); the panel's settings and plot
 * command to gp. Returns 1 when there is nothing to draw. */
static int density_lines(FILE *gp, FILE *dat, const struct summary *s, const char *base, int per_n, int logy,
                         const char *name, int *block)
{
    const char *envs[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, "density", 1, envs), nd = 0, kmax = 0, at[CHART_MAX_ENVS];
    double lo = INFINITY, hi = -INFINITY;
    for (int e = 0; e < ne; e++) {
        /* The points with values (a failed sweep's rows have none), in
         * increasing N: sweeps that stopped at different N first record
         * them in another order. */
        const struct summ_group *pt[DENSITY_POINTS];
        int pk[DENSITY_POINTS], pts = 0;
        for (int i = 0; i < s->n && pts < DENSITY_POINTS; i++) {
            const struct summ_group *x = &s->g[i];
            char b[48];
            int k, at;
            if (strcmp(x->workload, "density") || strcmp(x->env, envs[e]) || x->nv < 1 ||
                !hostwl_point_parse(x->metric, b, sizeof b, &k) || strcmp(b, base))
                continue;
            for (at = pts; at > 0 && pk[at - 1] > k; at--) {
                pk[at] = pk[at - 1];
                pt[at] = pt[at - 1];
            }
            pk[at] = k;
            pt[at] = x;
            pts++;
        }
        for (int i = 0; i < pts; i++) {
            double d = per_n ? pk[i] : 1;
            const struct summ_group *x = pt[i];
            if (!i)
                fprintf(dat, "# %s %s%s: n median ci_lo ci_hi\n", envs[e], base, per_n ? " / n" : "");
            fprintf(dat, "%d %.6g %.6g %.6g\n", pk[i], x->d.median / d, x->d.ci_lo / d, x->d.ci_hi / d);
            kmax = pk[i] > kmax ? pk[i] : kmax;
            lo = fmin(lo, x->d.ci_lo / d);
            hi = fmax(hi, x->d.ci_hi / d);
        }
        /* gnuplot's index counts the blocks written, two blank lines apart. */
        at[e] = pts ? (*block)++ : -1;
        nd += pts > 0;
        if (pts)
            fputs("\n\n", dat);
    }
    if (nd == 0)
        return 1;
    fputs("set logscale x 2\n"
          "set grid xtics ytics lc rgb '#dddddd'\n"
          "set key below horizontal\n"
          "set bmargin 6\n"
          "set xlabel 'instances alive at once, N (log2; they share the workload CPUs)'\n", gp);
    fprintf(gp, "set xrange [0.8:%g]\n", kmax * 1.25);
    if (logy && lo > 0)
        fprintf(gp, "set logscale y 10\nset yrange [%.3g:%.3g]\n", lo / 2, hi * 2);
    else
        fprintf(gp, "unset logscale y\nset yrange [%.3g:%.3g]\nset xzeroaxis lt -1 lc rgb '#888888'\n",
                fmin(0, lo * 1.2), hi > 0 ? hi * 1.2 : 1);
    fputs("plot ", gp);
    for (int e = 0, first = 1; e < ne; e++)
        if (at[e] >= 0) {
            /* An environment's colour is its place in the env table, the
             * same in every chart whichever environments a run has. */
            fprintf(gp, "%s'%s.dat' index %d using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 lc %d title '%s'",
                    first ? "" : ", ", name, at[e], env_rank(envs[e]) + 1, envs[e]);
            first = 0;
        }
    fputc('\n', gp);
    return 0;
}

/* The chart's meta with the sweeps a density series has (the run's
 * count may be larger: profiles make fewer sweeps than other runs). */
static struct chart_meta sweeps_meta(const struct summary *s, const struct chart_meta *m)
{
    struct chart_meta d = *m;
    d.runs = 0;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->g[i].workload, "density") && s->g[i].d.n > d.runs)
            d.runs = s->g[i].d.n;
    return d;
}

/* Two panels: what the host lost per instance (MemAvailable, which sees
 * everything but is only good to about a MiB), and the PSS of the
 * instances' processes per instance (exact, on a log scale so a
 * container's 0.1 MiB shows next to a guest's hundreds). */
int chart_density_mem(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *meta)
{
    struct chart_meta dm = sweeps_meta(s, meta), *m = &dm;
    char *body = NULL;
    size_t len = 0;
    FILE *b = open_memstream(&body, &len);
    if (!b)
        return 1;
    int block = 0;
    fputs("set ylabel 'MiB per instance'\nset title 'host memory: MemAvailable drop / N'\n", b);
    int r1 = density_lines(b, dat, s, "mib_per_inst", 0, 0, "density_mem", &block);
    fputs("set ylabel 'MiB per instance (log)'\nset title 'PSS of the instances'' processes / N'\n", b);
    int r2 = density_lines(b, dat, s, "pss_mib", 1, 1, "density_mem", &block);
    fclose(b);
    if (r1 == 1 && r2 == 1) {
        free(body);
        return 1;
    }
    for (int svg = 0; svg < 2; svg++) {
        if (svg)
            fputs("set terminal svg size 1400,600 font 'DejaVu Sans,11' noenhanced\nset output 'density_mem.svg'\n", gp);
        else
            chart_terminals(gp, "density_mem", 1400, 600);
        fprintf(gp, "set multiplot layout 1,2 title \"Memory per instance with N idle instances alive (median, 95%% "
                    "CI)\\nhost %s, accelerator %s, %d sweeps per environment\"\n", m->host, m->accel, m->runs);
        fputs(body, gp);
        fputs("unset multiplot\nunset output\n", gp);
    }
    free(body);
    return 0;
}

int chart_density_launch(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *meta)
{
    struct chart_meta dm = sweeps_meta(s, meta), *m = &dm;
    chart_head(gp, "density_launch", 1000, 600,
               "Launch latency of the N-th instance with N-1 idle ones alive (launch call to ready; median, 95% CI)",
               m);
    fputs("set ylabel 'launch call to ready (ms, log)'\n", gp);
    int block = 0;
    if (density_lines(gp, dat, s, "ready_ms", 0, 1, "density_launch", &block) == 1)
        return 1;
    chart_render_again(gp, "density_launch", 1000, 600);
    return 0;
}
