/* The antagonists' driver: a calibrated duty cycle of one unit of work,
 * ticks for the harness, the overall rate at the end. */
#include "wl.h"
#include "wl_noise.h"
#include "common/noise.h"
#include "common/proto.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void sleep_ns(uint64_t ns)
{
    struct timespec t = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
    while (nanosleep(&t, &t) != 0)
        ;
}

static void tick(FILE *out, double work, uint64_t ns)
{
    char w[32], n[32];
    snprintf(w, sizeof w, "%.6g", work);
    snprintf(n, sizeof n, "%llu", (unsigned long long)ns);
    proto_emit(out, "tick", "work", w, "ns", n, (char *)NULL);
}

int noise_main(const struct noise_ops *ops, int argc, char **argv, FILE *out)
{
    long duty = 100, seconds = 10;
    struct noise_arg a = { .fd = -1 };
    const struct wl_opt opts[] = {
        { "duty", WL_OPT_LONG, &duty, 1, 100 },
        { "seconds", WL_OPT_LONG, &seconds, 0, 86400 },
        { "llc", WL_OPT_SIZE, &a.llc, 0, 0 },
        { "mem", WL_OPT_SIZE, &a.mem, 0, 0 },
        { "file", WL_OPT_STR, &a.file, 0, 0 },
        { "size", WL_OPT_SIZE, &a.size, 0, 0 },
    };
    if (wl_opts_parse(argc, argv, opts, sizeof opts / sizeof opts[0], out) < 0)
        return 2;
    if (!a.llc)
        a.llc = 8ull << 20;    /* not told: a common size */
    if (!a.mem)
        a.mem = 1ull << 30;
    int rc = ops->setup(&a, out);
    if (rc < 0)
        return 1;
    wl_param_u64(out, "duty", (uint64_t)duty);
    wl_param_str(out, "rate_unit", ops->rate_unit);
    wl_expect(out, 0, (double)seconds * 1e3);
    proto_emit(out, "ready", (char *)NULL);

    /* Calibrate: the cost of one unit, over 2 ms at least. */
    uint64_t t0 = wl_now_ns(), now = t0;
    long n = 0;
    while (now - t0 < 2000000ull && n < 1000000) {
        ops->unit(&a);
        n++;
        now = wl_now_ns();
    }
    double unit_ns = (double)(now - t0) / (double)n, work = (double)n * a.work_per_unit;
    uint64_t end = seconds ? t0 + (uint64_t)seconds * 1000000000ull : 0, last = t0;
    tick(out, 0, t0);
    for (;;) {
        long k = noise_units(unit_ns, (int)duty, (double)NOISE_PERIOD_NS);
        uint64_t b0 = wl_now_ns();
        for (long i = 0; i < k; i++)
            ops->unit(&a);
        now = wl_now_ns();
        uint64_t busy = now - b0;
        unit_ns = (double)busy / (double)k;
        work += (double)k * a.work_per_unit;
        if (now - last >= NOISE_TICK_MS * 1000000ull) {
            tick(out, work, now);
            last = now;
        }
        if (end && now >= end)
            break;
        uint64_t s = noise_sleep_ns(busy, (int)duty);
        if (s)
            sleep_ns(s);
    }
    proto_metric(out, "rate", ops->rate_unit, "higher", noise_rate(0, t0, work, now));
    if (ops->done)
        ops->done(&a);
    return 0;
}
