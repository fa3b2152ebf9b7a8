/* The workload metadata table. A new workload is a file in workloads/, a
 * line in its table (workloads/wl_table.c) and its entry here. */
#include "common/wlmeta.h"

#include <string.h>

const struct wl_meta wlm_cpu = {
    "cpu", "integer (CRC-32) and floating-point (matrix multiply) kernels", 0, { "int_time", "fp_time", NULL },
};
const struct wl_meta wlm_mem = {
    "mem", "memory bandwidth (STREAM copy/scale/add/triad) and latency curve (pointer chase)", WLM_LLC,
    { "triad_bw", "lat_16M", NULL },
};
const struct wl_meta wlm_disk = {
    "disk", "O_DIRECT I/O, QD1 (like fio psync): MB/s, IOPS, latency p50/p99/p99.9", WLM_DISK,
    { "randread_iops", "seqwrite_mbps", NULL },
};
const struct wl_meta wlm_startup = {
    "startup", "no-op: report ready at once (the harness times launch and teardown)", WLM_PHASES,
    { "ready_ms", "total_ms", NULL },
};

const struct wl_meta wlm_hold = {
    "hold", "idle: report ready, then stay until --seconds pass or the harness stops it", 0, { NULL },
};

const struct wl_meta wlm_footprint = {
    "footprint", "what one idle instance costs the host: memory by component, idle CPU, bytes on disk", WLM_HOST,
    { "pss_mib", "idle_cpu_ms_s", NULL },
};
const struct wl_meta wlm_density = {
    "density", "N idle instances at once (N = 1, 2, 4, ...): launch latency, memory per instance, idle CPU",
    WLM_HOST, { NULL },
};

const struct wl_meta wlm_audit = {
    "audit", "what a process sees and may do inside: kernel, namespaces, capabilities, limits enforced",
    WLM_AUDIT, { NULL },
};

const struct wl_meta wlm_neighbour = {
    "neighbour", "a victim workload alone and beside an antagonist (noisy neighbour): slowdown, antagonist's rate",
    WLM_HOST, { NULL },
};

/* The antagonists (common/noise.h): run alone they report their rate. */
const struct wl_meta wlm_noise_spin = {
    "noise-spin", "antagonist: CPU (an integer loop in registers), at --duty % of the time", WLM_NOISE,
    { "rate", NULL },
};
const struct wl_meta wlm_noise_llc = {
    "noise-llc", "antagonist: last-level cache (a buffer its size, swept line by line)", WLM_NOISE,
    { "rate", NULL },
};
const struct wl_meta wlm_noise_bw = {
    "noise-bw", "antagonist: memory bandwidth (a copy over 4x the last-level cache)", WLM_NOISE,
    { "rate", NULL },
};
const struct wl_meta wlm_noise_alloc = {
    "noise-alloc", "antagonist: page allocation (map, touch and unmap 4 MiB)", WLM_NOISE, { "rate", NULL },
};
const struct wl_meta wlm_noise_io = {
    "noise-io", "antagonist: storage (4 KiB write + fdatasync on a file of its own)", WLM_NOISE | WLM_DISK,
    { "rate", NULL },
};
const struct wl_meta wlm_noise_fork = {
    "noise-fork", "antagonist: processes (fork, exec, wait)", WLM_NOISE, { "rate", NULL },
};

static const struct wl_meta *const table[] = { &wlm_cpu, &wlm_mem, &wlm_disk, &wlm_startup, &wlm_hold,
                                               &wlm_footprint, &wlm_density, &wlm_audit, &wlm_neighbour,
                                               &wlm_noise_spin, &wlm_noise_llc, &wlm_noise_bw, &wlm_noise_alloc,
                                               &wlm_noise_io, &wlm_noise_fork };
#define N (int)(sizeof table / sizeof table[0])

int wl_meta_rank(const char *name)
{
    for (int i = 0; i < N; i++)
        if (!strcmp(table[i]->name, name))
            return i;
    return -1;
}

const struct wl_meta *wl_meta_find(const char *name)
{
    int i = wl_meta_rank(name);
    return i < 0 ? NULL : table[i];
}

const struct wl_meta *const *wl_meta_all(int *n)
{
    *n = N;
    return table;
}

uint64_t wl_meta_llc_size(uint64_t llc, uint64_t mem_bytes)
{
    uint64_t size = WL_LLC_FACTOR * llc, cap = 1ull << 20;
    while (cap * 2 * 3 <= mem_bytes * 6 / 10)
        cap *= 2;
    return size < cap ? size : cap;
}
