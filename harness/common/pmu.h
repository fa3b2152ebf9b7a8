/* pmu.h - instructions and cycles from the hardware counters
 * (perf_event_open), where the host offers them: companions of a timing
 * that host noise (frequency, steal, cache neighbours) barely moves. Many
 * hosts expose no PMU - nested VMs such as the development host, TCG
 * guests - and then the open fails and says why; nothing is invented.
 * Shared by wl (counting its kernels) and the harness (the host probe
 * recorded in run.json and shown by doctor). */
#ifndef VB_PMU_H
#define VB_PMU_H

#include <stddef.h>
#include <stdint.h>

struct pmu {
    int fd[2];                 /* instructions, cycles; -1 when closed */
};

/* Open both counters for this process, user mode only, disabled; inherit:
 * threads started later count too. 0, or -1 with why (e.g. "no hardware
 * counters (perf_event_open: No such file or directory)"). */
int pmu_open(struct pmu *p, int inherit, char *why, size_t n);

/* Zero and start; stop. */
void pmu_start(struct pmu *p);
void pmu_stop(struct pmu *p);

/* The counts since pmu_start (v[0] instructions, v[1] cycles), threads
 * that have exited included. 0, or -1 when a read fails or the counters
 * were multiplexed away (an estimate is not a count). */
int pmu_read(const struct pmu *p, uint64_t v[2]);

void pmu_close(struct pmu *p);

/* Open, close: "" when this process can count, else why not. */
void pmu_probe(char *why, size_t n);

#endif
