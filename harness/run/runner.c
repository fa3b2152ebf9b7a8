/* The runner: the plan's launches one after another through the env ops,
 * each one's protocol stream parsed, judged and appended to raw.csv. */
#include "run/runner.h"
#include "run/plan.h"
#include "run/held.h"
#include "common/io.h"
#include "common/proto.h"
#include "common/sig.h"
#include "common/strmap.h"
#include "common/raw.h"
#include "common/wlmeta.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_METRICS 64
/* A launch may take this many times what it should (wl's own estimate times
 * the environment's slowdown, or once learned, the slowest launch of the
 * same env and workload so far) before it counts as hung and is killed. */
#define DEADLINE_MARGIN 5
#define DEADLINE_SLACK_NS 5000000000ull

struct got_metric {
    char name[PROTO_VAL_MAX < 48 ? PROTO_VAL_MAX : 48];
    char unit[16];
    char dir[8];
    double value;
};

/* Everything one launch reported on its stream. */
struct launch_log {
    char params[512];
    struct got_metric m[MAX_METRICS];
    int nm;
    char checks[256];
    char error[256];
    int ended, end_ok, malformed;
    uint64_t t_ready, t_end, t_first;
    double boot_uptime_ms, boot_modules_ms;
    /* The deadline: env budget until the expect line, then from it. */
    uint64_t deadline, t_expect;
    int fixed;                 /* --timeout: one flat deadline */
    struct env_budget budget;
    uint64_t learned_ns;       /* slowest expect->end of this env + workload so far, 0 */
    double expect_ms, fixed_ms;
};

/* Checksums seen so far in the run, keyed by workload + params + check
 * name: every environment must report the same value for the same work. */
struct checkbook {
    struct strmap index;       /* key -> values[] */
    char **values;
    int n;
};

static void checkbook_free(struct checkbook *cb)
{
    for (int i = 0; i < cb->n; i++)
        free(cb->values[i]);
    free(cb->values);
    strmap_free(&cb->index);
}

static void append(char *dst, size_t n, const char *sep, const char *s)
{
    size_t len = strlen(dst);
    snprintf(dst + len, n - len, "%s%s", len ? sep : "", s);
}

static int on_line(void *arg, const char *line, uint64_t t)
{
    struct launch_log *L = arg;
    struct proto_line pl;
    int r = proto_parse(line, &pl);
    if (r == 0)
        return 0;
    if (r < 0) {
        L->malformed++;
        return 0;
    }
    if (!L->t_first)
        L->t_first = t;
    if (!strcmp(pl.kind, "param")) {
        for (int i = 0; i < pl.nfield; i++) {
            char kv[300];
            snprintf(kv, sizeof kv, "%s=%s", pl.f[i].key, pl.f[i].val);
            append(L->params, sizeof L->params, ";", kv);
        }
    } else if (!strcmp(pl.kind, "ready")) {
        L->t_ready = t;
    } else if (!strcmp(pl.kind, "expect") && !L->fixed && !L->t_expect) {
        const char *w = proto_get(&pl, "ms"), *f = proto_get(&pl, "fixed_ms");
        L->expect_ms = w ? strtod(w, NULL) : 0;
        L->fixed_ms = f ? strtod(f, NULL) : 0;
        /* From the workload: whatever it says, a day at most, never negative. */
        L->expect_ms = isfinite(L->expect_ms) ? fmin(fmax(L->expect_ms, 0), 864e5) : 864e5;
        L->fixed_ms = isfinite(L->fixed_ms) ? fmin(fmax(L->fixed_ms, 0), 864e5) : 864e5;
        double need = 2 * L->fixed_ms * 1e6 + DEADLINE_MARGIN * L->budget.slowdown * L->expect_ms * 1e6;
        if (L->learned_ns && DEADLINE_MARGIN * (double)L->learned_ns < need)
            need = DEADLINE_MARGIN * (double)L->learned_ns;
        L->t_expect = t;
        L->deadline = t + DEADLINE_SLACK_NS + (uint64_t)need;
    } else if (!strcmp(pl.kind, "boot")) {
        const char *v;
        if ((v = proto_get(&pl, "uptime_ns")))
            L->boot_uptime_ms = strtod(v, NULL) / 1e6;
        if ((v = proto_get(&pl, "modules_ns")))
            L->boot_modules_ms = strtod(v, NULL) / 1e6;
    } else if (!strcmp(pl.kind, "metric")) {
        const char *n = proto_get(&pl, "name"), *u = proto_get(&pl, "unit");
        const char *d = proto_get(&pl, "dir"), *v = proto_get(&pl, "value");
        char *end;
        double val = v ? strtod(v, &end) : NAN;
        /* Names go into raw.csv, file names, gnuplot and Markdown: only
         * what raw_name_ok allows is recorded. */
        if (!n || !u || !d || !v || *end || !isfinite(val) || L->nm == MAX_METRICS ||
            !raw_name_ok(n, sizeof L->m[0].name, 0) || (*u && !raw_name_ok(u, sizeof L->m[0].unit, 1)) ||
            (strcmp(d, "higher") != 0 && strcmp(d, "lower") != 0)) {
            L->malformed++;
            return 0;
        }
        struct got_metric *m = &L->m[L->nm++];
        snprintf(m->name, sizeof m->name, "%s", n);
        snprintf(m->unit, sizeof m->unit, "%s", u);
        snprintf(m->dir, sizeof m->dir, "%s", d);
        m->value = val;
    } else if (!strcmp(pl.kind, "check")) {
        const char *n = proto_get(&pl, "name"), *v = proto_get(&pl, "value");
        if (n && v) {
            char kv[300];
            snprintf(kv, sizeof kv, "%s=%s", n, v);
            append(L->checks, sizeof L->checks, ";", kv);
        }
    } else if (!strcmp(pl.kind, "error")) {
        const char *m = proto_get(&pl, "msg");
        snprintf(L->error, sizeof L->error, "%s", m ? m : "unknown error");
    } else if (!strcmp(pl.kind, "end")) {
        const char *s = proto_get(&pl, "status");
        L->ended = 1;
        L->end_ok = s && !strcmp(s, "ok");
        L->t_end = t;
        return 1;
    }
    return 0;
}

/* Compare this launch's checksums with the first ones seen for the same
 * work. Returns 0 when they agree (or are new), -1 on a mismatch. */
static int checks_verify(struct checkbook *cb, const char *workload, const char *params, const char *checks,
                         char *why, size_t n)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", checks);
    for (char *save, *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char key[800];
        snprintf(key, sizeof key, "%s|%s|%s", workload, params, tok);
        int i = strmap_get(&cb->index, key);
        if (i >= 0 && strcmp(cb->values[i], eq + 1) != 0) {
            snprintf(why, n, "checksum %s=%s differs from %s seen before: not the same work", tok, eq + 1,
                     cb->values[i]);
            return -1;
        }
        char **nv = i < 0 ? realloc(cb->values, (size_t)(cb->n + 1) * sizeof *nv) : NULL;
        if (nv) {
            cb->values = nv;
            if ((nv[cb->n] = strdup(eq + 1)) && strmap_put(&cb->index, key, cb->n) == cb->n)
                cb->n++;
        }
    }
    return 0;
}

struct one {
    const struct run_spec *s;
    struct checkbook *checks;
    uint64_t *learned;         /* slowest expect->end of this slot + workload */
    const struct run_slot *slot;
    const struct env_ops *env;
    void *state;
    const struct run_workload *wl;
    int rep, seq;
    int *subseq;               /* launch numbers for the instances of host-measured workloads */
    struct runner *r;          /* for another slot's prepared environment (run_host's peer) */
    int *held_warm;            /* this slot has had its one `hold` warm-up */
};

static int row(const struct one *o, const char *params, const char *metric, const char *unit,
               const char *dir, double v, int has_value, const char *status, const char *note,
               struct vb_err *e)
{
    struct raw_row r = {
        .env = o->env->name, .workload = o->wl->name, .params = params,
        .rep = o->rep, .seq = o->seq, .metric = metric, .unit = unit, .dir = dir,
        .value = v, .has_value = has_value, .status = status, .note = note,
        .arm = o->slot->arm, .wl_sha256 = o->slot->wl_sha256, .mem_mib = o->slot->mem_mib,
    };
    return raw_write(o->s->raw, &r, e);
}

static double ms(uint64_t a, uint64_t b)
{
    return (double)(b - a) / 1e6;
}

/* How one launch went, on the harness's clock. */
struct outcome {
    const char *status;        /* ok fail timeout interrupted oom mismatch */
    char why[512];
    int launch_failed, interrupted;
    uint64_t t0, t1, t_end, t_stop;   /* launch call, launch returned, end line, stopped */
};

/* What an instance that ran to its end says about itself: killed by the
 * memory limit, failed, or - by its checksums - not the same work. */
static void judge(const struct one *o, const struct launch_log *L, const struct env_inst *inst, int code,
                  struct outcome *oc)
{
    const struct wl_meta *w = wl_meta_find(o->wl->name);
    /* The audit runs into the memory limit on purpose (in a child). */
    if (inst->oom && !(w && (w->flags & WLM_AUDIT))) {
        oc->status = "oom";
        snprintf(oc->why, sizeof oc->why, "killed by the memory limit (%lu MiB); raise --mem",
                 (unsigned long)(o->slot->cfg->mem_bytes >> 20));
    } else if (!L->ended || !L->end_ok || code != 0) {
        oc->status = "fail";
        snprintf(oc->why, sizeof oc->why, "%s", L->error[0] ? L->error
                 : !L->ended ? "the workload stopped before its end line" : "the workload reported failure");
    } else if (checks_verify(o->checks, o->wl->name, L->params, L->checks, oc->why, sizeof oc->why) < 0) {
        oc->status = "mismatch";
    }
}

/* Why a launch timed out, in words a user can act on. */
static void timeout_why(const struct launch_log *L, struct outcome *oc, uint64_t now)
{
    double s = (double)(now - oc->t0) / 1e9;
    if (!L->t_expect)
        snprintf(oc->why, sizeof oc->why, "no sign of wl after %.0f s (this environment gets %.0f s to start it); "
                 "pass --timeout to allow longer", s, L->budget.start_s);
    else
        snprintf(oc->why, sizeof oc->why, "no end line after %.0f s: wl expected %.0f ms of work%s, this environment "
                 "may be %gx slower, and %dx that is allowed; pass --timeout to allow longer", s, L->expect_ms,
                 L->learned_ns ? " (or as long as the slowest launch so far)" : "", L->budget.slowdown,
                 DEADLINE_MARGIN);
}

/* Launch, read the stream until its end line (or EOF, timeout, signal),
 * wait, stop - stop on every path, as the env contract says. */
static void launch_once(const struct one *o, struct env_inst *inst, struct launch_log *L, struct outcome *oc)
{
    const struct run_cfg *cfg = o->slot->cfg;
    /* The shared disk only where the workload uses it: attaching it costs
     * a guest its virtio modules (~0.25 s under TCG), which would otherwise
     * show up in every other workload's start-up when disk is in the run. */
    const struct wl_meta *w = wl_meta_find(o->wl->name);
    struct env_job job = { .workload = o->wl->name, .argc = o->wl->argc, .argv = o->wl->argv,
                           .seq = o->seq, .disk = w && (w->flags & WLM_DISK) ? o->s->disk : NULL };
    struct vb_err le = { 0 };
    int code = -1;
    L->fixed = cfg->timeout_s > 0;
    L->learned_ns = *o->learned;
    env_budget_get(o->env, cfg, &L->budget);
    oc->status = "ok";
    oc->t0 = io_now_ns();
    L->deadline = oc->t0 + (uint64_t)((L->fixed ? (double)cfg->timeout_s : L->budget.start_s) * 1e9);
    if (o->env->launch(o->state, &job, inst, &le) < 0) {
        oc->status = "fail";
        oc->launch_failed = 1;
        snprintf(oc->why, sizeof oc->why, "launch: %s", le.msg);
        o->env->stop(o->state, inst);
        return;
    }
    oc->t1 = io_now_ns();
    int r = io_read_lines(inst->fd, &L->deadline, on_line, L, &le);
    if (r < 0) {
        oc->interrupted = le.code == VB_EINTR;
        oc->status = oc->interrupted ? "interrupted" : "timeout";
        if (oc->interrupted || L->fixed)
            snprintf(oc->why, sizeof oc->why, "%s", le.msg);
        else
            timeout_why(L, oc, io_now_ns());
    }
    oc->t_end = L->t_end ? L->t_end : io_now_ns();
    /* A hung or interrupted instance is not waited for: stop() kills it. */
    if (r >= 0 && o->env->wait(o->state, inst, &code, &le) < 0) {
        oc->interrupted = le.code == VB_EINTR;
        if (!strcmp(oc->status, "ok")) {
            oc->status = oc->interrupted ? "interrupted" : "fail";
            snprintf(oc->why, sizeof oc->why, "%s", le.msg);
        }
    }
    o->env->stop(o->state, inst);
    oc->t_stop = io_now_ns();
    if (!strcmp(oc->status, "ok"))
        judge(o, L, inst, code, oc);
    /* Only a clean launch teaches how long this work takes: a quick
     * failure must not shorten the next launches' deadlines. */
    if (!strcmp(oc->status, "ok") && L->t_expect && L->t_end - L->t_expect > *o->learned)
        *o->learned = L->t_end - L->t_expect;
}

/* The rows of one measured launch. 0, or -1 when raw.csv cannot be written. */
static int record(const struct one *o, const struct launch_log *L, const struct env_inst *inst,
                  const struct outcome *oc, struct vb_err *e)
{
    const char *st = oc->status, *note = oc->why[0] ? oc->why : L->checks, *p = L->params;
    /* A failure always gets its own row, so it is visible even when the
     * workload printed no values. */
    if (strcmp(st, "ok") != 0 && row(o, p, "run", "", "", 0, 0, st, note, e) < 0)
        return -1;
    if (oc->launch_failed)
        return 0;
    for (int i = 0; i < L->nm; i++)
        if (row(o, p, L->m[i].name, L->m[i].unit, L->m[i].dir, L->m[i].value, 1, st, note, e) < 0)
            return -1;
    for (int i = 0; i < inst->nextra; i++) {
        const struct env_metric *x = &inst->extra[i];
        if (row(o, p, x->name, x->unit, x->dir, x->value, 1, st, note, e) < 0)
            return -1;
    }
    if (L->boot_uptime_ms > 0 && row(o, p, "guest_boot_ms", "ms", "lower", L->boot_uptime_ms, 1, st, note, e) < 0)
        return -1;
    if (L->boot_modules_ms > 0 &&
        row(o, p, "guest_modules_ms", "ms", "lower", L->boot_modules_ms, 1, st, note, e) < 0)
        return -1;
    /* Start-up phases, measured from outside on the harness's clock. */
    const struct wl_meta *w = wl_meta_find(o->wl->name);
    if (!w || !(w->flags & WLM_PHASES) || !L->t_ready)
        return 0;
    const struct { const char *n; double v; } ph[] = {
        { "launch_ms", ms(oc->t0, oc->t1) },
        { "ready_ms", ms(oc->t0, L->t_ready) },
        { "exit_ms", ms(oc->t0, oc->t_end) },
        { "teardown_ms", ms(oc->t_end, oc->t_stop) },
        { "total_ms", ms(oc->t0, oc->t_stop) },
    };
    for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++)
        if (row(o, p, ph[i].n, "ms", "lower", ph[i].v, 1, st, note, e) < 0)
            return -1;
    return 0;
}

/* How a launch or repetition ended: 1 ok, 0 failed (said on stderr), -1
 * interrupted (e). */
static int outcome_of(const struct one *o, const char *status, const char *why, int interrupted, struct vb_err *e)
{
    if (interrupted)
        return vb_errf(e, VB_EINTR, "interrupted");
    if (!strcmp(status, "ok"))
        return 1;
    fprintf(stderr, "vcbench: %s%s%s/%s rep %d: %s: %s\n", o->env->name, *o->slot->arm ? "@" : "", o->slot->arm,
            o->wl->name, o->rep, status, why);
    return 0;
}

static int seq_next(void *arg)
{
    int *s = arg;
    return (*s)++;
}

struct runner {
    const struct run_spec *s;
    void *state[RUN_MAX_SLOTS];
    int prepared;
    struct checkbook checks;
    uint64_t learned[RUN_MAX_SLOTS][RUN_MAX_WLS];
    int seq;                   /* launches so far: seq numbers go on across passes */
    int subseq;                /* the instances of host-measured workloads, numbered apart */
    int held_warm[RUN_MAX_SLOTS];
};

/* Another environment of the same arm, prepared (hostwl_ctx.peer). */
static int peer_find(void *arg, const char *env, const struct env_ops **ops, void **state)
{
    const struct one *o = arg;
    const struct run_spec *s = o->s;
    for (int i = 0; i < s->nslot && i < o->r->prepared; i++)
        if (!strcmp(s->slots[i].env->name, env) && !strcmp(s->slots[i].arm, o->slot->arm)) {
            *ops = s->slots[i].env;
            *state = o->r->state[i];
            return 0;
        }
    return -1;
}

/* One repetition of a workload measured from the host (run/hostwl.h),
 * recorded like a launch: a failure row when it failed, its metrics. Its
 * warm-up is one instance started and stopped (held_warmup), the first
 * such warm-up of the environment only. */
static int run_host(const struct one *o, const struct hostwl *hw, struct vb_err *e)
{
    /* Every host-measured workload warms up the same way - one idle
     * instance started and stopped - so once per environment is enough. */
    if (o->rep == 0 && *o->held_warm)
        return 1;
    if (o->rep == 0)
        *o->held_warm = 1;
    struct hostwl_out *out = calloc(1, sizeof *out);
    if (!out)
        return vb_errf(e, VB_EFAIL, "out of memory");
    snprintf(out->status, sizeof out->status, "ok");
    struct hostwl_ctx c = { .env = o->env, .state = o->state, .cfg = o->slot->cfg, .argc = o->wl->argc,
                            .argv = o->wl->argv, .seq = seq_next, .seq_arg = o->subseq, .aux = o->slot->aux,
                            .naux = o->slot->naux, .disk = o->s->disk, .disk2 = o->s->disk2, .peer = peer_find,
                            .peer_arg = (void *)o, .rep = o->rep };
    int rc = o->rep == 0 ? held_warmup(&c, out) : hw->run(&c, out, e);
    const char *st = out->status, *note = out->note, *p = out->params;
    if (rc == 0 && o->rep > 0) {
        if (strcmp(st, "ok") != 0 && row(o, p, "run", "", "", 0, 0, st, note, e) < 0)
            rc = -1;
        for (int i = 0; rc == 0 && i < out->nm; i++)
            if (row(o, p, out->m[i].name, out->m[i].unit, out->m[i].dir, out->m[i].value, 1, st, note, e) < 0)
                rc = -1;
    }
    if (rc == 0)
        rc = outcome_of(o, st, note, out->interrupted, e);
    free(out);
    return rc;
}

/* Launch once and record. Returns 1 ok, 0 failed (recorded), -1 on an error
 * that stops the run (cannot write results, interrupted). */
static int run_one(const struct one *o, struct vb_err *e)
{
    const struct hostwl *hw = hostwl_find(o->wl->name);
    if (hw)
        return run_host(o, hw, e);
    /* The audit observes facts, not times: nothing to warm up. */
    const struct wl_meta *w = wl_meta_find(o->wl->name);
    if (o->rep == 0 && w && (w->flags & WLM_AUDIT))
        return 1;
    struct launch_log *L = calloc(1, sizeof *L);
    if (!L)
        return vb_errf(e, VB_EFAIL, "out of memory");
    struct env_inst inst = { .fd = -1 };
    struct outcome oc = { 0 };
    launch_once(o, &inst, L, &oc);
    /* Warm-ups (rep 0) are measured, never recorded. */
    int rc = o->rep == 0 ? 0 : record(o, L, &inst, &oc, e);
    free(L);
    if (rc < 0)
        return -1;
    return outcome_of(o, oc.status, oc.why, oc.interrupted, e);
}

static void progress(const struct run_spec *s, int done, int total, uint64_t t_start,
                     const struct plan_item *it, const int *slot_of)
{
    if (!s->progress)
        return;
    const struct run_slot *sl = &s->slots[slot_of[it->env]];
    double el = (double)(io_now_ns() - t_start) / 1e9;
    double eta = done ? el / done * (total - done) : 0;
    fprintf(stderr, "\r\033[K[%d/%d] %s%s%s %s %s  elapsed %dm%02ds  eta %dm%02ds", done + 1, total, sl->env->name,
            *sl->arm ? "@" : "", sl->arm, sl->wls[it->workload].name, it->rep ? "" : "(warm-up)", (int)el / 60,
            (int)el % 60, (int)eta / 60, (int)eta % 60);
    fflush(stderr);
}

void runner_end(struct runner *r)
{
    if (!r)
        return;
    /* Reverse order of acquisition; teardown is NULL-safe. */
    for (int i = r->prepared - 1; i >= 0; i--)
        r->s->slots[i].env->teardown(r->state[i]);
    checkbook_free(&r->checks);
    free(r);
}

int runner_start(const struct run_spec *s, struct runner **out, struct run_totals *t, struct vb_err *e)
{
    memset(t, 0, sizeof *t);
    struct runner *r = calloc(1, sizeof *r);
    if (!r)
        return vb_errf(e, VB_EFAIL, "out of memory");
    r->s = s;
    /* Far from the plan's numbers, which name guests and cgroups too. */
    r->subseq = 1000000;
    for (; r->prepared < s->nslot; r->prepared++) {
        const struct run_slot *sl = &s->slots[r->prepared];
        uint64_t a = io_now_ns();
        if (sl->env->prepare(sl->cfg, &r->state[r->prepared], e) < 0) {
            r->prepared++;                 /* a failed prepare is torn down too (NULL-safe) */
            runner_end(r);
            return -1;
        }
        t->connect_ms[r->prepared] = ms(a, io_now_ns());
        if (sl->env->describe)
            sl->env->describe(r->state[r->prepared], t->about[r->prepared], sizeof t->about[0]);
    }
    *out = r;
    return 0;
}

/* The plan of a pass over the wanted (slot, workload) pairs: plan_build
 * over a compact list of the slots that take part, mapped back. */
static int pass_plan(const struct run_spec *s, const struct run_pass *p, int slot_of[RUN_MAX_SLOTS],
                     struct plan_item **items, int *n)
{
    int k = 0;
    for (int i = 0; i < s->nslot; i++) {
        int any = !p->want;
        for (int w = 0; p->want && w < s->nwl; w++)
            any |= p->want[i][w];
        if (any)
            slot_of[k++] = i;
    }
    if (plan_build(k, s->nwl, p->runs, p->warmup, p->seed, items, n) < 0)
        return -1;
    /* Drop the pairs the pass does not want (plan_build makes the full
     * slots x workloads matrix, each round shuffled), and in the first
     * pass the repetitions past a workload's own count. */
    int m = 0;
    for (int i = 0; i < *n; i++) {
        const struct plan_item *it = &(*items)[i];
        int own = s->slots[slot_of[it->env]].wls[it->workload].runs;
        if (p->want && !p->want[slot_of[it->env]][it->workload])
            continue;
        if (p->rep_base == 0 && own > 0 && it->rep > own)
            continue;
        (*items)[m++] = *it;
    }
    *n = m;
    return 0;
}

/* The plan actually run, for order.csv (header once, before the first pass). */
static void order_write(const struct runner *r, const struct plan_item *items, int n, const int *slot_of,
                        const struct run_pass *p)
{
    const struct run_spec *s = r->s;
    if (!s->order)
        return;
    if (r->seq == 0)
        fprintf(s->order, "seq,env,workload,rep,arm\n");
    for (int i = 0; i < n; i++) {
        const struct run_slot *sl = &s->slots[slot_of[items[i].env]];
        fprintf(s->order, "%d,%s,%s,%d,%s\n", r->seq + i, sl->env->name, sl->wls[items[i].workload].name,
                items[i].rep ? items[i].rep + p->rep_base : 0, sl->arm);
    }
    fflush(s->order);
}

int runner_pass(struct runner *r, const struct run_pass *p, struct run_totals *t, struct vb_err *e)
{
    const struct run_spec *s = r->s;
    struct plan_item *items = NULL;
    int slot_of[RUN_MAX_SLOTS], n = 0, rc = 0;
    if (pass_plan(s, p, slot_of, &items, &n) < 0)
        return vb_errf(e, VB_EFAIL, "out of memory");
    order_write(r, items, n, slot_of, p);
    uint64_t t_start = io_now_ns();
    for (int i = 0; i < n; i++) {
        if (sig_stop) {
            t->skipped_after_signal += n - i;
            rc = vb_errf(e, VB_EINTR, "interrupted: %d launches not run; finished rows are kept", n - i);
            break;
        }
        progress(s, i, n, t_start, &items[i], slot_of);
        int si = slot_of[items[i].env];
        const struct run_slot *sl = &s->slots[si];
        struct one o = { .s = s, .checks = &r->checks, .learned = &r->learned[si][items[i].workload], .slot = sl,
                         .env = sl->env, .state = r->state[si], .wl = &sl->wls[items[i].workload],
                         .rep = items[i].rep ? items[i].rep + p->rep_base : 0, .seq = r->seq + i,
                         .subseq = &r->subseq, .r = r, .held_warm = &r->held_warm[si] };
        int x = run_one(&o, e);
        if (x < 0) {
            t->skipped_after_signal += n - i - 1;
            rc = -1;
            break;
        }
        if (items[i].rep)
            x ? t->ok++ : t->failed++;
    }
    r->seq += n;
    if (s->progress)
        fprintf(stderr, "\r\033[K");
    free(items);
    return rc;
}

int runner_run(const struct run_spec *s, struct run_totals *t, struct vb_err *e)
{
    struct runner *r;
    if (runner_start(s, &r, t, e) < 0)
        return -1;
    struct run_pass p = { .runs = s->runs, .warmup = s->warmup, .seed = s->seed };
    int rc = runner_pass(r, &p, t, e);
    runner_end(r);
    return rc;
}
