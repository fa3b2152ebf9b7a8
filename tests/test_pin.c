/* pin_pick against synthetic hwloc topologies: real hwloc, no host facts. */
#include "testutil.h"
#include "env/pin.h"

static void smt_host_uses_one_pu_per_core(void **st)
{
    (void)st;
    struct pin_plan p;
    struct vb_err e;
    assert_int_equal(pin_pick(2, "core:4 pu:2", &p, &e), 0);
    assert_int_equal(p.ncores, 4);
    assert_int_equal(p.nwork, 2);
    assert_string_equal(p.work, "4,6");        /* first PU of cores 2 and 3 */
    assert_string_equal(p.harness, "0,2");
    assert_string_equal(p.emulator, "0,2");
    assert_string_equal(p.mems, "0");
    /* A noisy neighbour: as many CPUs, on the cores just below. */
    assert_string_equal(p.neighbour, "0,2");
}

static void two_cores_split(void **st)
{
    (void)st;
    struct pin_plan p;
    struct vb_err e;
    assert_int_equal(pin_pick(1, "core:2 pu:1", &p, &e), 0);
    assert_string_equal(p.work, "1");
    assert_string_equal(p.harness, "0");
    assert_string_equal(p.neighbour, "0");
    assert_null(strstr(p.why, "no spare"));
}

static void no_spare_core_shares_and_says_so(void **st)
{
    (void)st;
    struct pin_plan p;
    struct vb_err e;
    assert_int_equal(pin_pick(2, "core:2 pu:1", &p, &e), 0);
    assert_string_equal(p.work, "0-1");
    assert_string_equal(p.harness, "0-1");
    /* No core left: the neighbour shares the workload's. */
    assert_string_equal(p.neighbour, "0-1");
    assert_non_null(strstr(p.shares, "the same CPU"));
    assert_non_null(strstr(p.why, "no spare core"));
}

static void too_many(void **st)
{
    (void)st;
    struct pin_plan p;
    struct vb_err e = { 0 };
    assert_int_equal(pin_pick(3, "core:2 pu:1", &p, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "--vcpus"));
    assert_int_equal(pin_pick(1, "bogus:x", &p, &e), -1);
}

static void numa_nodes(void **st)
{
    (void)st;
    struct pin_plan p;
    struct vb_err e;
    assert_int_equal(pin_pick(1, "numa:2 core:2 pu:1", &p, &e), 0);
    assert_string_equal(p.work, "3");
    assert_string_equal(p.mems, "1");
    /* The core below, on the same node: they share its memory. */
    assert_string_equal(p.neighbour, "2");
    assert_non_null(strstr(p.shares, "memory (NUMA node 1)"));
    assert_int_equal(p.nnodes, 2);
    assert_non_null(strstr(p.why, "memory bound to NUMA node 1"));
    assert_string_equal(pin_mem_nodes(&p), "1");
    /* Two sockets of two cores of two threads, one node each: one PU per
     * core (no SMT sibling shares the measured core), the workload on the
     * last core, everything else on the other cores. */
    assert_int_equal(pin_pick(2, "numa:2 core:2 pu:2", &p, &e), 0);
    assert_string_equal(p.work, "4,6");
    assert_string_equal(p.mems, "1");
    assert_string_equal(p.harness, "0,2");
    assert_int_equal(pin_pick(1, "core:2 pu:1", &p, &e), 0);
    assert_int_equal(p.nnodes, 1);
    assert_null(strstr(p.why, "NUMA"));
    assert_null(pin_mem_nodes(&p));
}

static void mask_parsing(void **st)
{
    (void)st;
    cpu_set_t set;
    assert_int_equal(pin_mask("1,3-4", &set), 0);
    assert_int_equal(CPU_COUNT(&set), 3);
    assert_true(CPU_ISSET(1, &set) && CPU_ISSET(3, &set) && CPU_ISSET(4, &set) && !CPU_ISSET(2, &set));
    assert_int_equal(pin_mask("", &set), -1);
    assert_int_equal(pin_mask("x", &set), -1);
}

static void apply_to_self(void **st)
{
    (void)st;
    cpu_set_t before, after;
    assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
    int first = -1;
    for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
        if (CPU_ISSET(i, &before))
            first = i;
    char list[16];
    snprintf(list, sizeof list, "%d", first);
    struct vb_err e;
    assert_int_equal(pin_apply(0, list, &e), 0);
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_int_equal(CPU_COUNT(&after), 1);
    assert_true(CPU_ISSET(first, &after));
    assert_int_equal(sched_setaffinity(0, sizeof before, &before), 0);
    assert_int_equal(pin_apply(0, "nonsense", &e), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(smt_host_uses_one_pu_per_core), cmocka_unit_test(two_cores_split),
        cmocka_unit_test(no_spare_core_shares_and_says_so), cmocka_unit_test(too_many),
        cmocka_unit_test(numa_nodes), cmocka_unit_test(mask_parsing), cmocka_unit_test(apply_to_self),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
