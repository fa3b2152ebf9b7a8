#include "run/held.h"
#include "env/cg.h"
#include "common/fsutil.h"
#include "common/io.h"
#include "common/proto.h"
#include "common/sig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ready_log {
    uint64_t t_ready;
    int ended;
    char error[256];
};

static int on_line(void *arg, const char *line, uint64_t t)
{
    struct ready_log *L = arg;
    struct proto_line pl;
    if (proto_parse(line, &pl) != 1)
        return 0;
    if (!strcmp(pl.kind, "ready")) {
        L->t_ready = t;
        return 1;
    }
    if (!strcmp(pl.kind, "error")) {
        const char *m = proto_get(&pl, "msg");
        snprintf(L->error, sizeof L->error, "%s", m ? m : "unknown error");
    } else if (!strcmp(pl.kind, "end")) {
        L->ended = 1;
        return 1;
    }
    return 0;
}

int held_start(const struct hostwl_ctx *c, double scale, struct held *h, struct vb_err *e)
{
    static char seconds[] = "--seconds", zero[] = "0";
    char *args[] = { seconds, zero, NULL };
    struct env_job job = { .workload = "hold", .argc = 2, .argv = args, .seq = c->seq(c->seq_arg) };
    struct env_budget b;
    env_budget_get(c->env, c->cfg, &b);
    double start_s = c->cfg->timeout_s > 0 ? (double)c->cfg->timeout_s : b.start_s * (scale > 1 ? scale : 1);
    memset(h, 0, sizeof *h);
    h->inst.fd = -1;
    h->launched = 1;
    h->t0 = io_now_ns();
    if (c->env->launch(c->state, &job, &h->inst, e) < 0)
        return -1;
    struct ready_log L = { 0 };
    uint64_t deadline = h->t0 + (uint64_t)(start_s * 1e9);
    int r = io_read_lines(h->inst.fd, &deadline, on_line, &L, e);
    if (r < 0) {
        if (e->code != VB_EINTR)
            vb_errf(e, VB_EFAIL, "no ready line after %.0f s (this environment gets that long to start); pass "
                    "--timeout to allow longer", start_s);
        return -1;
    }
    if (!L.t_ready)
        return vb_errf(e, VB_EFAIL, "wl hold ended before it was ready%s%s", L.error[0] ? ": " : "", L.error);
    h->t_ready = L.t_ready;
    return 0;
}

void held_stop(const struct hostwl_ctx *c, struct held *h)
{
    if (!h->launched)
        return;
    c->env->stop(c->state, &h->inst);
    h->launched = 0;
}

int held_warmup(const struct hostwl_ctx *c, struct hostwl_out *o)
{
    struct held h;
    struct vb_err e = { 0 };
    if (held_start(c, 1, &h, &e) < 0) {
        o->interrupted = e.code == VB_EINTR;
        hostwl_fail(o, o->interrupted ? "interrupted" : "fail", "%s", e.msg);
    }
    held_stop(c, &h);
    return 0;
}

int held_pause(double ms)
{
    uint64_t end = io_now_ns() + (uint64_t)(ms * 1e6);
    for (;;) {
        if (sig_stop)
            return -1;
        uint64_t now = io_now_ns();
        if (now >= end)
            return 0;
        uint64_t left = end - now, step = left < 50000000ull ? left : 50000000ull;
        struct timespec t = { (time_t)(step / 1000000000ull), (long)(step % 1000000000ull) };
        nanosleep(&t, NULL);
    }
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double held_mem_available(void)
{
    double v[3];
    for (int i = 0; i < 3; i++) {
        if (i)
            held_pause(5);
        v[i] = (double)usage_mem_available();
    }
    qsort(v, 3, sizeof v[0], dcmp);
    return v[1];
}

void held_avail_read(struct held_avail *a)
{
    a->kib = held_mem_available();
    a->t = io_now_ns();
}

double held_avail_drop(const struct held_avail *before, const struct held_avail *during,
                       const struct held_avail *after)
{
    double span = (double)(after->t - before->t), at = (double)(during->t - before->t);
    double base = span > 0 ? before->kib + (after->kib - before->kib) * at / span : before->kib;
    return base - during->kib;
}

static long ksm_read(const char *name)
{
    char path[96];
    snprintf(path, sizeof path, "/sys/kernel/mm/ksm/%s", name);
    char *t = fs_slurp(path, NULL);
    long v = t ? strtol(t, NULL, 10) : -1;
    free(t);
    return v;
}

int held_ksm_on(void)
{
    return ksm_read("run") == 1;
}

double held_ksm_settle(double limit_s, double *saved_kib)
{
    *saved_kib = 0;
    if (!held_ksm_on())
        return 0;
    /* Settled, as Kata's density test waits for it: KSM has gone over all
     * mergeable memory twice since the instance settled (a page is merged
     * on its second sighting), and pages_shared then moved by less than 1%
     * over three polls a second apart. */
    long scans = ksm_read("full_scans"), last = ksm_read("pages_shared");
    int still = 0;
    for (double waited = 0; waited < limit_s && (still < 3 || ksm_read("full_scans") < scans + 2); waited += 1) {
        if (held_pause(1000) < 0)
            return -1;
        long now = ksm_read("pages_shared");
        still = labs(now - last) <= last / 100 ? still + 1 : 0;
        last = now;
    }
    double page_kib = (double)sysconf(_SC_PAGESIZE) / 1024;
    *saved_kib = (double)ksm_read("pages_sharing") * page_kib;
    return (double)last * page_kib;
}

#define HELD_MAX_PROCS 64

/* The processes of one instance. */
static int procs_of(const struct hostwl_ctx *c, const struct held *h, struct usage_proc *p)
{
    if (c->env->procs)
        return c->env->procs(c->state, &h->inst, p, HELD_MAX_PROCS);
    return usage_tree(h->inst.pid, c->env->top, p, HELD_MAX_PROCS);
}

int held_cost(const struct hostwl_ctx *c, struct held *const *h, int n, double window_ms, struct held_cost *k,
              struct vb_err *e)
{
    memset(k, 0, sizeof *k);
    struct usage_proc(*p)[HELD_MAX_PROCS] = calloc((size_t)n, sizeof *p);
    int *np = calloc((size_t)n, sizeof *np);
    struct usage_cpu cpu = { 0 };
    int rc = -1;
    if (!p || !np) {
        vb_errf(e, VB_EFAIL, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++)
        if ((np[i] = procs_of(c, h[i], p[i])) == 0) {
            vb_errf(e, VB_EFAIL, "instance %d of %d has no host process to measure (%s)", i + 1, n,
                    h[i]->inst.pid > 0 ? "it has exited" : "not started by this host, e.g. a remote libvirt URI");
            goto out;
        }
    /* CPU first, over the window, with nothing else of ours running. */
    uint64_t a = io_now_ns();
    for (int i = 0; i < n; i++)
        for (int j = 0; j < np[i]; j++)
            if (usage_cpu_begin(&cpu, p[i][j].pid) < 0) {
                vb_errf(e, VB_EFAIL, "out of memory");
                goto out;
            }
    if (held_pause(window_ms) < 0) {
        vb_errf(e, VB_EINTR, "interrupted");
        goto out;
    }
    k->cpu_ms_s = (double)usage_cpu_since(&cpu) / 1e6 / ((double)(io_now_ns() - a) / 1e9);
    for (int i = 0; i < n; i++) {
        int cg_done = 0, measured = 0;
        for (int j = 0; j < np[i]; j++) {
            struct usage_mem m;
            uint64_t pte = 0;
            int threads = 0;
            if (usage_proc_mem(p[i][j].pid, &m) < 0)
                continue;              /* gone meanwhile: a short-lived helper */
            measured++;
            k->pss[p[i][j].role] += (double)m.pss;
            k->nrole[p[i][j].role]++;
            k->pss_total += (double)m.pss;
            k->pss_anon += (double)m.pss_anon;
            k->pss_file += (double)m.pss_file;
            k->rss += (double)m.rss;
            k->uss += (double)m.uss;
            if (usage_proc_status(p[i][j].pid, &pte, &threads) == 0) {
                k->pte += (double)pte;
                k->threads += threads;
            }
            struct usage_vmm v;
            if (p[i][j].role == USAGE_VMM && usage_proc_vmm(p[i][j].pid, c->cfg->mem_bytes >> 10, &v) == 0) {
                k->nvmm++;
                k->guest_found += v.guest_found;
                k->guest_pss += (double)v.guest_pss;
                k->guest_rss += (double)v.guest_rss;
                k->guest_thp += (double)v.guest_thp;
                k->tcg_pss += (double)v.tcg_pss;
                k->vmm_file += (double)m.pss_file;
            }
            /* The instance's cgroup: the first of its processes that is
             * not in the harness's own (a runtime stays in ours, its
             * container does not). */
            struct cg_mem cm;
            if (!cg_done && cg_mem_of_pid(p[i][j].pid, &cm) == 1) {
                cg_done = 1;
                k->ncg++;
                k->cg_current += (double)cm.current / 1024;
                k->cg_kernel += (double)cm.kernel / 1024;
            }
        }
        /* An instance that died while idle is not a cheap one. */
        if (!measured) {
            vb_errf(e, VB_EFAIL, "instance %d of %d exited while it was measured", i + 1, n);
            goto out;
        }
    }
    rc = 0;
out:
    free(p);
    free(np);
    usage_cpu_free(&cpu);
    return rc;
}
