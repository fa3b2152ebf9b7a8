#include "run/plan.h"
#include "common/rng.h"

#include <stdlib.h>

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
            int j = (int)(rng_next(&st) % (uint64_t)(i + 1));
            struct plan_item t = it[base + i];
            it[base + i] = it[base + j];
            it[base + j] = t;
        }
    }
    *items = it;
    *n = total;
    return 0;
}
