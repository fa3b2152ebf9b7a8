#include "testutil.h"
#include "workloads/wl_cpu.h"

static void crc32_known_values(void **st)
{
    (void)st;
    assert_int_equal(cpu_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
    assert_int_equal(cpu_crc32(0, (const uint8_t *)"", 0), 0);
    /* Chaining equals one pass. */
    uint32_t a = cpu_crc32(0, (const uint8_t *)"1234", 4);
    assert_int_equal(cpu_crc32(a, (const uint8_t *)"56789", 5), 0xCBF43926u);
}

static void dgemm_matches_reference(void **st)
{
    (void)st;
    /* Independent triple loop over the same inputs. */
    int n = 8, reps = 3;
    double want = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double c = 0;
            for (int k = 0; k < n; k++)
                c += ((double)((i * n + k) % 7) * 0.25 + 1.0) * ((double)((k * n + j) % 5) * 0.5 - 1.0);
            want += reps * c;
        }
    double got = cpu_dgemm(n, reps);
    assert_true(got > want - 1e-9 && got < want + 1e-9);
}

static void fill_is_deterministic(void **st)
{
    (void)st;
    uint8_t a[256], b[256], c[256];
    cpu_fill(a, sizeof a, 1);
    cpu_fill(b, sizeof b, 1);
    cpu_fill(c, sizeof c, 2);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(crc32_known_values), cmocka_unit_test(dgemm_matches_reference),
        cmocka_unit_test(fill_is_deterministic),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
