#include "mdreport.h"
#include "summ.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A string or number value of "key" in a flat JSON object (run.json);
 * "" when absent. Enough for the fields vcbench itself writes. */
static const char *jget(const char *json, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    if (!json)
        return out;
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p)
        return out;
    p += strlen(pat);
    size_t k = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"' && k + 1 < n; p++) {
            if (*p == '\\' && p[1])
                p++;
            out[k++] = *p;
        }
    } else {
        while (*p && *p != ',' && *p != '}' && k + 1 < n)
            out[k++] = *p++;
    }
    out[k] = '\0';
    return out;
}

/* jget into one of 16 rotating buffers, so several values can be used in
 * one printf. */
static const char *jv(const char *json, const char *key)
{
    static char ring[16][1024];
    static int next;
    char *out = ring[next++ % 16];
    return jget(json, key, out, sizeof ring[0]);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    size_t n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static void fmt(char *out, size_t n, double v)
{
    if (v != v)
        snprintf(out, n, "-");
    else if (v >= 100)
        snprintf(out, n, "%.0f", v);
    else if (v >= 1)
        snprintf(out, n, "%.3g", v);
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

static void table(FILE *f, const struct summary *s, const char *wl)
{
    fputs("| metric | env | n | median | 95% CI | cost vs native [95% CI] | flags |\n"
          "|---|---|---:|---:|---|---|---|\n", f);
    for (int i = 0; i < s->n; i++) {
        const struct summ_group *x = &s->g[i];
        if (strcmp(x->workload, wl) != 0)
            continue;
        char m[32], lo[32], hi[32], c[32], cl[32], ch[32];
        fmt(m, sizeof m, x->d.median);
        fmt(lo, sizeof lo, x->d.ci_lo);
        fmt(hi, sizeof hi, x->d.ci_hi);
        fprintf(f, "| %s (%s, %s better) | %s | %d | %s | %s - %s | ", x->metric, x->unit,
                !strcmp(x->dir, "higher") ? "higher" : "lower", x->env, x->d.n, m, lo, hi);
        if (x->has_cost) {
            fmt(c, sizeof c, x->cost);
            fmt(cl, sizeof cl, x->cost_lo);
            fmt(ch, sizeof ch, x->cost_hi);
            fprintf(f, "%sx [%s - %s] | ", c, cl, ch);
        } else {
            fputs(!strcmp(x->env, "native") ? "baseline | " : "- | ", f);
        }
        if (x->d.noisy)
            fprintf(f, "noisy (CV %.0f%%) ", x->d.cv * 100);
        if (x->d.outliers)
            fprintf(f, "%d outlier%s ", x->d.outliers, x->d.outliers > 1 ? "s" : "");
        if (x->failed)
            fprintf(f, "%d failed ", x->failed);
        fputs("|\n", f);
    }
}

/* The headline: one line per workload and environment, the metric that
 * answers "how much slower" best. */
static const char *const headline[][2] = {
    { "cpu", "int_time" }, { "cpu", "fp_time" }, { "mem", "triad_bw" }, { "mem", "lat_16M" },
    { "disk", "randread_iops" }, { "disk", "seqwrite_mbps" }, { "startup", "ready_ms" }, { "startup", "total_ms" },
};

static void answer(FILE *f, const struct summary *s)
{
    fputs("| workload | metric | environment | median | cost vs native [95% CI] |\n|---|---|---|---:|---|\n", f);
    for (size_t h = 0; h < sizeof headline / sizeof headline[0]; h++)
        for (int i = 0; i < s->n; i++) {
            const struct summ_group *x = &s->g[i];
            if (strcmp(x->workload, headline[h][0]) || strcmp(x->metric, headline[h][1]))
                continue;
            char m[32], c[32], cl[32], ch[32];
            fmt(m, sizeof m, x->d.median);
            fprintf(f, "| %s | %s (%s) | %s | %s | ", x->workload, x->metric, x->unit, x->env, m);
            if (x->has_cost) {
                fmt(c, sizeof c, x->cost);
                fmt(cl, sizeof cl, x->cost_lo);
                fmt(ch, sizeof ch, x->cost_hi);
                fprintf(f, "**%sx** [%s - %s] |\n", c, cl, ch);
            } else {
                fputs(!strcmp(x->env, "native") ? "baseline |\n" : "- |\n", f);
            }
        }
}

static void figure(FILE *f, const char *dir, const char *name, const char *caption)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/plots/%s.png", dir, name);
    if (access(path, R_OK) != 0)
        return;
    fprintf(f, "![%s](%s)\n\n*%s* ([SVG](%s/plots/%s.svg))\n\n", caption, path, caption, dir, name);
}

/* STREAM wants arrays of at least 4x the last-level cache; when the memory
 * limit capped them below that (or the host claims a cache larger than it
 * has, as VMs do), say so next to the figures. */
static void mem_caveat(FILE *f, const struct summary *s, const char *run)
{
    unsigned long long llc = 0, size = 0;
    const char *lv[] = { "l2", "l3", "l4" };
    for (int i = 0; i < 3; i++) {
        unsigned long long v = strtoull(jv(run, lv[i]), NULL, 10);
        if (v > llc)
            llc = v;
    }
    for (int i = 0; i < s->n && !size; i++) {
        const char *p = s->g[i].params ? strstr(s->g[i].params, "size=") : NULL;
        if (!strcmp(s->g[i].workload, "mem") && p && (p == s->g[i].params || p[-1] == ';'))
            size = strtoull(p + 5, NULL, 10);
    }
    if (!llc || !size || size >= 4 * llc)
        return;
    fprintf(f, "- The memory arrays were %llu MiB each, less than 4x the last-level cache hwloc reports (%llu MiB): "
               "vcbench caps them so the three arrays fit in 60%% of the memory limit (`--set mem.size=` "
               "overrides). Virtual machines often report caches larger than they have; the latency curve "
               "shows where the real last level ends.\n", size >> 20, llc >> 20);
}

int mdreport_write(FILE *f, const char *dir, struct vb_err *e)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/raw.csv", dir);
    struct rows r;
    if (rows_load(path, &r, e) < 0)
        return -1;
    struct summary s;
    if (summary_build(&r, &s, e) < 0) {
        rows_free(&r);
        return -1;
    }
    snprintf(path, sizeof path, "%s/run.json", dir);
    char *run = slurp(path);
#define J(k) jv(run, k)
    int tcg = !strcmp(s.accel, "tcg");

    fprintf(f, "# vcbench report\n\nWhat does a workload cost in a %s guest and in a container, compared with "
               "running it natively on this host? Generated by `vcbench report %s` from run `%s` "
               "(%d repetitions per environment).\n\n", tcg ? "libvirt/QEMU (TCG)" : "KVM", dir, s.run_id, s.runs);
    if (tcg)
        fputs("> **Caveat: guests on this host ran under TCG, QEMU's software emulation** (no usable KVM). "
              "The VM figures are emulation figures, not KVM figures: they show the harness works end to end "
              "and how TCG compares, not what a KVM guest costs. Container and native figures are real.\n\n", f);
    fputs("## The answer\n\nCost factor = how many times worse than native (1 = same, 2 = twice as slow), "
          "for time-like metrics median(env)/median(native), for rates median(native)/median(env).\n\n", f);
    answer(f, &s);

    fputs("\n## Host\n\n| | |\n|---|---|\n", f);
    fprintf(f, "| host | %s |\n", s.host);
    fprintf(f, "| CPU | %s |\n", J("cpu_model"));
    fprintf(f, "| topology (hwloc) | %s |\n", J("topology"));
    fprintf(f, "| memory | %s MiB |\n", J("host_mem_mib"));
    fprintf(f, "| host kernel | %s |\n", J("host_kernel"));
    fprintf(f, "| cgroups | %s |\n", J("cgroup"));
    fprintf(f, "| accelerator | %s: %s |\n", s.accel, jv(run, "accel_reason"));

    fputs("\n## Versions\n\n| | |\n|---|---|\n", f);
    fprintf(f, "| libvirt | %s (URI: %s) |\n", J("libvirt_version"), jv(run, "libvirt_uri"));
    fprintf(f, "| QEMU | %s |\n", J("qemu_version"));
    fprintf(f, "| guest kernel | %s (%s) |\n", J("guest_kernel"), jv(run, "kernel"));
    fprintf(f, "| runc | %s |\n", J("runc_version"));
    fprintf(f, "| crun | %s |\n", J("crun_version"));
    fprintf(f, "| vcbench commit | %s |\n", J("vcbench_commit"));
    const char *wlb = J("wl_build");            /* absent in runs before it was recorded */
    fprintf(f, "| wl | %s%ssha256 `%s` |\n", wlb, *wlb ? ", " : "", J("wl_sha256"));

    fputs("\n## Method\n\n", f);
    fprintf(f, "- **Pinning** (hwloc): %s. The container's cpuset, the guest's `<vcpupin>` and the native "
               "process's affinity are the same CPU set.\n", J("pinning"));
    fprintf(f, "- **Limits**: memory %s MiB for the container (cgroup) and the guest (RAM); %s vCPU(s).\n",
            J("mem_mib"), jv(run, "vcpus"));
    fprintf(f, "- **Repetitions**: %s warm-up run(s) per environment and workload (not recorded), then %s runs in a "
               "random order interleaved across environments (seed %s, order in `order.csv`), so drift on a shared "
               "machine hits every environment alike. Profile `%s`.\n", J("warmup"),
            jv(run, "runs"), jv(run, "seed"), jv(run, "profile"));
    fputs("- **Statistics**: median with a 95% percentile-bootstrap CI (2000 resamples, fixed seed); cost factor "
          "versus native with its bootstrap CI; p5/p95 by linear interpolation (type 7); outliers flagged with "
          "Tukey's fences (1.5 IQR), never dropped; a coefficient of variation above 5% is flagged as noisy.\n", f);
    fputs("- **Workload parameters** (as each workload reported them):\n", f);
    for (int i = 0; i < s.n; i++)
        if (workload_first(&s, i))
            fprintf(f, "  - `%s`: %s\n", s.g[i].workload, s.g[i].params && *s.g[i].params ? s.g[i].params : "(none)");

    fputs("\n## Results\n\n", f);
    for (int i = 0; i < s.n; i++) {
        if (!workload_first(&s, i))
            continue;
        fprintf(f, "### %s\n\n", s.g[i].workload);
        table(f, &s, s.g[i].workload);
        fputc('\n', f);
    }

    fputs("## Figures\n\n", f);
    for (int i = 0; i < s.n; i++) {
        if (!workload_first(&s, i))
            continue;
        char name[64], cap[160];
        snprintf(name, sizeof name, "overhead_%s", s.g[i].workload);
        snprintf(cap, sizeof cap, "Cost versus native, %s workload (median ratio, 95%% CI)", s.g[i].workload);
        figure(f, dir, name, cap);
    }
    figure(f, dir, "startup", "Start-up phases from the launch call (medians)");
    figure(f, dir, "memlat", "Memory latency versus working set, cache sizes marked");
    figure(f, dir, "disklat", "Disk latency percentiles per pattern");
    snprintf(path, sizeof path, "%s/plots/topology.svg", dir);
    if (access(path, R_OK) == 0)
        fprintf(f, "![Host topology (lstopo)](%s)\n\n*Host topology (hwloc lstopo)*\n\n", path);

    fputs("## Caveats\n\n", f);
    if (tcg)
        fputs("- VM figures are TCG (software emulation) figures. On a host with KVM, run `make run` again: "
              "the accelerator is chosen automatically and recorded in every row.\n", f);
    int noisy = 0;
    for (int i = 0; i < s.n; i++)
        noisy += s.g[i].d.noisy;
    if (noisy)
        fprintf(f, "- %d of %d series have a CV above 5%% (flagged in the tables): with %d runs their CIs are wide; "
                   "use `--profile full` for tighter figures.\n", noisy, s.n, s.runs);
    if (!strcmp(J("cgroup"), "v1"))
        fputs("- On this cgroup v1 host `oci-crun` (if run) gets no memory limit: crun refuses the hybrid layout "
              "and runs with `--cgroup-manager=disabled`, pinned by affinity.\n", f);
    fputs("- The disk workload bypasses page caches everywhere: O_DIRECT on the same host file natively and in "
          "containers (bind mount), O_DIRECT on a virtio-blk disk backed by that file with `cache='none' "
          "io='native'` in the guest.\n", f);
    mem_caveat(f, &s, run);

    fputs("\n## Reproduce\n\n```sh\nmake run        # installs, builds, runs the quick profile into results/<date>/\n", f);
    /* The environments are the ones the data holds, in table order. */
    char envs[256] = "";
    for (int i = 0; i < s.n; i++) {
        char item[40], probe[260];
        snprintf(item, sizeof item, ",%s,", s.g[i].env);
        snprintf(probe, sizeof probe, ",%s,", envs);
        if (!strstr(probe, item))
            snprintf(envs + strlen(envs), sizeof envs - strlen(envs), "%s%s", envs[0] ? "," : "", s.g[i].env);
    }
    fprintf(f, "build/vcbench run --envs %s --profile %s --runs %s --warmup %s --seed %s", envs, J("profile"),
            jv(run, "runs"), jv(run, "warmup"), jv(run, "seed"));
    fprintf(f, " --mem %s --out DIR\nbuild/vcbench report DIR > REPORT.md\n```\n", J("mem_mib"));
#undef J
    free(run);
    summary_free(&s);
    rows_free(&r);
    return ferror(f) ? vb_errf(e, VB_EHOST, "cannot write the report") : 0;
}
