/* mem: memory bandwidth (STREAM's four kernels) and latency (dependent
 * pointer chasing over a random cycle) in one run.
 *
 * Bandwidth follows STREAM: arrays a, b, c of --size bytes each (at least 4x
 * the last-level cache so caches cannot hold them), kernels
 *   copy  c = a         2 x 8 bytes per element
 *   scale b = q*c       2 x 8
 *   add   c = a + b     3 x 8
 *   triad a = b + q*c   3 x 8
 * counting bytes read plus bytes written (STREAM's convention), repeated
 * --ntimes times; the best time of each kernel is reported (as STREAM does),
 * and the arrays are checked against the analytically expected values.
 *
 * Latency: one pointer-chase chain per working-set size from 16 KiB up to
 * --max-ws (default 4x LLC), nodes one cache line apart in a random cyclic
 * order so hardware prefetchers cannot guess the next line and every load
 * depends on the one before. Reported as ns per access. */
#include "wl.h"
#include "wl_mem.h"
#include "common/proto.h"
#include "common/units.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LINE 64

void mem_chase_build(uint8_t *buf, size_t n, size_t stride, uint64_t seed)
{
    /* Sattolo: a random permutation that is a single cycle. */
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        return;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    uint64_t x = seed ? seed : 88172645463325252ull;
    for (size_t i = n - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t j = (size_t)(x % i);          /* j < i: Sattolo, not Fisher-Yates */
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    /* perm as a cycle: node perm[k] points to perm[k+1]. */
    for (size_t k = 0; k < n; k++) {
        size_t from = perm[k], to = perm[(k + 1) % n];
        size_t off = to * stride;
        memcpy(buf + from * stride, &off, sizeof off);
    }
    free(perm);
}

size_t mem_chase_run(const uint8_t *buf, uint64_t steps)
{
    size_t off = 0;
    for (uint64_t i = 0; i < steps; i++)
        off = *(const size_t *)(const void *)(buf + off);
    return off;
}

void mem_stream_expect(int ntimes, double q, double *a, double *b, double *c)
{
    double aj = 1.0, bj = 2.0, cj = 0.0;
    aj = 2.0 * aj;                            /* STREAM's timing-granularity pass */
    for (int k = 0; k < ntimes; k++) {
        cj = aj;
        bj = q * cj;
        cj = aj + bj;
        aj = bj + q * cj;
    }
    *a = aj;
    *b = bj;
    *c = cj;
}

static uint64_t sysfs_size(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char buf[32] = "";
    uint64_t v = 0;
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (units_parse_size(buf, &v) < 0)
            v = 0;
    }
    fclose(f);
    return v;
}

uint64_t mem_default_size(void)
{
    uint64_t llc = 0;
    for (int i = 0; i < 8; i++) {
        char p[96];
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        uint64_t s = sysfs_size(p);
        if (s > llc)
            llc = s;
    }
    if (!llc)
        llc = 32ull << 20;                    /* unknown: assume a large L3 */
    return 4 * llc;
}

static void *big_alloc(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Huge pages where the kernel offers them, so the latency curve shows
     * the caches and DRAM rather than 4 KiB TLB misses (lmbench-style). */
    madvise(p, n, MADV_HUGEPAGE);
    return p;
}

/* At least ntimes rounds of the four kernels, and more until min_ms have
 * passed (at most 100: the values grow each round). */
static int mem_stream(FILE *out, uint64_t size, long ntimes, long min_ms)
{
    size_t n = (size_t)(size / sizeof(double));
    double *a = big_alloc(n * sizeof *a), *b = big_alloc(n * sizeof *b), *c = big_alloc(n * sizeof *c);
    if (!a || !b || !c) {
        if (a) munmap(a, n * sizeof *a);
        if (b) munmap(b, n * sizeof *b);
        if (c) munmap(c, n * sizeof *c);
        return wl_fail(out, 1, "cannot allocate 3 x %" PRIu64 " bytes; lower --size or raise --mem", size);
    }
    /* Touch every page before timing, and do STREAM's a = 2a pass. */
    for (size_t j = 0; j < n; j++) {
        a[j] = 1.0;
        b[j] = 2.0;
        c[j] = 0.0;
    }
    for (size_t j = 0; j < n; j++)
        a[j] = 2.0 * a[j];

    const double q = 3.0;
    const char *names[4] = { "copy_bw", "scale_bw", "add_bw", "triad_bw" };
    const double bytes[4] = { 2.0 * 8 * (double)n, 2.0 * 8 * (double)n, 3.0 * 8 * (double)n, 3.0 * 8 * (double)n };
    double best[4] = { 1e30, 1e30, 1e30, 1e30 };
    uint64_t begin = wl_now_ns();
    long k = 0;
    for (; k < ntimes || (k < 100 && (double)(wl_now_ns() - begin) / 1e6 < (double)min_ms); k++) {
        uint64_t t[5];
        t[0] = wl_now_ns();
        for (size_t j = 0; j < n; j++)
            c[j] = a[j];
        t[1] = wl_now_ns();
        for (size_t j = 0; j < n; j++)
            b[j] = q * c[j];
        t[2] = wl_now_ns();
        for (size_t j = 0; j < n; j++)
            c[j] = a[j] + b[j];
        t[3] = wl_now_ns();
        for (size_t j = 0; j < n; j++)
            a[j] = b[j] + q * c[j];
        t[4] = wl_now_ns();
        for (int i = 0; i < 4; i++) {
            double s = (double)(t[i + 1] - t[i]) / 1e9;
            if (s < best[i])
                best[i] = s;
        }
    }
    double ea, eb, ec;
    mem_stream_expect((int)k, q, &ea, &eb, &ec);
    int ok = 1;
    for (size_t j = 0; j < n && ok; j += 4096)
        ok = a[j] == ea && b[j] == eb && c[j] == ec;
    munmap(a, n * sizeof *a);
    munmap(b, n * sizeof *b);
    munmap(c, n * sizeof *c);
    if (!ok)
        return wl_fail(out, 1, "STREAM arrays hold wrong values: the kernels did not run as written");
    for (int i = 0; i < 4; i++)
        proto_metric(out, names[i], "MB/s", "higher", bytes[i] / best[i] / 1e6);
    proto_emit(out, "check", "name", "stream", "value", "valid", (char *)NULL);
    return 0;
}

static int mem_latency(FILE *out, uint64_t max_ws, uint64_t accesses)
{
    uint8_t *buf = big_alloc(max_ws);
    if (!buf)
        return wl_fail(out, 1, "cannot allocate %" PRIu64 " bytes for the latency chain", max_ws);
    uint64_t sum = 0;
    for (uint64_t ws = 16 << 10; ws <= max_ws; ws *= 2) {
        size_t nodes = (size_t)(ws / LINE);
        mem_chase_build(buf, nodes, LINE, ws);
        mem_chase_run(buf, nodes);            /* warm: bring the set into cache */
        uint64_t t0 = wl_now_ns();
        size_t end = mem_chase_run(buf, accesses);
        uint64_t t1 = wl_now_ns();
        sum += end;
        char name[32], sz[16];
        units_format_size(ws, sz, sizeof sz);
        snprintf(name, sizeof name, "lat_%s", sz);
        proto_metric(out, name, "ns", "lower", (double)(t1 - t0) / (double)accesses);
    }
    munmap(buf, max_ws);
    char hex[32];
    snprintf(hex, sizeof hex, "%016" PRIx64, sum);
    proto_emit(out, "check", "name", "chase", "value", hex, (char *)NULL);
    return 0;
}

static int mem_run(int argc, char **argv, FILE *out)
{
    uint64_t size = 0, max_ws = 0, accesses = 1 << 21;
    long ntimes = 5, min_ms = 0;
    const char *part = "all";
    const struct wl_opt opts[] = {
        { "size", WL_OPT_SIZE, &size, 0, 0 },
        { "ntimes", WL_OPT_LONG, &ntimes, 1, 100 },
        { "max-ws", WL_OPT_SIZE, &max_ws, 0, 0 },
        { "accesses", WL_OPT_SIZE, &accesses, 0, 0 },
        { "part", WL_OPT_STR, &part, 0, 0 },
        { "min-ms", WL_OPT_LONG, &min_ms, 0, 3600000 },
    };
    if (wl_opts_parse(argc, argv, opts, 6, out) < 0)
        return 2;
    int bw = !strcmp(part, "all") || !strcmp(part, "bw");
    int lat = !strcmp(part, "all") || !strcmp(part, "lat");
    if (!bw && !lat)
        return wl_fail(out, 2, "bad --part '%s'; use bw, lat or all", part);
    if (!size)
        size = mem_default_size();
    if (!max_ws)
        max_ws = size;
    if (size < 4096 || max_ws < (16 << 10) || accesses == 0)
        return wl_fail(out, 2, "--size must be >= 4K, --max-ws >= 16K and --accesses >= 1");
    wl_param_str(out, "part", part);
    wl_param_u64(out, "size", size);
    wl_param_u64(out, "ntimes", (uint64_t)ntimes);
    wl_param_u64(out, "max_ws", max_ws);
    wl_param_u64(out, "accesses", accesses);
    wl_param_u64(out, "min_ms", (uint64_t)min_ms);
    /* STREAM: 10 array passes per round at ~5 GB/s plus filling three
     * arrays, for at least min_ms; the latency curve: up to 200 ns per
     * access per working set. */
    double ms = 0;
    if (bw)
        ms += (double)min_ms + ((double)ntimes * 10 + 3) * (double)size / 5e6;
    if (lat)
        for (uint64_t ws = 16 << 10; ws <= max_ws; ws *= 2)
            ms += (double)accesses * 200e-6 + (double)ws / 1e6;
    wl_expect(out, ms, 0);
    proto_emit(out, "ready", (char *)NULL);
    int rc = 0;
    if (bw)
        rc = mem_stream(out, size, ntimes, min_ms);
    if (rc == 0 && lat)
        rc = mem_latency(out, max_ws, accesses);
    return rc;
}

const struct wl_workload wl_mem = {
    .meta = &wlm_mem,
    .options = "             --size SIZE           bytes per STREAM array (4x last-level cache)\n"
               "             --ntimes N            STREAM repetitions, best reported (5)\n"
               "             --min-ms N            and more repetitions until N ms have passed (0)\n"
               "             --max-ws SIZE         largest latency working set (= --size)\n"
               "             --accesses N          dependent loads timed per working set (2M)\n"
               "             --part bw|lat|all     which half to run (all)\n",
    .run = mem_run,
};
