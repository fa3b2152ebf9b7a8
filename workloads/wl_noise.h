/* wl_noise.h - the antagonists' shared driver (common/noise.h has the
 * duty-cycle and rate arithmetic). An antagonist is one file defining its
 * unit of work as a `struct noise_ops` and a `struct wl_workload` whose
 * run() calls noise_main(). */
#ifndef WL_NOISE_H
#define WL_NOISE_H

#include <stdint.h>
#include <stdio.h>

/* What an antagonist's set-up and unit share: the options the harness
 * derives (--llc, --mem, --file, --size) and what set-up made. */
struct noise_arg {
    uint64_t llc, mem, size;   /* last-level cache, memory limit, disk size (bytes) */
    const char *file;          /* --file: the antagonist's disk, or NULL */
    int fd;
    char *buf;
    uint64_t bytes, pos, idx;
    double work_per_unit;      /* in the rate unit's work (set by setup) */
};

struct noise_ops {
    const char *rate_unit;     /* e.g. "MiB/s": the unit of its achieved rate */
    /* Allocate what the unit needs and set a->work_per_unit. 0, or <0 after
     * wl_fail(). */
    int (*setup)(struct noise_arg *a, FILE *out);
    void (*unit)(struct noise_arg *a);
    void (*done)(struct noise_arg *a);
};

/* Options, calibration, then units at the duty cycle until --seconds pass
 * (0: until stopped), ticks on the way and the overall rate at the end. */
int noise_main(const struct noise_ops *ops, int argc, char **argv, FILE *out);

#define NOISE_OPTIONS \
    "             --duty PCT            intensity: % of each 10 ms period spent working (100)\n" \
    "             --seconds N           how long (0 = until stopped) (10)\n"

#endif
