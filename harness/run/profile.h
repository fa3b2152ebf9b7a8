/* profile.h - named parameter sets for `vcbench run --profile`. */
#ifndef VB_PROFILE_H
#define VB_PROFILE_H

#define PROFILE_MAX_WLS 12

struct profile {
    const char *name;
    const char *help;
    int runs, warmup;
    const char *workloads;             /* default --workloads */
    /* Options per workload, and its own repetitions where it has fewer
     * (0: the profile's): a density sweep costs many launches. */
    struct { const char *workload, *args; int runs; } args[PROFILE_MAX_WLS];
};

const struct profile *profile_find(const char *name);

/* The wl options the profile gives workload (space separated), or "". */
const char *profile_args(const struct profile *p, const char *workload);

/* The repetitions the profile gives workload: its own, or p->runs. */
int profile_runs(const struct profile *p, const char *workload);

#endif
