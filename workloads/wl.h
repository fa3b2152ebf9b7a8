/* wl.h - the workload binary's table and the helpers workloads share.
 *
 * A workload is one file defining a `struct wl_workload`, one line in
 * wl_table (wl_table.c), and its name, summary and flags in the metadata
 * table the harness reads too (harness/common/wlmeta.c). Its run() parses
 * its own options with wl_opts_parse(), prints `param`, `ready`, `metric`
 * and `check` lines with the proto_* helpers, and returns 0 (ok), 1
 * (measurement failed) or 2 (bad options). wl includes only
 * harness/common/. */
#ifndef WL_H
#define WL_H

#include "common/wlmeta.h"

#include <stdint.h>
#include <stdio.h>

#define WL_VERSION "1.0"

struct wl_workload {
    const struct wl_meta *meta;          /* name, summary, how the harness treats it */
    const char *options;                 /* help text for its options */
    int (*run)(int argc, char **argv, FILE *out);
};

extern const struct wl_workload wl_cpu, wl_mem, wl_disk, wl_startup, wl_hold, wl_audit, wl_noise_spin, wl_noise_llc,
    wl_noise_bw, wl_noise_alloc, wl_noise_io, wl_noise_fork;

const struct wl_workload *wl_find(const char *name);
const struct wl_workload *const *wl_all(void);
int wl_count(void);

/* Run a workload with hello/end framing; returns its exit code. */
int wl_run(const struct wl_workload *w, int argc, char **argv, FILE *out);

/* The guest init role: `wl init [--modules] <workload> [options]`. */
int wl_init_main(int argc, char **argv);

enum wl_opt_type { WL_OPT_SIZE, WL_OPT_LONG, WL_OPT_STR };

struct wl_opt {
    const char *name;                    /* without the leading "--" */
    enum wl_opt_type type;
    void *dst;                           /* uint64_t*, long*, const char** */
    long min, max;                       /* WL_OPT_LONG range */
};

/* Parse `--name value` pairs. On error prints one line (stderr and an
 * `error` protocol line on out) and returns -1. */
int wl_opts_parse(int argc, char **argv, const struct wl_opt *opts, int nopts, FILE *out);

/* Report a failure on both channels; returns code. */
int wl_fail(FILE *out, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Monotonic clock in nanoseconds. */
uint64_t wl_now_ns(void);

/* Number of CPUs this process may run on (its affinity mask). */
int wl_ncpus(void);

/* Emit `expect ms=<n> fixed_ms=<m>`: how long the work should take on an
 * unloaded native host of today, a rough estimate from the options: ms of
 * work that runs slower where the environment is slower (computation,
 * memory), fixed_ms that does not (I/O for a set duration). The harness
 * derives the launch's deadline from it; after the options are parsed,
 * before ready. */
void wl_expect(FILE *out, double ms, double fixed_ms);

/* Emit `param name=value` with an integer or string value. */
void wl_param_u64(FILE *out, const char *name, uint64_t v);
void wl_param_str(FILE *out, const char *name, const char *v);

#endif
