/* wl_cpu.h - the CPU kernels, exposed for unit tests. */
#ifndef WL_CPU_H
#define WL_CPU_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with the deterministic byte stream every environment hashes. */
void cpu_fill(uint8_t *buf, size_t n, uint64_t seed);

/* CRC-32 (IEEE 802.3, reflected, table-driven, one byte per step);
 * crc starts at 0 for a fresh checksum. */
uint32_t cpu_crc32(uint32_t crc, const uint8_t *buf, size_t n);

/* reps x (C += A*B) on n x n doubles with fixed inputs; returns the sum of C,
 * identical in every environment because the binary and inputs are. */
double cpu_dgemm(int n, int reps);

/* The fp kernel in three steps, so allocation stays out of the timing:
 * set up n x n matrices (0 or -1), run reps multiplies (the checksum),
 * free. */
struct cpu_fp {
    int n;
    size_t ld;                 /* row stride, padded */
    double *a, *b, *c;
};
int cpu_fp_setup(struct cpu_fp *m, int n);
double cpu_fp_run(struct cpu_fp *m, int reps);
void cpu_fp_free(struct cpu_fp *m);

#endif
