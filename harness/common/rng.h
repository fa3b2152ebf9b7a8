/* rng.h - the one seeded PRNG (splitmix64): the plan's interleaving and
 * the statistics' bootstrap resamples, so a seed reproduces both. */
#ifndef VB_RNG_H
#define VB_RNG_H

#include <stdint.h>

/* Next 64 random bits; *state is the whole generator. */
static inline uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#endif
