/* REPORT.md: the answer first, then host, versions, method, a table per
 * workload, figures, caveats and the command to reproduce - everything
 * from one opened results directory. */
#include "report/mdreport.h"
#include "report/mdlib.h"
#include "analysis/stat.h"
#include "common/wlmeta.h"
#include "env/env.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A number from run.json as text, "" when the run has no run.json; from
 * one of 8 rotating buffers, so several can be used in one printf. */
static const char *num(const struct results *r, unsigned long long v)
{
    static char ring[8][32];
    static int next;
    char *out = ring[next++ % 8];
    if (r->has_meta)
        snprintf(out, sizeof ring[0], "%llu", v);
    else
        out[0] = '\0';
    return out;
}

/* Free text from run.json or raw.csv made safe for a Markdown table cell
 * or line: markup characters escaped, control bytes as spaces. In one of 16
 * rotating buffers, so several can be used in one printf. */
const char *md(const char *s)
{
    static char ring[16][1100];
    static int next;
    char *out = ring[next++ % 16];
    size_t k = 0;
    for (; s && *s && k + 3 < sizeof ring[0]; s++) {
        unsigned char c = (unsigned char)*s;
        if (strchr("\\|`*[]<>", c))
            out[k++] = '\\';
        out[k++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    out[k] = '\0';
    return out;
}

/* The same for text inside a `code span`, where backslashes do not escape:
 * backticks and control bytes become '?'. */
static const char *mdcode(const char *s)
{
    static char ring[4][600];
    static int next;
    char *out = ring[next++ % 4];
    size_t k = 0;
    for (; s && *s && k + 1 < sizeof ring[0]; s++)
        out[k++] = *s == '`' || (unsigned char)*s < 0x20 ? '?' : *s;
    out[k] = '\0';
    return out;
}

/* A link target: as is, or in <...> when it holds characters that would
 * end it (a space, parentheses); < and > cannot appear there at all. */
static const char *mdlink(const char *s)
{
    static char ring[4][PATH_MAX + 8];
    static int next;
    char *out = ring[next++ % 4];
    if (!strpbrk(s, " ()<>")) {
        snprintf(out, sizeof ring[0], "%s", s);
        return out;
    }
    size_t k = 0;
    out[k++] = '<';
    for (; *s && k + 2 < sizeof ring[0]; s++)
        out[k++] = *s == '<' || *s == '>' ? '_' : *s;
    out[k++] = '>';
    out[k] = '\0';
    return out;
}

void md_ci_cell(char *out, size_t n, const struct summ_group *x)
{
    if (!x || x->nv < 1) {
        snprintf(out, n, "-");
        return;
    }
    char m[32], lo[32], hi[32];
    double l = NAN, h = NAN;
    stat_boot_median(x->v, x->nv, summary_seed(x->env, x->workload, x->metric), &l, &h);
    md_num(m, sizeof m, x->d.median);
    md_num(lo, sizeof lo, l);
    md_num(hi, sizeof hi, h);
    if (x->nv == 1 || l == h)
        snprintf(out, n, "%s", m);
    else
        snprintf(out, n, "%s [%s - %s]", m, lo, hi);
}

void md_num(char *out, size_t n, double v)
{
    if (v != v)
        snprintf(out, n, "-");
    else if (v >= 100)
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "%.3g", v);
}

static int workload_first(const struct summary *s, int i)
{
    for (int j = 0; j < i; j++)
        if (!strcmp(s->g[j].workload, s->g[i].workload))
            return 0;
    return 1;
}

/* "2.1x [1.9 - 2.3]", "baseline" or "-", with bold factor when asked. */
static void cost_cell(FILE *f, const struct summ_group *x, int bold)
{
    if (!x->has_cost) {
        fputs(env_is_baseline(x->env) ? "baseline" : "-", f);
        return;
    }
    char c[32], cl[32], ch[32];
    md_num(c, sizeof c, x->cost);
    md_num(cl, sizeof cl, x->cost_lo);
    md_num(ch, sizeof ch, x->cost_hi);
    fprintf(f, "%s%sx%s [%s - %s]", bold ? "**" : "", c, bold ? "**" : "", cl, ch);
}

static void table(FILE *f, const struct summary *s, const char *wl)
{
    fputs("| metric | env | n | median | 95% CI | cost vs native [95% CI] | flags |\n"
          "|---|---|---:|---:|---|---|---|\n", f);
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *x = &s->g[i];
        if (strcmp(x->workload, wl) != 0)
            continue;
        char m[32], lo[32], hi[32];
        md_num(m, sizeof m, x->d.median);
        md_num(lo, sizeof lo, x->d.ci_lo);
        md_num(hi, sizeof hi, x->d.ci_hi);
        fprintf(f, "| %s (%s, %s better) | %s | %d | %s | %s - %s | ", x->metric, x->unit,
                !strcmp(x->dir, "higher") ? "higher" : "lower", x->env, x->d.n, m, lo, hi);
        cost_cell(f, x, 0);
        fputs(" | ", f);
        if (x->d.noisy)
            fprintf(f, "noisy (CV %.0f%%) ", x->d.cv * 100);
        if (x->d.outliers)
            fprintf(f, "%d outlier%s ", x->d.outliers, x->d.outliers > 1 ? "s" : "");
        if (x->failed)
            fprintf(f, "%d failed ", x->failed);
        fputs("|\n", f);
    }
}


/* Workloads measured from the host (footprint, density) have their own
 * section: their series are not "how much slower". */
static int is_host(const char *workload)
{
    const struct wl_meta *w = wl_meta_find(workload);
    return w && (w->flags & (WLM_HOST | WLM_AUDIT));
}

/* The answer table's lines for one headline metric, every environment. */
static void answer_lines(FILE *f, const struct summary *s, const char *workload, const char *metric)
{
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *x = &s->g[i];
        if (strcmp(x->workload, workload) || strcmp(x->metric, metric))
            continue;
        char m[32];
        md_num(m, sizeof m, x->d.median);
        fprintf(f, "| %s | %s (%s) | %s | %s | ", x->workload, x->metric, x->unit, x->env, m);
        cost_cell(f, x, 1);
        fputs(" |\n", f);
    }
}

static void answer(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    int tcg = !strcmp(s->accel, "tcg");
    fprintf(f, "# vcbench report\n\nWhat does a workload cost in a %s guest and in a container, compared with "
               "running it natively on this host? Generated by `vcbench report %s` from run `%s` "
               "(%d repetitions per environment).\n\n", tcg ? "libvirt/QEMU (TCG)" : "KVM", mdcode(r->dir), s->run_id,
            s->runs);
    if (tcg)
        fputs("> **Caveat: guests on this host ran under TCG, QEMU's software emulation** (no usable KVM). "
              "The VM figures are emulation figures, not KVM figures: they show the harness works end to end "
              "and how TCG compares, not what a KVM guest costs. Container and native figures are real.\n\n", f);
    fputs("## The answer\n\nCost factor = how many times worse than native (1 = same, 2 = twice as slow), "
          "for time-like metrics median(env)/median(native), for rates median(native)/median(env).\n\n", f);
    fputs("| workload | metric | environment | median | cost vs native [95% CI] |\n|---|---|---|---:|---|\n", f);
    /* One line per workload and environment for each of the workload's
     * headline metrics (the ones that answer "how much slower" best). */
    int nw;
    const struct wl_meta *const *wls = wl_meta_all(&nw);
    for (int w = 0; w < nw; w++)
        for (int h = 0; !(wls[w]->flags & WLM_HOST) && wls[w]->headline[h]; h++)
            answer_lines(f, s, wls[w]->name, wls[w]->headline[h]);
    int cost = 0, iso = 0;
    for (int i = 0; i < s->n; i++) {
        cost |= !strcmp(s->g[i].workload, "footprint") || !strcmp(s->g[i].workload, "density");
        iso |= !strcmp(s->g[i].workload, "audit") || !strcmp(s->g[i].workload, "neighbour");
    }
    if (cost)
        fputs("\nWhat an idle instance costs this host - memory by component, CPU while idle, how many fit - "
              "is in [What an instance costs](#what-an-instance-costs).\n", f);
    if (iso)
        fputs("\nWhat each environment sees and may do from inside, and how much a noisy neighbour slows it, is "
              "in [How isolated is it?](#how-isolated-is-it).\n", f);
}

static void host_versions(FILE *f, const struct results *r)
{
    const struct run_meta *m = &r->meta;
    fputs("\n## Host\n\n| | |\n|---|---|\n", f);
    fprintf(f, "| host | %s |\n", r->summ.host);
    fprintf(f, "| CPU | %s |\n", md(m->cpu_model));
    fprintf(f, "| topology (hwloc) | %s |\n", md(m->topology));
    fprintf(f, "| memory | %s MiB |\n", num(r, m->host_mem_mib));
    fprintf(f, "| host kernel | %s |\n", md(m->host_kernel));
    fprintf(f, "| cgroups | %s |\n", md(m->cgroup));
    fprintf(f, "| accelerator | %s: %s |\n", r->summ.accel, md(m->accel_reason));
    if (*m->pmu)
        fprintf(f, "| hardware counters | %s |\n", md(m->pmu));
    if (*m->thp)
        fprintf(f, "| transparent huge pages | %s |\n", md(m->thp));
    if (*m->ksm)
        fprintf(f, "| KSM | %s |\n", md(m->ksm));

    fputs("\n## Versions\n\n| | |\n|---|---|\n", f);
    fprintf(f, "| libvirt | %s (URI: %s) |\n", md(m->libvirt_version), md(m->libvirt_uri));
    fprintf(f, "| QEMU | %s |\n", md(m->qemu_version));
    fprintf(f, "| guest kernel | %s (%s) |\n", md(m->guest_kernel), md(m->kernel));
    fprintf(f, "| runc | %s |\n", md(m->runc_version));
    fprintf(f, "| crun | %s |\n", md(m->crun_version));
    /* What an environment said of itself once prepared (an engine's
     * version, store, cgroup driver, whose daemon). */
    for (int i = 0; i < m->nenv; i++)
        if (m->env[i].about[0])
            fprintf(f, "| %s | %s |\n", md(m->env[i].name), md(m->env[i].about));
    fprintf(f, "| vcbench commit | %s |\n", md(m->vcbench_commit));
    fprintf(f, "| wl | %s%ssha256 `%s` |\n", md(m->wl_build), *m->wl_build ? ", " : "", mdcode(m->wl_sha256));
}

static void method(FILE *f, const struct results *r)
{
    const struct run_meta *m = &r->meta;
    const struct summary *s = &r->summ;
    fputs("\n## Method\n\n", f);
    fprintf(f, "- **Pinning** (hwloc): %s. The container's cpuset, the guest's `<vcpupin>` and the native "
               "process's affinity are the same CPU set.\n", md(m->pinning));
    fprintf(f, "- **Limits**: memory %s MiB for the container (cgroup) and the guest (RAM); %s vCPU(s).\n",
            num(r, m->mem_mib), num(r, (unsigned long long)m->vcpus));
    fprintf(f, "- **Repetitions**: %s warm-up run(s) per environment and workload (not recorded), then %s runs in a "
               "random order interleaved across environments (seed %s, order in `order.csv`), so drift on a shared "
               "machine hits every environment alike. Profile `%s`.\n", num(r, (unsigned long long)m->warmup),
            num(r, (unsigned long long)m->runs), num(r, m->seed), mdcode(m->profile));
    fputs("- **Statistics**: median with a distribution-free 95% CI from order statistics (with 5 runs it is "
          "the range, whose coverage is 93.75%); cost factor versus native with a seeded percentile-bootstrap CI "
          "(at most 2000 resamples) below 30 runs a side, the closed form of Price & Bonett from 30; p5/p95 by "
          "linear interpolation (type 7); outliers flagged with Tukey's fences (1.5 IQR), never dropped; a "
          "coefficient of variation above 5% is flagged as noisy.\n", f);
    fputs("- **Workload parameters** (as each workload reported them):\n", f);
    for (int i = 0; i < s->n; i++)
        if (workload_first(s, i))
            fprintf(f, "  - `%s`: %s\n", s->g[i].workload, s->g[i].params && *s->g[i].params ? md(s->g[i].params)
                                                                                              : "(none)");
}

void md_figure(FILE *f, const char *dir, const char *name, const char *caption)
{
    char path[PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/plots/%s.png", dir, name);
    if (access(path, R_OK) != 0)
        return;
    char svg[PATH_MAX + 80];
    snprintf(svg, sizeof svg, "%s/plots/%s.svg", dir, name);
    fprintf(f, "![%s](%s)\n\n*%s* ([SVG](%s))\n\n", caption, mdlink(path), caption, mdlink(svg));
}

static void results_and_figures(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    fputs("\n## Results\n\n", f);
    for (int i = 0; i < s->n; i++) {
        if (!workload_first(s, i) || is_host(s->g[i].workload))
            continue;
        fprintf(f, "### %s\n\n", s->g[i].workload);
        table(f, s, s->g[i].workload);
        fputc('\n', f);
    }
    fputs("## Figures\n\n", f);
    for (int i = 0; i < s->n; i++) {
        if (!workload_first(s, i) || is_host(s->g[i].workload))
            continue;
        char name[64], cap[160];
        snprintf(name, sizeof name, "overhead_%s", s->g[i].workload);
        snprintf(cap, sizeof cap, "Cost versus native, %s workload (median ratio, 95%% CI)", s->g[i].workload);
        md_figure(f, r->dir, name, cap);
    }
    md_figure(f, r->dir, "startup", "Start-up phases from the launch call (medians)");
    md_figure(f, r->dir, "memlat", "Memory latency versus working set, cache sizes marked");
    md_figure(f, r->dir, "disklat", "Disk latency percentiles per pattern");
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/plots/topology.svg", r->dir);
    if (access(path, R_OK) == 0)
        fprintf(f, "![Host topology (lstopo)](%s)\n\n*Host topology (hwloc lstopo)*\n\n", mdlink(path));
}

/* STREAM wants arrays of at least WL_LLC_FACTOR x the last-level cache;
 * when the memory limit capped them below that (or the host claims a
 * cache larger than it has, as VMs do), say so next to the figures. */
static void mem_caveat(FILE *f, const struct results *r)
{
    unsigned long long llc = meta_llc(&r->meta), size = 0;
    const struct summary *s = &r->summ;
    for (int i = 0; i < s->n && !size; i++) {
        const char *p = s->g[i].params ? strstr(s->g[i].params, "size=") : NULL;
        const struct wl_meta *w = wl_meta_find(s->g[i].workload);
        if (w && (w->flags & WLM_LLC) && p && (p == s->g[i].params || p[-1] == ';'))
            size = strtoull(p + 5, NULL, 10);
    }
    if (!llc || !size || size >= WL_LLC_FACTOR * llc)
        return;
    fprintf(f, "- The memory arrays were %llu MiB each, less than %dx the last-level cache hwloc reports (%llu MiB): "
               "vcbench caps them so the three arrays fit in 60%% of the memory limit (`--set mem.size=` "
               "overrides). Virtual machines often report caches larger than they have; the latency curve "
               "shows where the real last level ends.\n", size >> 20, WL_LLC_FACTOR, llc >> 20);
}

/* The engines (docker, podman, containerd: the optional peers) in the
 * run, named once with what their figures include. */
static void engines_caveat(FILE *f, const struct results *r)
{
    char names[128] = "";
    size_t len = 0;
    for (int i = 0; i < r->meta.nenv; i++) {
        const struct env_ops *e = env_find(r->meta.env[i].name);
        if (e && e->optional)
            len += (size_t)snprintf(names + len, len < sizeof names ? sizeof names - len : 0, "%s`%s`",
                                    len ? ", " : "", e->name);
    }
    if (!len)
        return;
    fprintf(f, "- %s run through their command-line tools as their users run them (create, start attached, remove): "
               "their start-up includes each command's own start and the daemon's API; starting a daemon and "
               "importing the image are one-time costs, in the `*_daemon_ms` and `*_import_ms` rows and in no "
               "launch. An idle instance's footprint is its container and the shim or conmon beside it, not the "
               "daemon all share. Docker and Podman add their default seccomp filter (the audit's `seccomp_mode` "
               "2), which vcbench's container and ctr do not.\n", names);
}

static void caveats(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    fputs("## Caveats\n\n", f);
    if (!strcmp(s->accel, "tcg"))
        fputs("- VM figures are TCG (software emulation) figures. On a host with KVM, run `make run` again: "
              "the accelerator is chosen automatically and recorded in every row.\n", f);
    int noisy = 0;
    for (int i = 0; i < s->n; i++)
        noisy += s->g[i].d.noisy;
    if (noisy)
        fprintf(f, "- %d of %d series have a CV above 5%% (flagged in the tables): with %d runs their CIs are wide; "
                   "use `--profile full` for tighter figures.\n", noisy, s->n, s->runs);
    engines_caveat(f, r);
    for (int i = 0; i < r->meta.nskipped; i++)
        fprintf(f, "- `%s` was asked for but not run: %s.\n", md(r->meta.skipped[i].name), md(r->meta.skipped[i].why));
    if (!strcmp(r->meta.cgroup, "v1"))
        fputs("- On this cgroup v1 host `oci-crun` (if run) gets no memory limit: crun refuses the hybrid layout "
              "and runs with `--cgroup-manager=disabled`, pinned by affinity.\n", f);
    fputs("- The disk workload bypasses page caches everywhere: O_DIRECT on the same host file natively and in "
          "containers (bind mount), O_DIRECT on a virtio-blk disk backed by that file with `cache='none' "
          "io='native'` in the guest.\n", f);
    mem_caveat(f, r);
}

static void reproduce(FILE *f, const struct results *r)
{
    const struct run_meta *m = &r->meta;
    const struct summary *s = &r->summ;
    fputs("\n## Reproduce\n\n```sh\nmake run        # installs, builds, runs the quick profile into results/<date>/\n", f);
    /* The environments are the ones the data holds, in table order. */
    char envs[256] = "";
    for (int i = 0; i < s->n; i++) {
        char item[40], probe[260];
        snprintf(item, sizeof item, ",%s,", s->g[i].env);
        snprintf(probe, sizeof probe, ",%s,", envs);
        if (!strstr(probe, item))
            snprintf(envs + strlen(envs), sizeof envs - strlen(envs), "%s%s", envs[0] ? "," : "", s->g[i].env);
    }
    fprintf(f, "build/vcbench run --envs %s --profile %s --runs %s --warmup %s --seed %s", envs, mdcode(m->profile),
            num(r, (unsigned long long)m->runs), num(r, (unsigned long long)m->warmup), num(r, m->seed));
    fprintf(f, " --mem %s --out DIR\nbuild/vcbench report DIR > REPORT.md\n```\n", num(r, m->mem_mib));
}

int mdreport_write(FILE *f, const struct results *r, struct vb_err *e)
{
    answer(f, r);
    host_versions(f, r);
    method(f, r);
    results_and_figures(f, r);
    mdcost_write(f, r);
    mdiso_write(f, r);
    caveats(f, r);
    reproduce(f, r);
    return ferror(f) ? vb_errf(e, VB_EHOST, "cannot write the report") : 0;
}
