/* noise-bw: the memory-bandwidth antagonist - a STREAM-like copy between
 * two arrays together 4x the last-level cache (the STREAM rule, capped by
 * the memory limit), so every byte goes to memory and back. */
#include "wl.h"
#include "wl_noise.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

static int bw_setup(struct noise_arg *a, FILE *out)
{
    uint64_t total = wl_meta_llc_size(a->llc, a->mem);
    a->bytes = total / 2 < CHUNK ? CHUNK : total / 2 / CHUNK * CHUNK;
    a->buf = malloc(2 * a->bytes);
    if (!a->buf)
        return wl_fail(out, -1, "cannot allocate %llu bytes", (unsigned long long)(2 * a->bytes));
    memset(a->buf, 1, 2 * a->bytes);
    a->work_per_unit = 2.0 * CHUNK / (1 << 20);    /* read and written */
    return 0;
}

static void bw_unit(struct noise_arg *a)
{
    memcpy(a->buf + a->bytes + a->pos, a->buf + a->pos, CHUNK);
    a->pos += CHUNK;
    if (a->pos >= a->bytes)
        a->pos = 0;
}

static void bw_done(struct noise_arg *a)
{
    free(a->buf);
}

static const struct noise_ops ops = { "MiB/s", bw_setup, bw_unit, bw_done };

static int run(int argc, char **argv, FILE *out)
{
    return noise_main(&ops, argc, argv, out);
}

const struct wl_workload wl_noise_bw = { .meta = &wlm_noise_bw, .options = NOISE_OPTIONS, .run = run };
