/* plan.h - the order of launches (design decision 7: interleave, don't
 * batch). Warm-ups come first; then each round runs every (env, workload)
 * pair once, in an order shuffled with a seeded PRNG, so drift on a shared
 * machine hits every environment alike and the order can be reproduced. */
#ifndef VB_PLAN_H
#define VB_PLAN_H

#include <stdint.h>

struct plan_item {
    int env;                   /* index into the run's env list */
    int workload;              /* index into the run's workload list */
    int rep;                   /* 1..runs; 0 for a warm-up (not recorded) */
};

/* Build the plan into a malloc'd array (*n items). Returns 0 or -1 (ENOMEM). */
int plan_build(int nenv, int nwl, int runs, int warmup, uint64_t seed,
               struct plan_item **items, int *n);

#endif
