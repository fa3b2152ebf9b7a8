/* neighbour: noisy neighbours, measured. A victim workload (cpu, mem, disk
 * or startup, with the options the run gives it) runs on the workload CPUs
 * alone and beside an antagonist (wl's noise-* workloads, common/noise.h)
 * - a second instance of the same environment, or of another one of the
 * run - on the neighbour CPUs hwloc chose (or, --same-cpus 1, on the
 * victim's own: the self-check that the mechanism can show interference).
 *
 * One cell is (victim, antagonist, duty, environment of the antagonist),
 * measured ABBA so drift over the cell cancels: victim alone, antagonist
 * started and measured alone for --calib-ms, victim twice beside it,
 * antagonist stopped, victim alone (--pairs 1: AB in odd repetitions, BA
 * in even ones, half the launches). Per cell it records the victim's
 * metrics alone and beside (the mean of each pair), the slowdown factor
 * of each metric (>1 = worse, whichever way the metric points), and the
 * antagonist's achieved rate alone and while the victim ran - without it
 * "well isolated" cannot be told from "the antagonist was too slow to
 * hurt". Metric names: hostwl_nb_name (hostwl.h). */
#include "run/hostwl.h"
#include "run/held.h"
#include "common/io.h"
#include "common/noise.h"
#include "common/proto.h"
#include "common/units.h"
#include "common/wlmeta.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nb_opts {
    long same, calib_ms, pairs;
    const char *victims, *antagonists, *duties, *from;
};

static int valid_victim(const char *s)
{
    const struct wl_meta *w = wl_meta_find(s);
    return w && !(w->flags & (WLM_HOST | WLM_NOISE | WLM_AUDIT)) && strcmp(s, "hold") != 0;
}

static int valid_antagonist(const char *s)
{
    return noise_rank(s) >= 0;
}

static int valid_duty(const char *s)
{
    long v;
    return units_parse_long(s, 1, 100, &v) == 0;
}

static int valid_from(const char *s)
{
    return !strcmp(s, "same") || env_find(s) != NULL;
}

static int nb_table(void *opts, struct hostwl_opt *t)
{
    struct nb_opts *o = opts;
    t[0] = (struct hostwl_opt){ .name = "victims", .list = &o->victims, .ldef = "cpu", .valid = valid_victim,
                                .choices = "cpu, mem, disk, startup", .help = "workloads measured alone and beside" };
    t[1] = (struct hostwl_opt){ .name = "antagonists", .list = &o->antagonists, .ldef = "bw",
                                .valid = valid_antagonist, .choices = "spin, llc, bw, alloc, io, fork",
                                .help = "the neighbours (wl's noise-* workloads)" };
    t[2] = (struct hostwl_opt){ .name = "duties", .list = &o->duties, .ldef = "100", .valid = valid_duty,
                                .choices = "1..100", .help = "antagonist intensities: % of each 10 ms it works" };
    t[3] = (struct hostwl_opt){ .name = "from", .list = &o->from, .ldef = "same", .valid = valid_from,
                                .choices = "same, or an environment of the run",
                                .help = "where the antagonist runs: the victim's environment or another" };
    t[4] = (struct hostwl_opt){ .name = "same-cpus", .dst = &o->same, .def = 0, .min = 0, .max = 1,
                                .help = "1: the antagonist on the victim's own CPUs (a self-check)" };
    t[5] = (struct hostwl_opt){ .name = "calib-ms", .dst = &o->calib_ms, .def = 300, .min = 100, .max = 60000,
                                .help = "how long the antagonist's rate alone is measured" };
    t[6] = (struct hostwl_opt){ .name = "pairs", .dst = &o->pairs, .def = 2, .min = 1, .max = 2,
                                .help = "2: ABBA in every repetition; 1: AB, then BA in the next (half the launches)" };
    return 7;
}

/* The latest tick of an antagonist's stream. */
struct ticks {
    double work;
    uint64_t ns;
    int n, ready, ended;
    char unit[16], error[160];
};

static int on_tick(void *arg, const char *line, uint64_t t)
{
    (void)t;
    struct ticks *k = arg;
    struct proto_line pl;
    if (proto_parse(line, &pl) != 1)
        return 0;
    const char *v;
    if (!strcmp(pl.kind, "tick") && (v = proto_get(&pl, "work")) && proto_get(&pl, "ns")) {
        k->work = strtod(v, NULL);
        k->ns = strtoull(proto_get(&pl, "ns"), NULL, 10);
        k->n++;
    } else if (!strcmp(pl.kind, "param") && (v = proto_get(&pl, "rate_unit"))) {
        snprintf(k->unit, sizeof k->unit, "%s", v);
    } else if (!strcmp(pl.kind, "ready")) {
        k->ready = 1;
        return 1;
    } else if (!strcmp(pl.kind, "error") && (v = proto_get(&pl, "msg"))) {
        snprintf(k->error, sizeof k->error, "%s", v);
    } else if (!strcmp(pl.kind, "end")) {
        k->ended = 1;
        return 1;
    }
    return 0;
}

/* What one victim launch reported. */
#define NB_MAX_M 24
struct vrun {
    int nm, ended, ok;
    char name[NB_MAX_M][48], unit[NB_MAX_M][16], dir[NB_MAX_M][8];
    double v[NB_MAX_M];
    char error[200];
    uint64_t *deadline;
    double slowdown;
    int fixed;                 /* --timeout: the deadline does not move */
    uint64_t t_ready;
};

static int on_victim(void *arg, const char *line, uint64_t t)
{
    struct vrun *r = arg;
    struct proto_line pl;
    if (proto_parse(line, &pl) != 1)
        return 0;
    const char *v;
    if (!strcmp(pl.kind, "metric") && r->nm < NB_MAX_M && proto_get(&pl, "name") && (v = proto_get(&pl, "value"))) {
        snprintf(r->name[r->nm], sizeof r->name[0], "%s", proto_get(&pl, "name"));
        snprintf(r->unit[r->nm], sizeof r->unit[0], "%s", proto_get(&pl, "unit") ? proto_get(&pl, "unit") : "");
        snprintf(r->dir[r->nm], sizeof r->dir[0], "%s", proto_get(&pl, "dir") ? proto_get(&pl, "dir") : "lower");
        r->v[r->nm++] = strtod(v, NULL);
    } else if (!strcmp(pl.kind, "expect") && (v = proto_get(&pl, "ms")) && !r->fixed) {
        /* From here the work's own estimate bounds the launch, as in the
         * runner: 5x the environment's slowdown, and 30 s of slack (a
         * flat --timeout stays flat). Nonsense estimates count as a day. */
        const char *f = proto_get(&pl, "fixed_ms");
        double ms = strtod(v, NULL) * r->slowdown + (f ? strtod(f, NULL) : 0);
        if (!(ms >= 0) || ms > 86400e3)
            ms = 86400e3;
        *r->deadline = t + (uint64_t)((ms * 5 + 30000) * 1e6);
    } else if (!strcmp(pl.kind, "ready")) {
        r->t_ready = t;
    } else if (!strcmp(pl.kind, "error") && (v = proto_get(&pl, "msg"))) {
        snprintf(r->error, sizeof r->error, "%s", v);
    } else if (!strcmp(pl.kind, "end")) {
        r->ended = 1;
        r->ok = (v = proto_get(&pl, "status")) && !strcmp(v, "ok");
        return 1;
    }
    return 0;
}

static const struct run_workload *aux_find(const struct hostwl_ctx *c, const char *name)
{
    for (int i = 0; i < c->naux; i++)
        if (!strcmp(c->aux[i].name, name))
            return &c->aux[i];
    return NULL;
}

/* The antagonist now running beside the victim, or none. */
struct ant {
    const struct env_ops *env;
    void *state;
    struct env_inst inst;
    int launched;
    struct ticks k;
};

/* One launch of the victim, reading the antagonist's ticks meanwhile
 * (they fill a stream that would otherwise block it). With a as the
 * antagonist, *rate is its rate over the victim's run. 0, or -1 with e
 * (VB_EINTR on Ctrl-C). */
static int victim_run(const struct hostwl_ctx *c, const struct run_workload *w, struct ant *a, struct vrun *r,
                      double *rate, struct vb_err *e)
{
    const struct wl_meta *m = wl_meta_find(w->name);
    struct env_job job = { .workload = w->name, .argc = w->argc, .argv = w->argv, .seq = c->seq(c->seq_arg),
                           .disk = m && (m->flags & WLM_DISK) ? c->disk : NULL };
    struct env_budget b;
    env_budget_get(c->env, c->cfg, &b);
    struct env_inst inst = { .fd = -1 };
    uint64_t deadline = io_now_ns() + (uint64_t)((c->cfg->timeout_s > 0 ? (double)c->cfg->timeout_s : b.start_s) * 1e9);
    memset(r, 0, sizeof *r);
    r->deadline = &deadline;
    r->slowdown = b.slowdown;
    r->fixed = c->cfg->timeout_s > 0;
    double w0 = a ? a->k.work : 0;
    uint64_t n0 = a ? a->k.ns : 0, t0 = io_now_ns();
    int rc = -1, status = -1;
    if (c->env->launch(c->state, &job, &inst, e) < 0)
        goto out;
    int x = io_read_lines2(inst.fd, on_victim, r, a ? a->inst.fd : -1, on_tick, a ? &a->k : NULL, &deadline, e);
    if (x < 0)
        goto out;
    if (c->env->wait(c->state, &inst, &status, e) < 0)
        goto out;
    if (!r->ended || !r->ok || status != 0) {
        vb_errf(e, VB_EFAIL, "%s: %s", w->name, r->error[0] ? r->error : "the workload failed");
        goto out;
    }
    if (a && rate)
        *rate = noise_rate(w0, n0, a->k.work, a->k.ns);
    /* Beside an antagonist that has died the victim ran alone: not a
     * measurement of interference. What is left on its stream says. */
    if (a && (a->k.ended || io_read_for(a->inst.fd, io_now_ns() + 1000000ull, on_tick, &a->k, e) == 1 ||
              a->k.ended)) {
        vb_errf(e, VB_EFAIL, "the antagonist ended while %s ran beside it%s%s", w->name,
                a->k.error[0] ? ": " : "", a->k.error);
        goto out;
    }
    rc = 0;
out:
    c->env->stop(c->state, &inst);
    /* A start-up victim's figures are the harness's, as in the runner:
     * launch call to ready, and to everything torn down. */
    if (rc == 0 && m && (m->flags & WLM_PHASES) && r->t_ready && r->nm + 2 <= NB_MAX_M) {
        const char *names[2] = { "ready_ms", "total_ms" };
        double v[2] = { (double)(r->t_ready - t0) / 1e6, (double)(io_now_ns() - t0) / 1e6 };
        for (int i = 0; i < 2; i++) {
            snprintf(r->name[r->nm], sizeof r->name[0], "%s", names[i]);
            snprintf(r->unit[r->nm], sizeof r->unit[0], "ms");
            snprintf(r->dir[r->nm], sizeof r->dir[0], "lower");
            r->v[r->nm++] = v[i];
        }
    }
    return rc;
}

/* Read the antagonist's stream for up to 100 ms. 1 to go on; 0 with e on
 * Ctrl-C, its end, or no tick by limit. */
static int read_some(int fd, struct ticks *k, uint64_t limit, const char *wl, struct vb_err *e)
{
    if (io_now_ns() > limit)
        return vb_errf(e, VB_EFAIL, "%s stopped ticking", wl), 0;
    int x = io_read_for(fd, io_now_ns() + 100000000ull, on_tick, k, e);
    if (x < 0)
        return 0;
    if (x != 2 || k->ended)
        return vb_errf(e, VB_EFAIL, "%s ended%s%s", wl, k->error[0] ? ": " : "", k->error), 0;
    return 1;
}

static void ant_stop(struct ant *a)
{
    if (a->launched)
        a->env->stop(a->state, &a->inst);
    a->launched = 0;
}

/* Start the antagonist and measure its rate alone over calib_ms. */
static int ant_start(const struct hostwl_ctx *c, struct ant *a, const char *name, const char *duty, int same,
                     long calib_ms, double *rate_alone, struct vb_err *e)
{
    char wl[32];
    snprintf(wl, sizeof wl, "noise-%s", name);
    const struct run_workload *w = aux_find(c, wl);
    if (!w)
        return vb_errf(e, VB_EFAIL, "no options for %s (the run did not prepare it)", wl);
    /* Its options, then a duty and "until stopped". */
    char *argv[w->argc + 5];
    int n = 0;
    for (int i = 0; i < w->argc; i++)
        argv[n++] = w->argv[i];
    char k1[] = "--duty", k2[] = "--seconds", zero[] = "0", d[8];
    snprintf(d, sizeof d, "%s", duty);
    argv[n++] = k1;
    argv[n++] = d;
    argv[n++] = k2;
    argv[n++] = zero;
    argv[n] = NULL;
    const struct wl_meta *m = wl_meta_find(wl);
    struct env_job job = { .workload = wl, .argc = n, .argv = argv, .seq = c->seq(c->seq_arg),
                           .disk = m && (m->flags & WLM_DISK) ? c->disk2 : NULL,
                           .cpus = same ? c->cfg->pin.work : c->cfg->pin.neighbour };
    if (job.disk == NULL && m && (m->flags & WLM_DISK))
        return vb_errf(e, VB_EFAIL, "%s needs a disk file of its own and the run has none", wl);
    memset(&a->inst, 0, sizeof a->inst);
    memset(&a->k, 0, sizeof a->k);
    a->inst.fd = -1;
    a->launched = 1;
    struct env_budget b;
    env_budget_get(a->env, c->cfg, &b);
    uint64_t deadline = io_now_ns() + (uint64_t)((c->cfg->timeout_s > 0 ? (double)c->cfg->timeout_s : b.start_s) * 1e9);
    if (a->env->launch(a->state, &job, &a->inst, e) < 0)
        return -1;
    if (io_read_lines(a->inst.fd, &deadline, on_tick, &a->k, e) < 0)
        return -1;
    if (!a->k.ready)
        return vb_errf(e, VB_EFAIL, "%s ended before it was ready%s%s", wl, a->k.error[0] ? ": " : "", a->k.error);
    /* Its first tick (calibration done), then calib_ms of ticks, then the
     * next tick: the rate over whole ticks. */
    struct ticks *k = &a->k;
    uint64_t limit = io_now_ns() + (uint64_t)((b.start_s + 5.0) * 1e9);
    while (k->n < 1)
        if (!read_some(a->inst.fd, k, limit, wl, e))
            return -1;
    double w0 = k->work;
    uint64_t n0 = k->ns, until = io_now_ns() + (uint64_t)calib_ms * 1000000ull;
    limit = until + (uint64_t)((b.start_s + 5.0) * 1e9);
    while (io_now_ns() < until || k->ns == n0)
        if (!read_some(a->inst.fd, k, limit, wl, e))
            return -1;
    *rate_alone = noise_rate(w0, n0, k->work, k->ns);
    return 0;
}

/* The victim's metrics a cell keeps: its headline ones and its p99
 * latencies (the tail a neighbour inflates first); a matrix of every
 * metric would not fit a repetition's rows. */
static int nb_kept(const struct wl_meta *w, const char *metric)
{
    for (int i = 0; w && i < 3 && w->headline[i]; i++)
        if (!strcmp(w->headline[i], metric))
            return 1;
    size_t n = strlen(metric);
    return n > 4 && !strcmp(metric + n - 4, "_p99");
}

/* The mean of a metric's values in two runs (NAN when either lacks it). */
static double pair_mean(const struct vrun *a, const struct vrun *b, const char *name)
{
    double x = NAN, y = NAN;
    for (int i = 0; i < a->nm; i++)
        if (!strcmp(a->name[i], name))
            x = a->v[i];
    for (int i = 0; i < b->nm; i++)
        if (!strcmp(b->name[i], name))
            y = b->v[i];
    return (x + y) / 2;
}

/* One cell: ABBA around the antagonist. 0 (a failure is in o), -1 on
 * Ctrl-C or an error the run must stop for. */
static int nb_cell(const struct hostwl_ctx *c, const struct nb_opts *opt, const char *victim, const char *name,
                   const char *duty, const char *from, struct hostwl_out *o, struct vb_err *e)
{
    const struct run_workload *w = aux_find(c, victim);
    if (!w)
        return vb_errf(e, VB_EFAIL, "no options for victim %s (the run did not prepare it)", victim);
    struct ant a = { .env = c->env, .state = c->state, .inst = { .fd = -1 } };
    if (strcmp(from, "same") != 0 && (!c->peer || c->peer(c->peer_arg, from, &a.env, &a.state) < 0)) {
        hostwl_fail(o, "fail", "neighbour: --from %s: that environment is not in this run; add it to --envs", from);
        return 0;
    }
    char cond[40];
    hostwl_nb_cond(cond, sizeof cond, name, duty, strcmp(from, "same") ? from : NULL);
    struct vrun *r = calloc(4, sizeof *r);
    if (!r)
        return vb_errf(e, VB_EFAIL, "out of memory");
    double rate_alone = -1, rate[2] = { -1, -1 };
    struct vb_err le = { 0 };
    int ok;
    if (opt->pairs == 2) {
        /* ABBA: alone, beside, beside, alone. */
        ok = victim_run(c, w, NULL, &r[0], NULL, &le) == 0 &&
             ant_start(c, &a, name, duty, (int)opt->same, opt->calib_ms, &rate_alone, &le) == 0 &&
             victim_run(c, w, &a, &r[1], &rate[0], &le) == 0 && victim_run(c, w, &a, &r[2], &rate[1], &le) == 0;
        ant_stop(&a);
        ok = ok && victim_run(c, w, NULL, &r[3], NULL, &le) == 0;
    } else if (c->rep % 2) {
        /* AB in odd repetitions, BA in even ones: drift cancels over two. */
        ok = victim_run(c, w, NULL, &r[0], NULL, &le) == 0 &&
             ant_start(c, &a, name, duty, (int)opt->same, opt->calib_ms, &rate_alone, &le) == 0 &&
             victim_run(c, w, &a, &r[1], &rate[0], &le) == 0;
        ant_stop(&a);
    } else {
        ok = ant_start(c, &a, name, duty, (int)opt->same, opt->calib_ms, &rate_alone, &le) == 0 &&
             victim_run(c, w, &a, &r[1], &rate[0], &le) == 0;
        ant_stop(&a);
        ok = ok && victim_run(c, w, NULL, &r[0], NULL, &le) == 0;
    }
    if (opt->pairs == 1) {
        r[3] = r[0];
        r[2] = r[1];
        rate[1] = rate[0];
    }
    if (!ok) {
        o->interrupted = le.code == VB_EINTR;
        hostwl_fail(o, o->interrupted ? "interrupted" : "fail", "%s beside %s: %s", victim, cond, le.msg);
        free(r);
        return 0;
    }
    char mname[48];
    const struct wl_meta *vm = wl_meta_find(victim);
    /* Three rows per kept metric and two rates: a matrix larger than a
     * repetition's rows is refused, not cut short without a word. */
    if (o->nm + 3 * r[0].nm + 2 > HOSTWL_MAX_METRICS) {
        hostwl_fail(o, "fail", "neighbour: the matrix needs more than the %d rows one repetition holds; "
                    "split victims or antagonists over several runs", HOSTWL_MAX_METRICS);
        free(r);
        return 0;
    }
    for (int i = 0; i < r[0].nm; i++) {
        const char *m = r[0].name[i];
        if (!nb_kept(vm, m))
            continue;
        double alone = pair_mean(&r[0], &r[3], m), with = pair_mean(&r[1], &r[2], m);
        if (isnan(alone) || isnan(with))
            continue;
        int higher = !strcmp(r[0].dir[i], "higher");
        hostwl_nb_name(mname, sizeof mname, 'v', victim, m, "alone");
        hostwl_metric(o, mname, r[0].unit[i], r[0].dir[i], alone);
        hostwl_nb_name(mname, sizeof mname, 'v', victim, m, cond);
        hostwl_metric(o, mname, r[0].unit[i], r[0].dir[i], with);
        /* A zero reading (e.g. a count) has no ratio. */
        if (alone > 0 && with > 0) {
            hostwl_nb_name(mname, sizeof mname, 'x', victim, m, cond);
            hostwl_metric(o, mname, "x", "lower", higher ? alone / with : with / alone);
        }
    }
    const char *unit = a.k.unit[0] ? a.k.unit : "work/s";
    if (rate_alone > 0) {
        hostwl_nb_name(mname, sizeof mname, 'a', "alone", NULL, cond);
        hostwl_metric(o, mname, unit, "higher", rate_alone);
    }
    if (rate[0] > 0 && rate[1] > 0) {
        hostwl_nb_name(mname, sizeof mname, 'a', victim, NULL, cond);
        hostwl_metric(o, mname, unit, "higher", (rate[0] + rate[1]) / 2);
    }
    free(r);
    return 0;
}

static int nb_run(const struct hostwl_ctx *c, struct hostwl_out *o, struct vb_err *e)
{
    struct nb_opts opt;
    if (hostwl_args(&hostwl_neighbour, c, &opt, o, e) < 0)
        return -1;
    char victim[32], name[32], duty[8], from[32], item[64];
    for (const char *v = opt.victims; (v = hostwl_list_next(v, victim, sizeof victim));)
        for (const char *f = opt.from; (f = hostwl_list_next(f, from, sizeof from));)
            for (const char *n = opt.antagonists; (n = hostwl_list_next(n, name, sizeof name));)
                for (const char *d = opt.duties; (d = hostwl_list_next(d, item, sizeof item));) {
                    /* "050" and "50" are one intensity, with one name. */
                    long pct = 100;
                    units_parse_long(item, 1, 100, &pct);
                    snprintf(duty, sizeof duty, "%ld", pct);
                    if (nb_cell(c, &opt, victim, name, duty, from, o, e) < 0)
                        return -1;
                    if (strcmp(o->status, "ok") != 0)
                        return 0;
                }
    return 0;
}

const struct hostwl hostwl_neighbour = { "neighbour", nb_table, nb_run };
