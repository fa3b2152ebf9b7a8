/* noise-llc: the cache antagonist - read-modify-write of one byte per
 * cache line over a buffer the size of the last-level cache (--llc, from
 * hwloc), in an order the prefetchers cannot follow: it evicts whatever
 * else lives in the shared cache while using little memory bandwidth. */
#include "wl.h"
#include "wl_noise.h"

#include <stdlib.h>
#include <string.h>

#define LINE 64
#define LINES_PER_UNIT 4096

static int llc_setup(struct noise_arg *a, FILE *out)
{
    a->bytes = a->llc < (1u << 20) ? 1u << 20 : a->llc;
    a->buf = malloc(a->bytes);
    if (!a->buf)
        return wl_fail(out, -1, "cannot allocate %llu bytes", (unsigned long long)a->bytes);
    memset(a->buf, 1, a->bytes);
    /* A stride of an odd number of lines visits every line of a
     * power-of-two buffer; others get a stride coprime by trial. */
    uint64_t lines = a->bytes / LINE, s = 1009;
    for (uint64_t x = lines, y = s; ; s += 2, x = lines, y = s) {
        while (y) {
            uint64_t t = x % y;
            x = y;
            y = t;
        }
        if (x == 1)
            break;
    }
    a->idx = s;
    a->work_per_unit = (double)LINES_PER_UNIT * LINE / (1 << 20);
    return 0;
}

static void llc_unit(struct noise_arg *a)
{
    uint64_t lines = a->bytes / LINE, p = a->pos;
    for (int i = 0; i < LINES_PER_UNIT; i++) {
        a->buf[p * LINE]++;
        p += a->idx;
        if (p >= lines)
            p -= lines;
    }
    a->pos = p;
}

static void llc_done(struct noise_arg *a)
{
    free(a->buf);
}

static const struct noise_ops ops = { "MiB/s", llc_setup, llc_unit, llc_done };

static int run(int argc, char **argv, FILE *out)
{
    return noise_main(&ops, argc, argv, out);
}

const struct wl_workload wl_noise_llc = { .meta = &wlm_noise_llc, .options = NOISE_OPTIONS, .run = run };
