/* density: how many instances fit, and what the N-th costs. One
 * repetition is one sweep: launch idle instances (wl hold) of the
 * environment one after another, each pinned to the run's workload CPUs
 * with the run's memory limit (on a host with few CPUs they share them),
 * and keep them all alive; at N = 1, 2, 4, ... and at --max, let them
 * settle and measure what all N cost together. The sweep stops at --max,
 * when MemAvailable would fall below --floor-mib with one more instance,
 * or when a launch fails (why is in the rows' note); then every instance
 * is stopped in reverse order, timed. */
#include "run/held.h"
#include "common/io.h"
#include "common/sig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options (their struct is an array of longs for hostwl_check). */
enum { DS_MAX, DS_FLOOR, DS_SETTLE, DS_WINDOW, DS_NOPT };

/* The most instances a sweep may keep: every launch's latency is a row,
 * and a repetition's rows are bounded (HOSTWL_MAX_METRICS). */
#define DS_MAX_N 128
/* ready_ms at every N, five figures at each measured point (the powers of
 * two, --max, an early stop), teardown and reached_n. */
_Static_assert(DS_MAX_N + 5 * 9 + 2 <= HOSTWL_MAX_METRICS, "a sweep's rows must fit a repetition's");

/* How long after the last instance is gone MemAvailable is read again. */
#define DS_AFTER_MS 250.0

static int ds_table(void *opts, struct hostwl_opt *t)
{
    long *o = opts;
    t[DS_MAX] = (struct hostwl_opt){ .name = "max", .dst = &o[DS_MAX], .def = 8, .min = 1, .max = DS_MAX_N,
      .help = "most instances alive at once" };
    t[DS_FLOOR] = (struct hostwl_opt){ .name = "floor-mib", .dst = &o[DS_FLOOR], .def = 2048, .min = 0, .max = 1 << 30,
      .help = "stop before MemAvailable would fall below this" };
    t[DS_SETTLE] = (struct hostwl_opt){ .name = "settle-ms", .dst = &o[DS_SETTLE], .def = 1000, .min = 0, .max = 600000,
      .help = "wait at each measured N before measuring" };
    t[DS_WINDOW] = (struct hostwl_opt){ .name = "window-ms", .dst = &o[DS_WINDOW], .def = 1000, .min = 100, .max = 600000,
      .help = "window over which idle CPU time is measured" };
    return DS_NOPT;
}

int density_stop_rule(int k, int max, double avail_kib, double floor_kib, double per_inst_kib)
{
    if (k > max)
        return DENSITY_MAX;
    /* One more instance is expected to cost what the ones so far did on
     * average (nothing known before the first). */
    if (avail_kib - (per_inst_kib > 0 ? per_inst_kib : 0) < floor_kib)
        return DENSITY_FLOOR;
    return DENSITY_GO;
}

int density_is_sample(int k, int max)
{
    return k == max || (k > 0 && (k & (k - 1)) == 0);
}


/* One measured point of a sweep: N live instances. */
struct ds_point {
    int k;
    struct held_avail avail;
    struct held_cost cost;
};

/* Measure the k live instances. 0, or -1 with e. */
static int ds_measure(const struct hostwl_ctx *c, const long *opt, struct held *const *live, int k,
                      struct ds_point *pt, struct vb_err *e)
{
    pt->k = k;
    if (held_pause((double)opt[DS_SETTLE]) < 0)
        return vb_errf(e, VB_EINTR, "interrupted");
    if (held_cost(c, live, k, (double)opt[DS_WINDOW], &pt->cost, e) < 0)
        return -1;
    held_avail_read(&pt->avail);
    return 0;
}

/* The rows of the points, once MemAvailable after the sweep is known. */
static void ds_rows(const struct ds_point *pt, int np, const struct held_avail *before,
                    const struct held_avail *after, struct hostwl_out *o)
{
    double prev_drop = 0;
    int prev_k = 0;
    for (int i = 0; i < np; i++) {
        int k = pt[i].k;
        double drop = held_avail_drop(before, &pt[i].avail, after);
        char name[48];
        hostwl_point_name(name, sizeof name, "host_mib", k);
        hostwl_metric(o, name, "MiB", "lower", drop / 1024);
        hostwl_point_name(name, sizeof name, "mib_per_inst", k);
        hostwl_metric(o, name, "MiB", "lower", drop / 1024 / k);
        hostwl_point_name(name, sizeof name, "pss_mib", k);
        hostwl_metric(o, name, "MiB", "lower", pt[i].cost.pss_total / 1024);
        hostwl_point_name(name, sizeof name, "idle_cpu_ms_s", k);
        hostwl_metric(o, name, "ms/s", "lower", pt[i].cost.cpu_ms_s);
        if (prev_k) {
            hostwl_point_name(name, sizeof name, "marginal_mib", k);
            hostwl_metric(o, name, "MiB", "lower", (drop - prev_drop) / 1024 / (k - prev_k));
        }
        prev_k = k;
        prev_drop = drop;
    }
}

#define DS_MAX_POINTS 24

static int ds_run(const struct hostwl_ctx *c, struct hostwl_out *o, struct vb_err *e)
{
    long opt[DS_NOPT];
    if (hostwl_args(&hostwl_density, c, opt, o, e) < 0)
        return -1;
    struct held *hs = calloc((size_t)opt[DS_MAX], sizeof *hs);
    struct held **live = calloc((size_t)opt[DS_MAX], sizeof *live);
    struct ds_point *pt = calloc(DS_MAX_POINTS, sizeof *pt);
    if (!hs || !live || !pt) {
        free(hs);
        free(live);
        free(pt);
        return vb_errf(e, VB_EFAIL, "out of memory");
    }
    struct held_avail before, after;
    held_avail_read(&before);
    int n = 0, np = 0;
    struct vb_err le = { 0 };
    char why[600] = "";
    for (int k = 1; !sig_stop; k++) {
        double avail = (double)usage_mem_available();
        int stop = density_stop_rule(k, (int)opt[DS_MAX], avail, (double)opt[DS_FLOOR] * 1024,
                                     n ? (before.kib - avail) / n : 0);
        if (stop == DENSITY_FLOOR)
            snprintf(why, sizeof why, "stopped at %d: one more would leave MemAvailable below %ld MiB", n,
                     opt[DS_FLOOR]);
        if (stop != DENSITY_GO)
            break;
        live[k - 1] = &hs[k - 1];
        /* A host busy with k-1 instances starts the k-th more slowly. */
        if (held_start(c, k, &hs[k - 1], &le) < 0) {
            held_stop(c, &hs[k - 1]);
            if (le.code != VB_EINTR)
                snprintf(why, sizeof why, "stopped at %d: launch %d failed: %s", n, k, le.msg);
            break;
        }
        n = k;
        char name[48];
        hostwl_point_name(name, sizeof name, "ready_ms", k);
        hostwl_metric(o, name, "ms", "lower", (double)(hs[k - 1].t_ready - hs[k - 1].t0) / 1e6);
        if (density_is_sample(k, (int)opt[DS_MAX]) && np < DS_MAX_POINTS &&
            ds_measure(c, opt, live, k, &pt[np++], &le) < 0) {
            np--;
            break;
        }
    }
    /* Stopped early by a rule: what the instances reached cost, too. */
    struct vb_err pe = { 0 };
    if (why[0] && n && (!np || pt[np - 1].k < n) && np < DS_MAX_POINTS && !sig_stop) {
        if (ds_measure(c, opt, live, n, &pt[np++], &pe) < 0) {
            np--;
            if (pe.code == VB_EINTR)
                le = pe;
            else     /* the sweep's result stands; say what is missing */
                snprintf(why + strlen(why), sizeof why - strlen(why), "; measuring %d failed: %s", n, pe.msg);
        }
    }
    /* Whatever happened, every instance goes, newest first. */
    uint64_t t0 = io_now_ns();
    for (int i = n - 1; i >= 0; i--)
        held_stop(c, &hs[i]);
    double teardown = (double)(io_now_ns() - t0) / 1e6;
    free(hs);
    free(live);
    int rc = 0;
    if (le.code == VB_EINTR || sig_stop) {
        o->interrupted = 1;
        hostwl_fail(o, "interrupted", "interrupted at %d instances", n);
    } else if (n == 0) {
        hostwl_fail(o, "fail", "%s", why[0] ? why : le.msg);
    } else if (le.code && !why[0]) {
        /* A measurement failed (an instance died while idle). */
        hostwl_fail(o, "fail", "at %d instances: %s", n, le.msg);
    } else if (held_pause(DS_AFTER_MS) < 0) {
        o->interrupted = 1;
        hostwl_fail(o, "interrupted", "interrupted");
    } else {
        held_avail_read(&after);
        ds_rows(pt, np, &before, &after, o);
        char name[48];
        hostwl_point_name(name, sizeof name, "teardown_ms", n);
        hostwl_metric(o, name, "ms", "lower", teardown);
        hostwl_metric(o, "reached_n", "", "higher", n);
        snprintf(o->note, sizeof o->note, "%s", why);
    }
    free(pt);
    return rc;
}

const struct hostwl hostwl_density = { "density", ds_table, ds_run };
