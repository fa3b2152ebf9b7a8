/* hostwl.h - workloads measured from the host, around idle instances of
 * wl's `hold` workload, instead of by wl itself:
 *   footprint  what one idle instance costs the host: memory by component
 *              (PSS of its processes, a guest's RAM apart from the VMM,
 *              page tables, its cgroup, the drop in MemAvailable), CPU time
 *              while idle, bytes on disk;
 *   density    N instances alive at once, N = 1, 2, 4, ... up to --max, a
 *              MemAvailable floor or a failed launch: launch latency of the
 *              N-th, memory per instance, idle CPU, teardown time.
 * One repetition is one footprint or one whole sweep, interleaved with the
 * other launches of the plan like any workload. Each workload here is a
 * line in the table (hostwl.c) and an entry of the workload metadata
 * (common/wlmeta.c, flag WLM_HOST). */
#ifndef VB_HOSTWL_H
#define VB_HOSTWL_H

#include "env/env.h"
#include "run/runner.h"

#define HOSTWL_MAX_METRICS 512

struct hostwl_metric {
    char name[48];
    char unit[16];
    char dir[8];
    double value;
};

/* What one repetition measured. */
struct hostwl_out {
    struct hostwl_metric m[HOSTWL_MAX_METRICS];
    int nm;
    char params[256];          /* its options, as raw.csv's params */
    char status[16];           /* "ok", or why the repetition failed */
    char note[512];            /* why (failure), or what it noticed */
    int interrupted;           /* Ctrl-C: the run stops after this */
};

/* Everything a repetition uses; the runner fills it. */
struct hostwl_ctx {
    const struct env_ops *env;
    void *state;
    const struct run_cfg *cfg;
    int argc;
    char **argv;               /* the workload's options */
    int (*seq)(void *arg);     /* a fresh launch number for each instance */
    void *seq_arg;
    /* Workloads it may launch itself, with the run's options for each
     * (the neighbour's victims and antagonists). */
    const struct run_workload *aux;
    int naux;
    const char *disk, *disk2;  /* the run's disk files (NULL when none) */
    /* Another environment of the run, prepared: 0 with its ops and state,
     * -1 when it is not in the run (an antagonist from another env). */
    int (*peer)(void *arg, const char *env, const struct env_ops **ops, void **state);
    void *peer_arg;
    int rep;                   /* the repetition, from 1 */
};

#define HOSTWL_MAX_OPTS 8

/* Options "--name N": whole numbers in a range, stored in dst; or, with
 * list set (dst NULL), "--name a,b,c": a comma list whose every item
 * valid() accepts, stored as given (or ldef). */
struct hostwl_opt {
    const char *name;
    long *dst;
    long def, min, max;
    const char *help;
    const char **list;
    const char *ldef;
    int (*valid)(const char *item);
    const char *choices;       /* for the help: what an item may be */
};

/* Room for any workload's option values (hostwl_check and describe make
 * one; a workload's table casts it to its own options struct). */
#define HOSTWL_OPTS_BYTES 256

struct hostwl {
    const char *name;
    /* Its option table, pointing into opts (an options struct of the
     * workload's own); returns the count. */
    int (*table)(void *opts, struct hostwl_opt *t);
    /* One repetition. 0 (a failure is reported in o->status), or -1 when
     * it cannot run at all. */
    int (*run)(const struct hostwl_ctx *c, struct hostwl_out *o, struct vb_err *e);
};

/* The one for a workload name, or NULL (wl measures it itself). */
const struct hostwl *hostwl_find(const char *name);

/* Add a metric to o (ignored when full). */
void hostwl_metric(struct hostwl_out *o, const char *name, const char *unit, const char *dir, double v);

/* Set o's status and note (printf-style note). */
void hostwl_fail(struct hostwl_out *o, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Defaults, then argv over them (the last of a repeated option wins).
 * 0, or -1 with e (VB_EUSAGE) naming the workload. */
int hostwl_opts(const char *wl, const struct hostwl_opt *o, int n, int argc, char **argv, struct vb_err *e);

/* The options as "name=value;..." for raw.csv's params. */
void hostwl_params(const struct hostwl_opt *o, int n, char *out, size_t size);

/* A repetition's options: hw's table over opts (its own options struct,
 * HOSTWL_OPTS_BYTES at most) filled from c's argv, and o's params. 0, or
 * -1 with e. */
int hostwl_args(const struct hostwl *hw, const struct hostwl_ctx *c, void *opts, struct hostwl_out *o,
                struct vb_err *e);

/* The next item of a comma list: copies it into out and returns the rest
 * after it, or NULL at the end. */
const char *hostwl_list_next(const char *list, char *out, size_t n);

/* Check a workload's options (before a run makes anything). 0 or -1 with e. */
int hostwl_check(const struct hostwl *hw, int argc, char **argv, struct vb_err *e);

/* Its options for `vcbench list`: "  --name N  help (default D, MIN..MAX)"
 * lines. */
void hostwl_describe(const struct hostwl *hw, char *out, size_t size);

/* The density sweep's stop rule before launching instance k (from 1):
 * DENSITY_GO, DENSITY_MAX past max, or DENSITY_FLOOR when MemAvailable
 * less what one more instance is expected to cost (per_inst_kib, the mean
 * of those so far; 0 before the first) is below floor_kib. */
enum { DENSITY_GO, DENSITY_MAX, DENSITY_FLOOR };
int density_stop_rule(int k, int max, double avail_kib, double floor_kib, double per_inst_kib);

/* Is N = k a point the sweep measures (a power of two, or max)? */
int density_is_sample(int k, int max);

/* A density metric at N = k is named "<base>.n<k>" (e.g. ready_ms.n4):
 * each point is its own series in the summary. point_name writes one;
 * point_parse splits one (1 with base and k, 0 when metric is not one). */
void hostwl_point_name(char *out, size_t n, const char *base, int k);
int hostwl_point_parse(const char *metric, char *base, size_t n, int *k);

/* The neighbour's metric names (run/neighbour.c). A condition is the
 * antagonist and its duty, and its environment when not the victim's:
 * "bw100", "spin50-native". Names:
 *   v.<victim>.<metric>.<cond|alone>  the victim's metric beside it (alone)
 *   x.<victim>.<metric>.<cond>        its slowdown factor (>1 worse)
 *   a.<victim|alone>.<cond>           the antagonist's rate while the victim
 *                                     ran (or alone)
 * metric is NULL for kind 'a'. */
void hostwl_nb_cond(char *out, size_t n, const char *antagonist, const char *duty, const char *env);
void hostwl_nb_name(char *out, size_t n, char kind, const char *victim, const char *metric, const char *cond);
/* Split a name: 1 with its parts (metric "" for kind 'a'), 0 when metric
 * is not one. Each part fits 48 bytes. */
int hostwl_nb_parse(const char *name, char *kind, char victim[48], char metric[48], char cond[48]);

extern const struct hostwl hostwl_footprint, hostwl_density, hostwl_neighbour;

#endif
