/* cpu: two kernels that stand for the two halves of CPU-bound code.
 *  - int: table-driven CRC-32 over a 64 KiB buffer that stays in L1/L2:
 *    loads, shifts, xors and a data-dependent table lookup per byte, the
 *    shape of parsers, compressors and hashing.
 *  - fp: naive double-precision matrix multiply (ikj order), the shape of
 *    numeric loops: multiply-add throughput with streaming L1/L2 access.
 * Each thread does the whole work; rates are aggregate over threads.
 * The checksums prove every environment did identical work. */
#include "wl.h"
#include "wl_cpu.h"
#include "common/pmu.h"
#include "common/proto.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CPU_BUF (64 * 1024)
#define FP_N 128

static uint32_t crc_table[256];
static uint8_t cpu_buf[CPU_BUF];    /* the int kernel's input, filled untimed */

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

void cpu_fill(uint8_t *buf, size_t n, uint64_t seed)
{
    uint64_t x = seed ? seed : 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)(x >> 24);
    }
}

uint32_t cpu_crc32(uint32_t crc, const uint8_t *buf, size_t n)
{
    if (!crc_table[1])
        crc_init();
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* Rows are padded by 8 doubles (64 bytes): with a power-of-two row stride
 * every row of a column maps to the same cache sets, which made the
 * kernel 1.6x slower here and its speed depend on alignment rather than
 * on the environment. The arithmetic, and so the checksum, is the same. */
#define FP_PAD 8

int cpu_fp_setup(struct cpu_fp *m, int n)
{
    m->n = n;
    m->ld = (size_t)n + FP_PAD;
    /* One block; each matrix starts 17 cache lines after the last ended,
     * so the three do not alias each other's sets either. */
    size_t sz = (size_t)n * m->ld, gap = 17 * 8;
    /* In a huge page where the kernel offers one: physically contiguous,
     * so the cache sets the matrices fall in are the same in every
     * process instead of depending on which 4 KiB frames it got (that
     * made the pass time bimodal between launches). */
    size_t bytes = (3 * sz + 2 * gap) * sizeof *m->a, huge = (size_t)2 << 20;
    size_t len = (bytes + huge - 1) / huge * huge;
    m->a = aligned_alloc(huge, len);
    if (!m->a)
        return -1;
    madvise(m->a, len, MADV_HUGEPAGE);
    m->b = m->a + sz + gap;
    m->c = m->b + sz + gap;
    for (size_t i = 0; i < (size_t)n; i++)
        for (size_t j = 0; j < (size_t)n; j++) {
            size_t k = i * (size_t)n + j;      /* the unpadded index: the same values as ever */
            m->a[i * m->ld + j] = (double)(k % 7) * 0.25 + 1.0;
            m->b[i * m->ld + j] = (double)(k % 5) * 0.5 - 1.0;
            m->c[i * m->ld + j] = 0;
        }
    return 0;
}

double cpu_fp_run(struct cpu_fp *m, int reps)
{
    int n = m->n;
    size_t ld = m->ld;
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) {
                double aik = m->a[(size_t)i * ld + k];
                const double *brow = &m->b[(size_t)k * ld];
                double *crow = &m->c[(size_t)i * ld];
                for (int j = 0; j < n; j++)
                    crow[j] += aik * brow[j];
            }
    double sum = 0;
    for (size_t i = 0; i < (size_t)n; i++)
        for (size_t j = 0; j < (size_t)n; j++)
            sum += m->c[i * ld + j];
    return sum;
}

void cpu_fp_free(struct cpu_fp *m)
{
    free(m->a);
    m->a = m->b = m->c = NULL;
}

double cpu_dgemm(int n, int reps)
{
    struct cpu_fp m;
    if (cpu_fp_setup(&m, n) < 0)
        return -1;
    double s = cpu_fp_run(&m, reps);
    cpu_fp_free(&m);
    return s;
}

struct cpu_job {
    const char *kernel;
    uint64_t bytes;          /* int: bytes to hash */
    long reps;               /* fp: matrix multiplies */
    pthread_barrier_t *start;
    uint64_t result;         /* checksum */
    uint64_t done_ns;
};

static void *cpu_thread(void *arg)
{
    struct cpu_job *j = arg;
    /* Allocation and initialisation before the start line: page faults
     * cost each environment differently and are not the kernel. */
    struct cpu_fp m = { 0 };
    int fp = strcmp(j->kernel, "int") != 0, ok = !fp || cpu_fp_setup(&m, FP_N) == 0;
    pthread_barrier_wait(j->start);
    if (!ok) {
        j->result = UINT64_MAX;
    } else if (!fp) {
        uint32_t crc = 0;
        for (uint64_t done = 0; done < j->bytes; done += CPU_BUF) {
            size_t n = j->bytes - done < CPU_BUF ? (size_t)(j->bytes - done) : CPU_BUF;
            crc = cpu_crc32(crc, cpu_buf, n);
        }
        j->result = crc;
    } else {
        double s = cpu_fp_run(&m, (int)j->reps);
        memcpy(&j->result, &s, sizeof s);
    }
    j->done_ns = wl_now_ns();
    cpu_fp_free(&m);
    return NULL;
}

/* Run one kernel on nthreads threads; returns wall seconds, or -1. */
static double cpu_kernel(const char *kernel, uint64_t bytes, long reps, int nthreads, uint64_t *check)
{
    pthread_t tid[256];
    struct cpu_job job[256];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
    int started = 0;
    for (int i = 0; i < nthreads; i++) {
        job[i] = (struct cpu_job){ .kernel = kernel, .bytes = bytes, .reps = reps, .start = &start };
        if (pthread_create(&tid[i], NULL, cpu_thread, &job[i]) != 0)
            break;
        started++;
    }
    if (started < nthreads) {
        /* Cannot release the barrier with fewer parties: report and stop. */
        return -1;
    }
    uint64_t t0 = wl_now_ns();
    pthread_barrier_wait(&start);
    uint64_t t1 = t0;
    int agree = 1;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(tid[i], NULL);
        if (job[i].done_ns > t1)
            t1 = job[i].done_ns;
        if (job[i].result != job[0].result)
            agree = 0;
    }
    pthread_barrier_destroy(&start);
    *check = job[0].result;
    return agree ? (double)(t1 - t0) / 1e9 : -2;
}

/* A kernel's time per pass, over as many passes as --min-ms needs (like
 * hyperfine's min-time: a short kernel is noise-bound); -1/-2 as
 * cpu_kernel. Every pass does the same work, so the checksum is one pass's.
 * With counters (pmu not NULL), instructions and cycles per pass into
 * counts (all threads), or counts[0] = 0 when they could not be read. */
static double cpu_timed(const char *kernel, uint64_t bytes, long reps, int nthreads, long min_ms, uint64_t *check,
                        struct pmu *pmu, uint64_t counts[2])
{
    double total = 0;
    long passes = 0;
    counts[0] = counts[1] = 0;
    if (pmu)
        pmu_start(pmu);
    do {
        double s = cpu_kernel(kernel, bytes, reps, nthreads, check);
        if (s < 0)
            return s;
        total += s;
        passes++;
    } while (total * 1e3 < (double)min_ms && passes < 100000);
    if (pmu) {
        pmu_stop(pmu);
        if (pmu_read(pmu, counts) == 0) {
            counts[0] /= (uint64_t)passes;
            counts[1] /= (uint64_t)passes;
        } else {
            counts[0] = counts[1] = 0;
        }
    }
    return total / (double)passes;
}

/* The counters' companions of a kernel's time, when there are counts. */
static void cpu_counts(FILE *out, const char *kernel, const uint64_t counts[2])
{
    if (!counts[0] || !counts[1])
        return;
    char n[32];
    snprintf(n, sizeof n, "%s_instructions", kernel);
    proto_metric(out, n, "count", "lower", (double)counts[0]);
    snprintf(n, sizeof n, "%s_cycles", kernel);
    proto_metric(out, n, "count", "lower", (double)counts[1]);
}

static int cpu_run(int argc, char **argv, FILE *out)
{
    uint64_t bytes = 64ull << 20;
    long reps = 16, threads = 1, min_ms = 0;
    const char *kernel = "all";
    const struct wl_opt opts[] = {
        { "int-bytes", WL_OPT_SIZE, &bytes, 0, 0 },
        { "fp-reps", WL_OPT_LONG, &reps, 1, 1000000 },
        { "threads", WL_OPT_LONG, &threads, 0, 256 },
        { "kernel", WL_OPT_STR, &kernel, 0, 0 },
        { "min-ms", WL_OPT_LONG, &min_ms, 0, 3600000 },
    };
    if (wl_opts_parse(argc, argv, opts, 5, out) < 0)
        return 2;
    int do_int = !strcmp(kernel, "all") || !strcmp(kernel, "int");
    int do_fp = !strcmp(kernel, "all") || !strcmp(kernel, "fp");
    if (!do_int && !do_fp)
        return wl_fail(out, 2, "bad --kernel '%s'; use int, fp or all", kernel);
    if (bytes == 0)
        return wl_fail(out, 2, "--int-bytes must be at least 1");
    if (threads == 0)
        threads = wl_ncpus();

    wl_param_str(out, "kernel", kernel);
    wl_param_u64(out, "int_bytes", bytes);
    wl_param_u64(out, "fp_n", FP_N);
    wl_param_u64(out, "fp_reps", (uint64_t)reps);
    wl_param_u64(out, "threads", (uint64_t)threads);
    wl_param_u64(out, "min_ms", (uint64_t)min_ms);
    /* ~400 MB/s CRC-32, ~1 ms per multiply, per thread; threads beyond the
     * CPUs take turns; each kernel at least min_ms. */
    long rounds = (threads + wl_ncpus() - 1) / wl_ncpus();
    double int_ms = (double)rounds * (double)bytes / 400e3, fp_ms = (double)rounds * (double)reps;
    wl_expect(out, (do_int ? fmax(int_ms, (double)min_ms) : 0) + (do_fp ? fmax(fp_ms, (double)min_ms) : 0), 0);

    /* Untimed set-up: table, input buffer, counters where the host has
     * them (threads started later count too). */
    crc_init();
    cpu_fill(cpu_buf, sizeof cpu_buf, 1);
    struct pmu pmu_store, *pmu = &pmu_store;
    char why[128];
    if (pmu_open(pmu, 1, why, sizeof why) < 0)
        pmu = NULL;
    proto_emit(out, "ready", (char *)NULL);

    char hex[32];
    uint64_t check, counts[2];
    if (do_int) {
        double s = cpu_timed("int", bytes, 0, (int)threads, min_ms, &check, pmu, counts);
        if (s < 0)
            return wl_fail(out, 1, s == -2 ? "threads disagree on the int checksum" : "cannot start threads");
        proto_metric(out, "int_time", "s", "lower", s);
        proto_metric(out, "int_rate", "MB/s", "higher", (double)bytes * (double)threads / s / 1e6);
        cpu_counts(out, "int", counts);
        snprintf(hex, sizeof hex, "%08" PRIx32, (uint32_t)check);
        proto_emit(out, "check", "name", "int_crc32", "value", hex, (char *)NULL);
    }
    if (do_fp) {
        double s = cpu_timed("fp", 0, reps, (int)threads, min_ms, &check, pmu, counts);
        if (s < 0)
            return wl_fail(out, 1, s == -2 ? "threads disagree on the fp checksum" : "cannot start threads");
        double flops = 2.0 * FP_N * FP_N * FP_N * (double)reps * (double)threads;
        proto_metric(out, "fp_time", "s", "lower", s);
        proto_metric(out, "fp_rate", "MFLOP/s", "higher", flops / s / 1e6);
        cpu_counts(out, "fp", counts);
        snprintf(hex, sizeof hex, "%016" PRIx64, check);
        proto_emit(out, "check", "name", "fp_sum", "value", hex, (char *)NULL);
    }
    return 0;
}

const struct wl_workload wl_cpu = {
    .meta = &wlm_cpu,
    .options = "             --kernel int|fp|all   which kernels (all)\n"
               "             --int-bytes SIZE      bytes hashed by the int kernel (64M)\n"
               "             --fp-reps N           128x128 matrix multiplies (16)\n"
               "             --threads N           threads, each doing the whole work; 0 = one per CPU (1)\n"
               "             --min-ms N            repeat each kernel for at least N ms, report per pass (0)\n",
    .run = cpu_run,
};
