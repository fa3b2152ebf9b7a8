#include "run/profile.h"

#include <string.h>

/* quick: the whole matrix in a few minutes on a 2-core host with guests under
 * TCG, with enough runs for a bootstrap confidence interval; density up to
 * 4 instances at once, 3 sweeps (each is a dozen launches); mem 4 runs (a
 * guest's STREAM takes 13 s a launch under TCG) and disk 300 ms a pattern,
 * which keeps the default run, isolation included, within 5 minutes. Every timed
 * kernel runs at least 300 ms (--min-ms): a 30 ms kernel's time is mostly
 * the host's noise.
 * full: longer kernels and more runs, for figures that go into a paper;
 * footprints settled for 5 s (as Kata's density test), density up to 16
 * in 5 sweeps.
 * ci: enough repetitions for the gate's rank test to decide over a few
 * hundred series (12 a side: a 5% change in the cpu and mem headlines
 * shows), each kernel 500 ms. */
/* Both also audit each environment (the facts do not vary: one run, two
 * in full) and measure noisy neighbours: quick a memory-bandwidth
 * antagonist beside the mem victim's latency chase up to 16 MiB (its
 * lat_16M: a guest's STREAM over 128 MiB takes 12 s a launch under TCG),
 * AB/BA, 3 runs; full the matrix of three victims, six antagonists at two
 * intensities, ABBA, 5 runs. */
static const struct profile profiles[] = {
    { "quick", "a few minutes: every workload in every env, 5 runs", 5, 1,
      "cpu,mem,disk,startup,footprint,density,audit,neighbour",
      { { "cpu", "--int-bytes 32M --fp-reps 16 --min-ms 300", 0 },
        { "mem", "--ntimes 2 --accesses 256K --min-ms 300", 4 },
        { "disk", "--pattern all --ms 300", 0 },
        { "startup", "", 0 },
        { "footprint", "--settle-ms 300 --window-ms 500", 0 },
        { "density", "--max 4 --settle-ms 200 --window-ms 300", 3 },
        { "audit", "", 1 },
        { "neighbour", "--victims mem --antagonists bw --duties 100 --pairs 1", 3 },
        { "neighbour.mem", "--part lat --max-ws 16M --accesses 256K --min-ms 0", 0 } } },
    { "full", "tighter figures: larger work sizes, 15 runs", 15, 2,
      "cpu,mem,disk,startup,footprint,density,audit,neighbour",
      { { "cpu", "--int-bytes 256M --fp-reps 64 --min-ms 1000", 0 },
        { "mem", "--ntimes 5 --accesses 2M --min-ms 1000", 0 },
        { "disk", "--pattern all --seconds 5", 0 },
        { "startup", "", 0 },
        { "footprint", "--settle-ms 5000 --window-ms 5000", 0 },
        { "density", "--max 16 --settle-ms 2000 --window-ms 2000", 5 },
        { "audit", "", 2 },
        { "neighbour", "--victims cpu,mem,disk --antagonists spin,llc,bw,alloc,io,fork --duties 50,100", 5 } } },
    { "ci", "for the CI gate (compare, ab): 12 runs, kernels of at least 500 ms", 12, 2, "cpu,mem,disk,startup",
      { { "cpu", "--int-bytes 32M --fp-reps 16 --min-ms 500", 0 },
        { "mem", "--ntimes 3 --accesses 256K --min-ms 500", 0 },
        { "disk", "--pattern all --ms 1000", 0 },
        { "startup", "", 0 } } },
};

const struct profile *profile_find(const char *name)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

const char *profile_args(const struct profile *p, const char *workload)
{
    for (int i = 0; i < PROFILE_MAX_WLS && p->args[i].workload; i++)
        if (strcmp(p->args[i].workload, workload) == 0)
            return p->args[i].args;
    return "";
}

int profile_runs(const struct profile *p, const char *workload)
{
    for (int i = 0; i < PROFILE_MAX_WLS && p->args[i].workload; i++)
        if (strcmp(p->args[i].workload, workload) == 0 && p->args[i].runs > 0)
            return p->args[i].runs;
    return p->runs;
}
