/* The hardware counters: where the host has a PMU, a loop of known length
 * counts at least one instruction per iteration and more cycles than
 * zero; where it has none (nested VMs such as the development host), the
 * open fails with one line saying why, and the counting test skips with
 * that reason. */
#include "testutil.h"
#include "common/pmu.h"

#include <string.h>

static void probe_says_why_or_nothing(void **st)
{
    (void)st;
    char why[128] = "x";
    pmu_probe(why, sizeof why);
    struct pmu p;
    char why2[128] = "";
    int rc = pmu_open(&p, 0, why2, sizeof why2);
    if (rc == 0) {
        assert_string_equal(why, "");
        pmu_close(&p);
        assert_int_equal(p.fd[0], -1);
    } else {
        assert_true(strlen(why) > 0);
        assert_null(strchr(why, '\n'));
        assert_string_equal(why, why2);
        assert_int_equal(p.fd[0], -1);
        assert_int_equal(p.fd[1], -1);
    }
}

static void counts_a_loop(void **st)
{
    (void)st;
    struct pmu p;
    char why[128];
    if (pmu_open(&p, 1, why, sizeof why) < 0)
        SKIP_BECAUSE("no hardware counters on this host: %s", why);
    volatile unsigned long sink = 0;
    pmu_start(&p);
    for (unsigned long i = 0; i < 1000000; i++)
        sink += i;
    pmu_stop(&p);
    uint64_t v[2];
    assert_int_equal(pmu_read(&p, v), 0);
    assert_true(v[0] >= 1000000);
    assert_true(v[1] > 0);
    pmu_close(&p);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(probe_says_why_or_nothing),
        cmocka_unit_test(counts_a_loop),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
