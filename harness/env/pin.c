/* CPU choice and binding with hwloc. Bitmaps and lists use OS indexes. */
#include "env/pin.h"

#include <hwloc.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static int topo_load(hwloc_topology_t *t, const char *synthetic, struct vb_err *e)
{
    if (hwloc_topology_init(t) < 0)
        return vb_errf(e, VB_EHOST, "hwloc: cannot initialise a topology");
    if (synthetic && hwloc_topology_set_synthetic(*t, synthetic) < 0) {
        hwloc_topology_destroy(*t);
        return vb_errf(e, VB_EUSAGE, "hwloc: bad synthetic topology '%s'", synthetic);
    }
    if (hwloc_topology_load(*t) < 0) {
        hwloc_topology_destroy(*t);
        return vb_errf(e, VB_EHOST, "hwloc: cannot read the host topology; is /sys mounted?");
    }
    return 0;
}

/* First allowed PU of core i (OS index), or -1. Using one PU per core keeps
 * an SMT sibling from sharing the measured core. */
static int core_pu(hwloc_topology_t t, int i)
{
    hwloc_obj_t core = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, (unsigned)i);
    if (!core)
        core = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, (unsigned)i);
    if (!core || !core->cpuset)
        return -1;
    hwloc_bitmap_t s = hwloc_bitmap_dup(core->cpuset);
    hwloc_bitmap_and(s, s, hwloc_topology_get_allowed_cpuset(t));
    int pu = hwloc_bitmap_first(s);
    hwloc_bitmap_free(s);
    return pu;
}

/* What two CPU sets share in hardware, as hwloc sees it: the caches above
 * both (the same core's, when they are one), and the NUMA node. */
static void shared_of(hwloc_topology_t t, hwloc_const_bitmap_t a, hwloc_const_bitmap_t b, char *out, size_t n)
{
    out[0] = '\0';
    hwloc_bitmap_t u = hwloc_bitmap_alloc();
    hwloc_bitmap_or(u, a, b);
    size_t len = 0;
    if (hwloc_bitmap_isequal(a, b))
        len += (size_t)snprintf(out, n, "the same CPU");
    for (hwloc_obj_t o = hwloc_get_obj_covering_cpuset(t, u); o && len < n; o = o->parent)
        if (hwloc_obj_type_is_cache(o->type) && o->attr)
            len += (size_t)snprintf(out + len, n - len, "%sL%u %llu KiB", len ? ", " : "", o->attr->cache.depth,
                                    (unsigned long long)(o->attr->cache.size >> 10));
    hwloc_bitmap_t na = hwloc_bitmap_alloc(), nb = hwloc_bitmap_alloc();
    hwloc_cpuset_to_nodeset(t, a, na);
    hwloc_cpuset_to_nodeset(t, b, nb);
    if (len < n && hwloc_bitmap_intersects(na, nb))
        snprintf(out + len, n - len, "%smemory (NUMA node %d)", len ? ", " : "", hwloc_bitmap_first(na));
    else if (len < n)
        snprintf(out + len, n - len, "%sno memory node", len ? ", " : "");
    hwloc_bitmap_free(na);
    hwloc_bitmap_free(nb);
    hwloc_bitmap_free(u);
}

int pin_pick(int nwork, const char *synthetic, struct pin_plan *p, struct vb_err *e)
{
    hwloc_topology_t t;
    if (topo_load(&t, synthetic, e) < 0)
        return -1;
    memset(p, 0, sizeof *p);
    int ncores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    if (ncores <= 0)
        ncores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
    p->ncores = ncores;
    if (nwork < 1 || nwork > ncores) {
        hwloc_topology_destroy(t);
        return vb_errf(e, VB_EUSAGE, "asked for %d workload CPUs but the host has %d cores; "
                       "use --vcpus between 1 and %d", nwork, ncores, ncores);
    }

    /* Workload on the last nwork cores; harness and emulator on core 0 when
     * a core is left over (Linux puts most interrupts and housekeeping on
     * low CPUs). With no spare core everything shares, and we say so. */
    hwloc_bitmap_t work = hwloc_bitmap_alloc(), house = hwloc_bitmap_alloc();
    for (int i = ncores - nwork; i < ncores; i++) {
        int pu = core_pu(t, i);
        if (pu >= 0)
            hwloc_bitmap_set(work, (unsigned)pu);
    }
    int spare = ncores > nwork;
    if (spare) {
        for (int i = 0; i < ncores - nwork; i++) {
            int pu = core_pu(t, i);
            if (pu >= 0)
                hwloc_bitmap_set(house, (unsigned)pu);
        }
    } else {
        hwloc_bitmap_copy(house, work);
    }
    /* A neighbour (an antagonist) gets the cores just below the workload's
     * - on most hosts the same package and last-level cache - or, with
     * too few, whatever cores are not the workload's; on a one-core host
     * it shares the workload's and the report says so. */
    hwloc_bitmap_t nb = hwloc_bitmap_alloc();
    for (int i = ncores - nwork - 1, k = 0; i >= 0 && k < nwork; i--, k++) {
        int pu = core_pu(t, i);
        if (pu >= 0)
            hwloc_bitmap_set(nb, (unsigned)pu);
    }
    if (hwloc_bitmap_iszero(nb))
        hwloc_bitmap_copy(nb, work);
    hwloc_bitmap_list_snprintf(p->neighbour, sizeof p->neighbour, nb);
    shared_of(t, work, nb, p->shares, sizeof p->shares);
    hwloc_bitmap_free(nb);
    p->nwork = hwloc_bitmap_weight(work);
    hwloc_bitmap_list_snprintf(p->work, sizeof p->work, work);
    hwloc_bitmap_list_snprintf(p->harness, sizeof p->harness, house);
    hwloc_bitmap_list_snprintf(p->emulator, sizeof p->emulator, house);

    /* NUMA nodes of the workload CPUs, for cpuset.mems. */
    hwloc_bitmap_t nodes = hwloc_bitmap_alloc();
    hwloc_cpuset_to_nodeset(t, work, nodes);
    if (hwloc_bitmap_iszero(nodes))
        hwloc_bitmap_set(nodes, 0);
    hwloc_bitmap_list_snprintf(p->mems, sizeof p->mems, nodes);
    p->nnodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    const char *bind = pin_mem_nodes(p);

    snprintf(p->why, sizeof p->why, "%d cores: workload on CPU %s, harness and emulator on CPU %s%s%s%s",
             ncores, p->work, p->harness,
             spare ? "" : " (no spare core: they share, expect more noise)",
             bind ? "; memory bound to NUMA node " : "", bind ? bind : "");
    hwloc_bitmap_free(nodes);
    hwloc_bitmap_free(work);
    hwloc_bitmap_free(house);
    hwloc_topology_destroy(t);
    return 0;
}

int pin_union(const char *a, const char *b, char *out, size_t n)
{
    hwloc_bitmap_t x = hwloc_bitmap_alloc(), y = hwloc_bitmap_alloc();
    int rc = -1;
    if (x && y && (!*a || hwloc_bitmap_list_sscanf(x, a) == 0) && (!*b || hwloc_bitmap_list_sscanf(y, b) == 0)) {
        hwloc_bitmap_or(x, x, y);
        hwloc_bitmap_list_snprintf(out, n, x);
        rc = 0;
    }
    hwloc_bitmap_free(x);
    hwloc_bitmap_free(y);
    return rc;
}

int pin_mask(const char *list, cpu_set_t *set)
{
    hwloc_bitmap_t s = hwloc_bitmap_alloc();
    int rc = -1;
    if (s && hwloc_bitmap_list_sscanf(s, list) == 0 && !hwloc_bitmap_iszero(s) &&
        hwloc_bitmap_last(s) < CPU_SETSIZE) {
        CPU_ZERO(set);
        unsigned i;
        hwloc_bitmap_foreach_begin(i, s)
            CPU_SET(i, set);
        hwloc_bitmap_foreach_end();
        rc = 0;
    }
    hwloc_bitmap_free(s);
    return rc;
}

/* Binding needs no topology: the list already holds OS indexes. Loading a
 * topology costs ~10 ms, which would land inside every measured launch. */
int pin_apply(pid_t pid, const char *list, struct vb_err *e)
{
    cpu_set_t set;
    if (pin_mask(list, &set) < 0)
        return vb_errf(e, VB_EUSAGE, "bad CPU list '%s'", list);
    if (sched_setaffinity(pid, sizeof set, &set) < 0)
        return vb_errf(e, VB_EHOST, "cannot bind %s to CPUs %s: %m", pid ? "child" : "process", list);
    return 0;
}

int pin_describe(char *buf, unsigned n, struct vb_err *e)
{
    hwloc_topology_t t;
    if (topo_load(&t, NULL, e) < 0)
        return -1;
    int pkgs = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
    int nodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    int pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
    hwloc_obj_t llc = NULL;
    for (hwloc_obj_type_t ty = HWLOC_OBJ_L5CACHE; ty >= HWLOC_OBJ_L1CACHE && !llc; ty--)
        llc = hwloc_get_obj_by_type(t, ty, 0);
    snprintf(buf, n, "%d package(s), %d NUMA node(s), %d core(s), %d PU(s), last-level cache %llu KiB",
             pkgs, nodes, cores, pus,
             llc && llc->attr ? (unsigned long long)llc->attr->cache.size / 1024 : 0ull);
    hwloc_topology_destroy(t);
    return 0;
}

int pin_cache_sizes(unsigned long long sizes[4], struct vb_err *e)
{
    hwloc_topology_t t;
    if (topo_load(&t, NULL, e) < 0)
        return -1;
    static const hwloc_obj_type_t ty[4] = { HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
                                            HWLOC_OBJ_L4CACHE };
    int last = 0;
    for (int i = 0; i < 4; i++) {
        hwloc_obj_t c = hwloc_get_obj_by_type(t, ty[i], 0);
        sizes[i] = c && c->attr ? (unsigned long long)c->attr->cache.size : 0;
        if (sizes[i])
            last = i + 1;
    }
    hwloc_topology_destroy(t);
    return last ? last : vb_errf(e, VB_EHOST, "hwloc reports no caches");
}

const char *pin_mem_nodes(const struct pin_plan *p)
{
    return p->nnodes > 1 && p->mems[0] ? p->mems : NULL;
}
