/* profile.h - named parameter sets for `vcbench run --profile`. */
#ifndef VB_PROFILE_H
#define VB_PROFILE_H

struct profile {
    const char *name;
    const char *help;
    int runs, warmup;
    const char *workloads;             /* default --workloads */
    struct { const char *workload, *args; } args[8];   /* wl options per workload */
};

const struct profile *profile_find(const char *name);

/* The wl options the profile gives workload (space separated), or "". */
const char *profile_args(const struct profile *p, const char *workload);

#endif
