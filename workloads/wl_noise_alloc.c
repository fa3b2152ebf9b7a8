/* noise-alloc: the page-allocator antagonist - map 4 MiB, touch every
 * page, unmap: page faults, zeroing, the allocator's and the memory
 * cgroup's accounting, TLB shootdowns - the kernel's memory paths. */
#include "wl.h"
#include "wl_noise.h"

#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (4u << 20)

static int alloc_setup(struct noise_arg *a, FILE *out)
{
    (void)out;
    a->idx = (uint64_t)sysconf(_SC_PAGESIZE);
    a->work_per_unit = (double)CHUNK / (1 << 20);
    return 0;
}

static void alloc_unit(struct noise_arg *a)
{
    char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return;
    for (uint64_t o = 0; o < CHUNK; o += a->idx)
        p[o] = 1;
    munmap(p, CHUNK);
}

static const struct noise_ops ops = { "MiB/s", alloc_setup, alloc_unit, NULL };

static int run(int argc, char **argv, FILE *out)
{
    return noise_main(&ops, argc, argv, out);
}

const struct wl_workload wl_noise_alloc = { .meta = &wlm_noise_alloc, .options = NOISE_OPTIONS, .run = run };
