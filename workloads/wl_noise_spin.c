/* noise-spin: the CPU antagonist - an integer loop that stays in
 * registers: it takes CPU time and nothing else. */
#include "wl.h"
#include "wl_noise.h"

static volatile uint64_t sink;

static int spin_setup(struct noise_arg *a, FILE *out)
{
    (void)out;
    a->work_per_unit = 0.1;    /* 100k iterations = 0.1 M */
    a->pos = 88172645463325252ull;
    return 0;
}

static void spin_unit(struct noise_arg *a)
{
    uint64_t x = a->pos;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    a->pos = x;
    sink = x;
}

static const struct noise_ops ops = { "Mops/s", spin_setup, spin_unit, NULL };

static int run(int argc, char **argv, FILE *out)
{
    return noise_main(&ops, argc, argv, out);
}

const struct wl_workload wl_noise_spin = { .meta = &wlm_noise_spin, .options = NOISE_OPTIONS, .run = run };
