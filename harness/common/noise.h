/* noise.h - antagonists (noisy neighbours): what wl's antagonist workloads
 * and the harness's neighbour measurement share.
 *
 * An antagonist repeats one unit of work (a spin loop, a sweep of the
 * last-level cache, a block copy, a page allocation, an fsync, a fork) at
 * an intensity given as a duty cycle: in every period it works for duty%
 * of the time and sleeps the rest. It calibrates the unit's cost first, and
 * then keeps the ratio of busy to idle time rather than a count, so a unit
 * that slows under contention does not turn a 50% antagonist into 100%.
 * Every NOISE_TICK_MS it prints `tick work=<total, in its rate unit> ns=<its
 * clock>`: the harness takes its achieved rate from two ticks, over any
 * interval it likes (alone, or while the victim ran). */
#ifndef VB_NOISE_H
#define VB_NOISE_H

#include <stdint.h>

#define NOISE_PERIOD_NS 10000000ull    /* 10 ms: below a scheduler slice's worth of noise */
#define NOISE_TICK_MS 100

/* Units to run in one period: duty% of period_ns at unit_ns each, at least
 * one (a unit longer than the budget runs once, and the sleep after it
 * keeps the ratio). */
long noise_units(double unit_ns, int duty, double period_ns);

/* The sleep that makes busy_ns duty% of the time: busy * (100 - duty) /
 * duty; 0 at 100%. */
uint64_t noise_sleep_ns(uint64_t busy_ns, int duty);

/* Rate between two ticks (work per second), or -1 when the interval is
 * empty or runs backwards. */
double noise_rate(double work0, uint64_t ns0, double work1, uint64_t ns1);

/* The antagonists, in the order reports show them. */
#define NOISE_N 6
extern const char *const noise_names[NOISE_N];
/* Position of an antagonist's name, or -1. */
int noise_rank(const char *name);

#endif
