#include "plan.h"

#include <stdlib.h>

uint64_t plan_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int plan_build(int nenv, int nwl, int runs, int warmup, uint64_t seed,
               struct plan_item **items, int *n)
{
    int pairs = nenv * nwl;
    int total = pairs * (runs + warmup);
    struct plan_item *it = calloc(total ? (size_t)total : 1, sizeof *it);
    if (!it)
        return -1;
    uint64_t st = seed;
    int k = 0;
    for (int round = 0; round < warmup + runs; round++) {
        int base = k;
        for (int w = 0; w < nwl; w++)
            for (int e = 0; e < nenv; e++)
                it[k++] = (struct plan_item){ .env = e, .workload = w,
                                              .rep = round < warmup ? 0 : round - warmup + 1 };
        /* Fisher-Yates over this round only: every pair runs once per round. */
        for (int i = pairs - 1; i > 0; i--) {
            int j = (int)(plan_rand(&st) % (uint64_t)(i + 1));
            struct plan_item t = it[base + i];
            it[base + i] = it[base + j];
            it[base + j] = t;
        }
    }
    *items = it;
    *n = total;
    return 0;
}
