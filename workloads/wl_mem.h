/* wl_mem.h - memory kernels, exposed for unit tests. */
#ifndef WL_MEM_H
#define WL_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Link n nodes of `stride` bytes each into one random cycle (Sattolo's
 * algorithm: every node is visited before the chase returns to the start).
 * next[i] is stored as a byte offset at the start of node i. */
void mem_chase_build(uint8_t *buf, size_t n, size_t stride, uint64_t seed);

/* Follow the chain `steps` times from node 0; returns the final offset. */
size_t mem_chase_run(const uint8_t *buf, uint64_t steps);

/* STREAM's expected array values after `ntimes` rounds of copy, scale, add,
 * triad with scalar q starting from a=1, b=2, c=0 (as in STREAM). */
void mem_stream_expect(int ntimes, double q, double *a, double *b, double *c);

/* Default array size: 4x the last-level cache read from sysfs (the harness
 * passes --size from hwloc instead, so every env uses the host's figure). */
uint64_t mem_default_size(void);

#endif
