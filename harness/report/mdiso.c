/* REPORT.md's "How isolated is it?": the isolation audit (what each
 * environment sees and may do, observed from inside by wl's audit
 * workload) and the noisy neighbours (a headline sentence, the slowdown
 * of every victim metric beside every antagonist with its bootstrap CI,
 * the antagonists' own rates, the heatmap). */
#include "report/mdlib.h"
#include "report/iso.h"
#include "analysis/stat.h"
#include "common/wlmeta.h"
#include "run/hostwl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The audit's facts, in the order a reader asks them. kernel: the fact
 * touches a kernel, which in a guest is the guest's own. */
static const struct {
    const char *metric, *label;
    int boolean, kernel;
} facts[] = {
    { "own_kernel", "own kernel (boot id differs from the host's)", 1, 0 },
    { "own_pid_ns", "own pid namespace", 1, 0 },
    { "own_mnt_ns", "own mount namespace", 1, 0 },
    { "own_net_ns", "own network namespace", 1, 0 },
    { "own_uts_ns", "own uts namespace (hostname)", 1, 0 },
    { "own_ipc_ns", "own ipc namespace", 1, 0 },
    { "own_user_ns", "own user namespace (root inside is not root outside)", 1, 0 },
    { "own_cgroup_ns", "own cgroup namespace", 1, 0 },
    { "caps_eff", "capabilities, effective (count)", 0, 1 },
    { "caps_bnd", "capabilities, bounding set (count)", 0, 1 },
    { "caps_beyond_docker", "capabilities beyond Docker's default 14", 0, 1 },
    { "no_new_privs", "no_new_privs set", 1, 0 },
    { "seccomp_mode", "seccomp mode (0 off, 2 filter)", 0, 0 },
    { "host_pids_visible", "host processes visible (the harness's pid)", 1, 0 },
    { "procs_visible", "processes visible in /proc", 0, 1 },
    { "net_ifaces", "network interfaces besides lo", 0, 0 },
    { "proc_sys_writable", "/proc/sys writable (sysctls)", 1, 1 },
    { "sys_writable", "/sys writable", 1, 1 },
    { "sysrq_writable", "/proc/sysrq-trigger writable", 1, 1 },
    { "kallsyms_addrs", "kernel addresses readable in /proc/kallsyms", 1, 1 },
    { "devices", "device nodes in /dev", 0, 1 },
    { "cpuset_enforced", "CPU set enforced (asking for every CPU changes nothing)", 1, 0 },
    { "mem_limit_enforced", "memory limit enforced (a child allocating past it is stopped)", 1, 0 },
};
#define NFACTS (int)(sizeof facts / sizeof facts[0])

/* A param's value from a group's params "k=v;k=v" into out ("" if none). */
static void param_of(const struct summ_group *x, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    size_t k = strlen(key);
    for (const char *p = x ? x->params : NULL; p && *p;) {
        if (!strncmp(p, key, k) && p[k] == '=') {
            size_t v = strcspn(p + k + 1, ";");
            snprintf(out, n, "%.*s", (int)v, p + k + 1);
            return;
        }
        p = strchr(p, ';');
        p = p ? p + 1 : NULL;
    }
}

static void audit_table(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    const char *envs[CHART_MAX_ENVS];
    int ne = chart_envs_of(s, "audit", 1, envs);
    if (ne == 0)
        return;
    fputs("### What each environment sees and may do\n\n"
          "Observed from inside each environment by wl's `audit` workload at run time - the same binary "
          "reading `/proc`, calling `uname`, opening files for writing (and closing them unwritten), asking "
          "for every CPU, and allocating past the memory limit in a child - compared with what the harness "
          "sees on the host. Nothing here is typed in per environment. In a guest the kernel facts are "
          "the guest kernel's own: writable sysctls or every capability there reach the guest, not the "
          "host.\n\n| fact |", f);
    for (int k = 0; k < ne; k++)
        fprintf(f, " %s |", envs[k]);
    fputs("\n|---|", f);
    for (int k = 0; k < ne; k++)
        fputs("---|", f);
    fputs("\n| kernel release |", f);
    int own[CHART_MAX_ENVS];
    for (int k = 0; k < ne; k++) {
        char v[96];
        param_of(summary_find(s, envs[k], "audit", "own_kernel"), "kernel", v, sizeof v);
        const struct summ_group *ok = summary_find(s, envs[k], "audit", "own_kernel");
        own[k] = ok && ok->nv > 0 && ok->d.median >= 0.5;
        fprintf(f, " %s |", v[0] ? md(v) : "-");
    }
    fputc('\n', f);
    for (int i = 0; i < NFACTS; i++) {
        int any = 0;
        for (int k = 0; k < ne; k++)
            any |= summary_find(s, envs[k], "audit", facts[i].metric) != NULL;
        if (!any)
            continue;
        fprintf(f, "| %s |", facts[i].label);
        for (int k = 0; k < ne; k++) {
            const struct summ_group *x = summary_find(s, envs[k], "audit", facts[i].metric);
            if (!x || x->nv < 1) {
                fputs(" - |", f);
                continue;
            }
            double v = x->d.median;
            /* Facts differ between repetitions only if something is wrong:
             * show the spread then. */
            int varies = x->d.min != x->d.max;
            char num[32];
            md_num(num, sizeof num, v);
            const char *guest = own[k] && facts[i].kernel ? " (the guest's)" : "";
            if (facts[i].boolean)
                fprintf(f, " %s%s%s |", v >= 0.5 ? "**yes**" : "no", varies ? " (varies)" : "", v >= 0.5 ? guest : "");
            else
                fprintf(f, " %s%s%s |", num, varies ? " (varies)" : "", guest);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

/* The slowdown's words: a rate "drops by 12% [8 - 15%]", a time "takes
 * 14% longer [9 - 18%]" (x = the factor, >1 worse). */
static void slow_words(char *out, size_t n, const struct summ_group *x, int higher)
{
    double lo = NAN, hi = NAN, m = x->d.median;
    stat_boot_median(x->v, x->nv, summary_seed(x->env, x->workload, x->metric), &lo, &hi);
    if (higher) {
        double p = (1 - 1 / m) * 100, pl = (1 - 1 / lo) * 100, ph = (1 - 1 / hi) * 100;
        if (x->nv > 1 && isfinite(pl) && isfinite(ph))
            snprintf(out, n, "%s by %.0f%% [%.0f%% - %.0f%%]", p >= 0 ? "drops" : "rises", fabs(p), pl, ph);
        else
            snprintf(out, n, "%s by %.0f%%", p >= 0 ? "drops" : "rises", fabs(p));
    } else {
        double p = (m - 1) * 100;
        if (x->nv > 1 && isfinite(lo) && isfinite(hi))
            snprintf(out, n, "takes %.0f%% %s [%.0f%% - %.0f%%]", fabs(p), p >= 0 ? "longer" : "less", (lo - 1) * 100,
                     (hi - 1) * 100);
        else
            snprintf(out, n, "takes %.0f%% %s", fabs(p), p >= 0 ? "longer" : "less");
    }
}

/* Is metric of victim one where higher is better? From its alone row. */
static int metric_higher(const struct summary *s, const char *env, const char *victim, const char *metric)
{
    char name[48];
    hostwl_nb_name(name, sizeof name, 'v', victim, metric, "alone");
    const struct summ_group *x = summary_find(s, env, "neighbour", name);
    return x && !strcmp(x->dir, "higher");
}

/* One sentence per antagonist condition, about the victim it hurt most
 * (in any environment): the figure a reader takes away; every other one
 * is in the table below. */
static void headline(FILE *f, const struct summary *s, const struct iso_grid *g)
{
    char name[48], words[96], ant[16], env[32];
    int duty;
    for (int c = 0; c < g->ncol; c++) {
        int r = 0;
        double worst = -1;
        for (int i = 0; i < g->nrow; i++)
            for (int k = 0; k < g->nenv; k++)
                if (!isnan(g->x[k][i][c]) && g->x[k][i][c] > worst) {
                    worst = g->x[k][i][c];
                    r = i;
                }
        {
            if (worst < 0 || !iso_cond_parse(g->col[c], ant, &duty, env))
                continue;
            fprintf(f, "With a %s neighbour (`%s` at %d%%%s%s), %s's `%s`", iso_antagonist_label(ant), ant, duty,
                    env[0] ? ", running in " : "", env, g->victim[r], g->metric[r]);
            int said = 0;
            for (int k = 0; k < g->nenv; k++) {
                hostwl_nb_name(name, sizeof name, 'x', g->victim[r], g->metric[r], g->col[c]);
                const struct summ_group *x = summary_find(s, g->env[k], "neighbour", name);
                if (!x || x->nv < 1)
                    continue;
                slow_words(words, sizeof words, x, metric_higher(s, g->env[k], g->victim[r], g->metric[r]));
                fprintf(f, "%s in %s %s", said ? ";" : "", g->env[k], words);
                said = 1;
            }
            fputs(".\n", f);
        }
    }
    fputc('\n', f);
}

/* A table's head: two columns of its own, then one per environment. */
static void env_header(FILE *f, const char *first, const struct iso_grid *g)
{
    fputs(first, f);
    for (int k = 0; k < g->nenv; k++)
        fprintf(f, " %s |", g->env[k]);
    fputs("\n|---|---|", f);
    for (int k = 0; k < g->nenv; k++)
        fputs("---|", f);
    fputc('\n', f);
}

/* Every slowdown the run measured: a row per victim metric and condition,
 * a column per environment. */
static void slowdown_table(FILE *f, const struct summary *s, const struct iso_grid *g)
{
    env_header(f, "| victim metric | antagonist |", g);
    /* Rows as the run recorded them, each (victim metric, condition) once. */
    char kind, victim[48], metric[48], cond[48], seen[256][96];
    int nseen = 0;
    for (int i = 0; i < s->n && nseen < 256; i++) {
        const struct summ_group *x = &s->g[i];
        if (strcmp(x->workload, "neighbour") || !hostwl_nb_parse(x->metric, &kind, victim, metric, cond) ||
            kind != 'x')
            continue;
        int dup = 0;
        for (int j = 0; j < nseen; j++)
            dup |= !strcmp(seen[j], x->metric);
        if (dup)
            continue;
        snprintf(seen[nseen++], sizeof seen[0], "%s", x->metric);
        fprintf(f, "| %s `%s` | %s |", victim, metric, cond);
        for (int k = 0; k < g->nenv; k++) {
            char c[96];
            md_ci_cell(c, sizeof c, summary_find(s, g->env[k], "neighbour", x->metric));
            fprintf(f, " %s |", c);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

/* The antagonists' achieved rates: alone, and beside each victim, and
 * alone as a share of the same antagonist's rate natively. */
static void rate_table(FILE *f, const struct summary *s, const struct iso_grid *g)
{
    fputs("The antagonists' own rates. A neighbour that hurts nobody may be well contained, or too slow to "
          "hurt: its achieved rate tells which. \"% of native\" compares its rate alone with the same "
          "antagonist's natively.\n\n", f);
    env_header(f, "| antagonist | measured |", g);
    const char *base = NULL;
    for (int k = 0; k < g->nenv; k++)
        if (env_is_baseline(g->env[k]))
            base = g->env[k];
    char name[48];
    for (int c = 0; c < g->ncol; c++) {
        hostwl_nb_name(name, sizeof name, 'a', "alone", NULL, g->col[c]);
        const struct summ_group *u = NULL;
        for (int k = 0; k < g->nenv && !u; k++)
            u = summary_find(s, g->env[k], "neighbour", name);
        fprintf(f, "| %s | alone (%s) |", g->col[c], u ? md(u->unit) : "-");
        const struct summ_group *nat = base ? summary_find(s, base, "neighbour", name) : NULL;
        for (int k = 0; k < g->nenv; k++) {
            const struct summ_group *x = summary_find(s, g->env[k], "neighbour", name);
            char cell[96];
            md_ci_cell(cell, sizeof cell, x);
            if (x && nat && nat->d.median > 0 && x != nat)
                fprintf(f, " %s, %.0f%% of native |", cell, x->d.median / nat->d.median * 100);
            else
                fprintf(f, " %s |", cell);
        }
        fputc('\n', f);
        for (int r = 0; r < g->nrow; r++) {
            hostwl_nb_name(name, sizeof name, 'a', g->victim[r], NULL, g->col[c]);
            fprintf(f, "| %s | beside %s |", g->col[c], g->victim[r]);
            for (int k = 0; k < g->nenv; k++) {
                char cell[96];
                md_ci_cell(cell, sizeof cell, summary_find(s, g->env[k], "neighbour", name));
                fprintf(f, " %s |", cell);
            }
            fputc('\n', f);
        }
    }
    fputc('\n', f);
}

void mdiso_write(FILE *f, const struct results *r)
{
    const struct summary *s = &r->summ;
    int audit = 0;
    for (int i = 0; i < s->n; i++)
        audit |= !strcmp(s->g[i].workload, "audit");
    struct iso_grid *g = calloc(1, sizeof *g);
    if (!g)
        return;
    iso_grid_build(s, g);
    int nb = g->nrow > 0 && g->ncol > 0;
    if (!audit && !nb) {
        free(g);
        return;
    }
    fputs("## How isolated is it?\n\n", f);
    audit_table(f, r);
    if (nb) {
        const struct run_meta *m = &r->meta;
        fputs("### Noisy neighbours\n\n", f);
        /* How the cells were measured, from the neighbour's own params. */
        const struct summ_group *any = NULL;
        for (int i = 0; i < s->n && !any; i++)
            if (!strcmp(s->g[i].workload, "neighbour"))
                any = &s->g[i];
        char pairs[8], same[8];
        param_of(any, "pairs", pairs, sizeof pairs);
        param_of(any, "same_cpus", same, sizeof same);
        int own_cpu = !strcmp(same, "1") || (m->cpus_neighbour[0] && !strcmp(m->cpus_workload, m->cpus_neighbour));
        /* On a host short of cores the neighbour's CPUs are the harness's
         * and the emulators' too: a busy neighbour slows those as well. */
        int on_harness = !own_cpu && m->cpus_neighbour[0] && !strcmp(m->cpus_neighbour, m->cpus_harness);
        fprintf(f, "A victim workload ran on CPU %s alone and beside an antagonist - a second instance of the "
                   "same environment unless the condition names another - on %s%s%s. They share %s, the "
                   "host's file system and disk, and the host kernel: directly for native and containers, "
                   "through QEMU and KVM's host side for a guest, whose own kernel is its own. ",
                m->cpus_workload[0] ? md(m->cpus_workload) : "?",
                own_cpu ? "the victim's own CPU" : "CPU ", own_cpu ? " (the self-check, or a host with one core)" :
                m->cpus_neighbour[0] ? md(m->cpus_neighbour) : "?",
                on_harness ? " (also the harness's and the guests' emulator threads': no core to spare here, so a "
                             "busy neighbour slows those too - the harness's own timing of a start-up, a guest's "
                             "I/O)" : "",
                own_cpu ? "the CPU itself and everything above it"
                        : m->neighbour_shares[0] ? md(m->neighbour_shares) : "what the host's topology shares");
        if (!strcmp(pairs, "1"))
            fputs("Each cell is a pair, AB in odd repetitions and BA in even ones: the victim alone and beside the "
                  "antagonist (started, its rate alone measured, stopped after), so drift cancels over two "
                  "repetitions; the slowdown is beside over alone, per repetition, >1 worse. ", f);
        else
            fputs("Each cell is ABBA: victim alone, antagonist started (its rate alone measured), victim twice "
                  "beside it, antagonist stopped, victim alone; the slowdown is the beside pair's mean over the "
                  "alone pair's, per repetition, >1 worse. ", f);
        fputs("Antagonists: wl's `noise-*` workloads at a duty cycle (the % of each 10 ms they work).\n\n", f);
        if (!strcmp(s->accel, "tcg"))
            fputs("> Guests ran under TCG: a guest's victim and antagonist are emulated, several times slower "
                  "than natively, so a guest's antagonist presses far less on the shared cache, memory and "
                  "disk than a native one - see its rate below before reading a small guest slowdown as "
                  "isolation.\n\n", f);
        headline(f, s, g);
        md_figure(f, r->dir, "isolation", "Slowdown beside an antagonist, per environment (median; 1 = as alone)");
        slowdown_table(f, s, g);
        rate_table(f, s, g);
    }
    free(g);
}
