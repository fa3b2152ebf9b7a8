#include "testutil.h"
#include "run/plan.h"

static void rounds_are_complete_and_interleaved(void **st)
{
    (void)st;
    struct plan_item *p;
    int n;
    assert_int_equal(plan_build(3, 2, 4, 1, 42, &p, &n), 0);
    assert_int_equal(n, 3 * 2 * 5);
    for (int round = 0; round < 5; round++) {
        int seen[3][2] = { { 0 } };
        for (int i = 0; i < 6; i++) {
            struct plan_item *it = &p[round * 6 + i];
            seen[it->env][it->workload]++;
            assert_int_equal(it->rep, round == 0 ? 0 : round);   /* warm-up first */
        }
        for (int e = 0; e < 3; e++)
            for (int w = 0; w < 2; w++)
                assert_int_equal(seen[e][w], 1);
    }
    /* Interleaved: some round does not start with env 0 (not batched). */
    int differs = 0;
    for (int round = 0; round < 5; round++)
        differs |= p[round * 6].env != 0 || p[round * 6 + 1].env != 1;
    assert_true(differs);
    free(p);
}

static void seeded(void **st)
{
    (void)st;
    struct plan_item *a, *b, *c;
    int na, nb, nc;
    assert_int_equal(plan_build(3, 3, 10, 0, 7, &a, &na), 0);
    assert_int_equal(plan_build(3, 3, 10, 0, 7, &b, &nb), 0);
    assert_int_equal(plan_build(3, 3, 10, 0, 8, &c, &nc), 0);
    assert_memory_equal(a, b, sizeof *a * (size_t)na);
    assert_true(memcmp(a, c, sizeof *a * (size_t)na) != 0);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(rounds_are_complete_and_interleaved), cmocka_unit_test(seeded) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
