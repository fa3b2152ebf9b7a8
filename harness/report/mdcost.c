/* REPORT.md's "What an instance costs": the footprint of one idle
 * instance per environment (a headline sentence, then a table of every
 * component with a bootstrap CI of its median) and the density sweeps (a
 * table per environment of what N instances cost), with their figures. */
#include "report/mdlib.h"
#include "report/chartlib.h"
#include "analysis/stat.h"
#include "common/wlmeta.h"
#include "env/env.h"
#include "run/hostwl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENVS CHART_MAX_ENVS

static double median_of(const struct summary *s, const char *env, const char *wl, const char *metric)
{
    const struct summ_group *x = summary_find(s, env, wl, metric);
    return x ? x->d.median : NAN;
}

/* The footprint table's rows, in the order a reader adds them up. */
static const struct {
    const char *metric, *label;
} fp_rows[] = {
    { "host_mib", "**host memory** (MemAvailable drop, MiB)" },
    { "pss_mib", "PSS of its host processes (MiB)" },
    { "guest_ram_mib", "- guest RAM touched (MiB)" },
    { "guest_thp_mib", "&nbsp;&nbsp;- of it in transparent huge pages (MiB)" },
    { "tcg_cache_mib", "- TCG translation cache (MiB)" },
    { "vmm_mib", "- VMM (QEMU) other (MiB)" },
    { "vmm_anon_mib", "&nbsp;&nbsp;- its own memory (MiB)" },
    { "vmm_file_mib", "&nbsp;&nbsp;- file pages: binary, libraries, kernel image (MiB)" },
    { "runtime_mib", "- runtime beside it: runc/crun, shim, conmon (MiB)" },
    { "workload_mib", "- workload processes (MiB)" },
    { "pss_anon_mib", "PSS, anonymous memory (MiB)" },
    { "pss_file_mib", "PSS, file pages: program text, mapped files (MiB)" },
    { "pagetables_mib", "page tables (MiB)" },
    { "uss_mib", "USS: pages no one else maps (MiB)" },
    { "rss_mib", "RSS (MiB)" },
    { "cgroup_mib", "its cgroup's memory (MiB)" },
    { "cgroup_kernel_mib", "- of which kernel (MiB)" },
    { "ksm_shared_mib", "KSM, host-wide: its shared pages (MiB)" },
    { "ksm_saved_mib", "KSM, host-wide: memory its sharing saves (MiB)" },
    { "idle_cpu_ms_s", "**idle CPU** (CPU-ms per second)" },
    { "threads", "host threads" },
    { "deploy_mib", "on disk: what it starts from (MiB)" },
};

/* "1st", "2nd", "3rd", "4th", "11th", ... */
static const char *ordinal(int n)
{
    static char buf[4][24];
    static int next;
    char *out = buf[next++ % 4];
    const char *suf = n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd"
                    : n % 10 == 3 ? "rd" : "th";
    snprintf(out, sizeof buf[0], "%d%s", n, suf);
    return out;
}

/* A MemAvailable drop as the headline says it: a figure, or - lost in
 * MemAvailable's own noise (chart_above_noise) - not printed as if it
 * were one. Returns 1 when out holds a figure. */
static int mib_text(char *out, size_t n, const struct summ_group *x)
{
    if (!x || x->nv < 1) {
        snprintf(out, n, "-");
        return 0;
    }
    if (!chart_above_noise(x)) {
        snprintf(out, n, "too little for MemAvailable to show");
        return 0;
    }
    char m[32];
    md_num(m, sizeof m, x->d.median);
    snprintf(out, n, "%s MiB", m);
    return 1;
}

static int points_of(const struct summary *s, const char *env, const char *base, int *k, int max);

/* The largest N an environment's sweeps measured memory at (0: none). */
static int density_top(const struct summary *s, const char *env)
{
    int k[160], n = points_of(s, env, "mib_per_inst", k, 160);
    return n ? k[n - 1] : 0;
}

/* One line per environment: what an idle instance costs, and what each
 * of the most that were alive at once cost. */
static void headline(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    const char *envs[MAX_ENVS], *fe[MAX_ENVS];
    int ne = chart_envs_of(s, "footprint", 1, envs), nf = ne;
    memcpy(fe, envs, sizeof envs);
    /* Environments with a density sweep but no footprint come after. */
    const char *de[MAX_ENVS];
    int nd = chart_envs_of(s, "density", 1, de);
    for (int k = 0; k < nd && ne < MAX_ENVS; k++) {
        int seen = 0;
        for (int j = 0; j < nf; j++)
            seen |= !strcmp(fe[j], de[k]);
        if (!seen)
            envs[ne++] = de[k];
    }
    fputs("**What one idle instance costs this host** (memory as MemAvailable falls; PSS of its host processes):\n\n",
          f);
    for (int k = 0; k < ne; k++) {
        const char *e = envs[k];
        fprintf(f, "- **%s**:", e);
        double host = median_of(s, e, "footprint", "host_mib");
        if (!isnan(host)) {
            char mem[64], pss[32], cpu[32];
            mib_text(mem, sizeof mem, summary_find(s, e, "footprint", "host_mib"));
            md_num(pss, sizeof pss, median_of(s, e, "footprint", "pss_mib"));
            md_num(cpu, sizeof cpu, median_of(s, e, "footprint", "idle_cpu_ms_s"));
            fprintf(f, " %s (PSS %s MiB", mem, pss);
            double g = median_of(s, e, "footprint", "guest_ram_mib");
            if (!isnan(g)) {
                char gs[32], t[32], v[32];
                md_num(gs, sizeof gs, g);
                md_num(t, sizeof t, median_of(s, e, "footprint", "tcg_cache_mib"));
                md_num(v, sizeof v, median_of(s, e, "footprint", "vmm_anon_mib"));
                fprintf(f, ": the guest touched %s of the %lu MiB it was given, QEMU's own memory %s", gs,
                        r->meta.mem_mib, v);
                if (!strcmp(s->accel, "tcg"))
                    fprintf(f, ", TCG's translation cache %s", t);
                char fl[32];
                md_num(fl, sizeof fl, median_of(s, e, "footprint", "vmm_file_mib"));
                fprintf(f, ", file pages of QEMU and the kernel image %s", fl);
            }
            fprintf(f, ") and %s CPU-ms per second while idle", cpu);
        }
        int top = density_top(s, e);
        if (top) {
            char name[48], per[64], ready[32];
            hostwl_point_name(name, sizeof name, "mib_per_inst", top);
            int shown = mib_text(per, sizeof per, summary_find(s, e, "density", name));
            hostwl_point_name(name, sizeof name, "ready_ms", top);
            md_num(ready, sizeof ready, median_of(s, e, "density", name));
            fprintf(f, "%s with %d alive at once, %s%s%s, and the %s was ready %s ms after its launch call",
                    isnan(host) ? "" : ";", top, shown ? per : "each ", shown ? " each" : "", shown ? "" : per,
                    ordinal(top), ready);
        }
        fputs(".\n", f);
    }
    fputc('\n', f);
}

static void footprint(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    const char *envs[MAX_ENVS];
    int ne = chart_envs_of(s, "footprint", 1, envs);
    if (!ne)
        return;
    const struct summ_group *any = NULL;
    for (int i = 0; i < s->n && !any; i++)
        if (!strcmp(s->g[i].workload, "footprint"))
            any = &s->g[i];
    fprintf(f, "### One idle instance (footprint)\n\nwl's `hold` workload - ready, then idle - in each environment, "
               "measured from the host (%s): CPU time of every thread of the instance's host processes over the "
               "window (`/proc/<pid>/task/*/schedstat`), then their memory: PSS from `smaps_rollup` (shared pages "
               "count in part), the guest's RAM and TCG's translation cache told apart in QEMU's `smaps` by mapping, "
               "page tables (`VmPTE`), the instance's own cgroup where it has one, and how far MemAvailable fell "
               "against the line through readings before the launch and after the teardown (it includes the "
               "kernel's memory no process is charged with, and leaves out file pages such as program text, which "
               "the kernel counts as reclaimable page cache). Median of %d repetitions [percentile-bootstrap 95%% CI of "
               "the median]. THP: %s; KSM: %s.\n\n",
            md(any && any->params ? any->params : ""), any ? any->d.n : 0, *r->meta.thp ? md(r->meta.thp) : "not recorded",
            *r->meta.ksm ? md(r->meta.ksm) : "not recorded");
    fputs("| |", f);
    for (int k = 0; k < ne; k++)
        fprintf(f, " %s |", envs[k]);
    fputs("\n|---|", f);
    for (int k = 0; k < ne; k++)
        fputs("---:|", f);
    fputc('\n', f);
    for (size_t i = 0; i < sizeof fp_rows / sizeof fp_rows[0]; i++) {
        int has = 0;
        for (int k = 0; k < ne; k++)
            has |= summary_find(s, envs[k], "footprint", fp_rows[i].metric) != NULL;
        if (!has)
            continue;
        fprintf(f, "| %s |", fp_rows[i].label);
        for (int k = 0; k < ne; k++) {
            char c[96];
            md_ci_cell(c, sizeof c, summary_find(s, envs[k], "footprint", fp_rows[i].metric));
            fprintf(f, " %s |", c);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    md_figure(f, r->dir, "footprint", "What one idle instance costs the host, by component (medians)");
}

/* The points (N) an environment's sweeps measured, ascending. */
static int points_of(const struct summary *s, const char *env, const char *base, int *k, int max)
{
    int n = 0;
    for (int i = 0; i < s->n && n < max; i++) {
        const struct summ_group *x = &s->g[i];
        char b[48];
        int v;
        if (strcmp(x->env, env) || strcmp(x->workload, "density") || x->nv < 1 ||
            !hostwl_point_parse(x->metric, b, sizeof b, &v) || strcmp(b, base))
            continue;
        int at = n;
        while (at > 0 && k[at - 1] > v)
            at--;
        memmove(k + at + 1, k + at, (size_t)(n - at) * sizeof *k);
        k[at] = v;
        n++;
    }
    return n;
}

static const struct summ_group *point(const struct summary *s, const char *env, const char *base, int k)
{
    char name[48];
    hostwl_point_name(name, sizeof name, base, k);
    return summary_find(s, env, "density", name);
}

static void density(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    const char *envs[MAX_ENVS];
    int ne = chart_envs_of(s, "density", 1, envs);
    if (!ne)
        return;
    const struct summ_group *any = NULL;
    for (int i = 0; i < s->n && !any; i++)
        if (!strcmp(s->g[i].workload, "density"))
            any = &s->g[i];
    fprintf(f, "### As instances pile up (density)\n\nEach repetition is one sweep (%s): idle instances launched one "
               "after another and kept alive - each pinned to the workload CPUs (%s) with its %lu MiB limit, so on "
               "this host they share those CPUs - measured at N = 1, 2, 4, ... and torn down in reverse order. "
               "*Ready* is the N-th launch call to its wl's ready line with N-1 instances idle beside it; *MiB per "
               "instance* is the MemAvailable drop over N; *marginal* what the instances since the last point added "
               "each. Median over %d sweeps [bootstrap 95%% CI]; p95 of the N-th launch over the sweeps.\n\n",
            md(any && any->params ? any->params : ""), md(r->meta.cpus_workload), r->meta.mem_mib, any ? any->d.n : 0);
    for (int e = 0; e < ne; e++) {
        int ks[160];
        int nk = points_of(s, envs[e], "ready_ms", ks, 160);
        const struct summ_group *reached = summary_find(s, envs[e], "density", "reached_n");
        fprintf(f, "**%s**", envs[e]);
        if (reached) {
            char lo[32], hi[32];
            md_num(lo, sizeof lo, reached->d.min);
            md_num(hi, sizeof hi, reached->d.max);
            fprintf(f, " (sweeps reached N = %s%s%s)", lo, strcmp(lo, hi) ? " to " : "", strcmp(lo, hi) ? hi : "");
        }
        const struct summ_fail *fl = summary_fails(s, envs[e], "density");
        if (fl && fl->failed)
            fprintf(f, " - %d sweep(s) failed; raw.csv's notes say why", fl->failed);
        fputs("\n\n| N | ready (ms) | ready p95 (ms) | MiB per instance | marginal MiB | PSS of all (MiB) | idle CPU "
              "(ms/s) | teardown of all (ms) |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
        for (int i = 0; i < nk; i++) {
            const struct summ_group *rd = point(s, envs[e], "ready_ms", ks[i]);
            const struct summ_group *per = point(s, envs[e], "mib_per_inst", ks[i]);
            if (!per && i + 1 < nk)
                continue;      /* between measured points: the launch alone */
            char c[6][96], p95[32];
            md_ci_cell(c[0], sizeof c[0], rd);
            md_num(p95, sizeof p95, rd ? rd->d.p95 : NAN);
            md_ci_cell(c[1], sizeof c[1], per);
            md_ci_cell(c[2], sizeof c[2], point(s, envs[e], "marginal_mib", ks[i]));
            md_ci_cell(c[3], sizeof c[3], point(s, envs[e], "pss_mib", ks[i]));
            md_ci_cell(c[4], sizeof c[4], point(s, envs[e], "idle_cpu_ms_s", ks[i]));
            md_ci_cell(c[5], sizeof c[5], point(s, envs[e], "teardown_ms", ks[i]));
            fprintf(f, "| %d | %s | %s | %s | %s | %s | %s | %s |\n", ks[i], c[0], p95, c[1], c[2], c[3], c[4], c[5]);
        }
        fputc('\n', f);
    }
    md_figure(f, r->dir, "density_mem", "Host memory per instance against the number alive (median, 95% CI)");
    md_figure(f, r->dir, "density_launch", "Launch latency of the N-th instance with N-1 alive (median, 95% CI)");
}

void mdcost_write(FILE *f, const struct results *r)
{
    const char *e[MAX_ENVS];
    if (!chart_envs_of(&r->summ, "footprint", 1, e) && !chart_envs_of(&r->summ, "density", 1, e))
        return;
    fputs("## What an instance costs\n\n", f);
    headline(f, r);
    footprint(f, r);
    density(f, r);
    if (!strcmp(r->summ.accel, "tcg"))
        fputs("*Under TCG, as here:* QEMU keeps a translation cache of the guest's code (shown apart), its vCPU "
              "threads emulate while the guest is idle (the idle CPU above), and a guest touches its RAM more slowly. "
              "Under KVM there is no translation cache, an idle vCPU sleeps in the host kernel, and KVM's own "
              "structures (the EPT/NPT tables, `kvm_mmu_page` slab) appear only in the MemAvailable drop. A "
              "guest's RAM is counted as far as it was touched, never as the size it was given.\n\n", f);
}
