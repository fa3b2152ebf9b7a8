/* String map: values kept across growth, first value wins on put. */
#include "testutil.h"
#include "common/strmap.h"

static void put_get_grow(void **st)
{
    (void)st;
    struct strmap m = { 0 };
    assert_int_equal(strmap_get(&m, "x"), -1);
    char k[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        assert_int_equal(strmap_put(&m, k, i), i);
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        assert_int_equal(strmap_get(&m, k), i);
        assert_int_equal(strmap_put(&m, k, -7), i);           /* already there: its value */
    }
    assert_int_equal(strmap_get(&m, "key-5000"), -1);
    assert_int_equal(m.n, 5000);
    strmap_free(&m);
    assert_int_equal(strmap_get(&m, "key-1"), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(put_get_grow) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
