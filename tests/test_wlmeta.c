/* The workload metadata the harness reads and the workload table wl runs
 * name the same workloads in the same order, and each workload wl does
 * not run has the harness's driver; the array-size rule. */
#include "testutil.h"
#include "common/wlmeta.h"
#include "workloads/wl.h"
#include "run/hostwl.h"

static void tables_agree(void **st)
{
    (void)st;
    int n, k = 0;
    const struct wl_meta *const *m = wl_meta_all(&n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(wl_meta_rank(m[i]->name), i);
        /* Measured by the harness: no wl code, a driver in the run layer. */
        if (m[i]->flags & WLM_HOST) {
            assert_null(wl_find(m[i]->name));
            assert_non_null(hostwl_find(m[i]->name));
            continue;
        }
        assert_null(hostwl_find(m[i]->name));
        assert_ptr_equal(wl_all()[k]->meta, m[i]);
        assert_ptr_equal(wl_find(m[i]->name), wl_all()[k]);
        k++;
    }
    assert_int_equal(k, wl_count());
    assert_null(wl_meta_find("gpu"));
    assert_int_equal(wl_meta_rank("gpu"), -1);
    assert_true(wl_meta_find("disk")->flags & WLM_DISK);
    assert_true(wl_meta_find("mem")->flags & WLM_LLC);
    assert_true(wl_meta_find("startup")->flags & WLM_PHASES);
}

static void llc_size_rule(void **st)
{
    (void)st;
    /* 4x a 32 MiB L3 fits a 1 GiB limit: 128 MiB. */
    assert_int_equal(wl_meta_llc_size(32ull << 20, 1ull << 30), 128ull << 20);
    /* A VM claiming a 508 MB L3: capped so three arrays stay within 60%
     * of 1 GiB (the largest power of two: 128 MiB). */
    assert_int_equal(wl_meta_llc_size(520192ull << 10, 1ull << 30), 128ull << 20);
    assert_true(3 * wl_meta_llc_size(1ull << 40, 256ull << 20) <= (256ull << 20) * 6 / 10);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(tables_agree), cmocka_unit_test(llc_size_rule) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
