#include "common/noise.h"

#include <string.h>

const char *const noise_names[NOISE_N] = { "spin", "llc", "bw", "alloc", "io", "fork" };

long noise_units(double unit_ns, int duty, double period_ns)
{
    if (duty < 1)
        duty = 1;
    if (duty > 100)
        duty = 100;
    if (!(unit_ns > 0))
        return 1;
    double n = period_ns * duty / 100.0 / unit_ns;
    return n < 1 ? 1 : n > 1e9 ? 1000000000L : (long)(n + 0.5);
}

uint64_t noise_sleep_ns(uint64_t busy_ns, int duty)
{
    if (duty >= 100 || duty < 1)
        return 0;
    return busy_ns * (uint64_t)(100 - duty) / (uint64_t)duty;
}

double noise_rate(double work0, uint64_t ns0, double work1, uint64_t ns1)
{
    if (ns1 <= ns0 || work1 < work0)
        return -1;
    return (work1 - work0) / ((double)(ns1 - ns0) / 1e9);
}

int noise_rank(const char *name)
{
    for (int i = 0; i < NOISE_N; i++)
        if (!strcmp(noise_names[i], name))
            return i;
    return -1;
}
