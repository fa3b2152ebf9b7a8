#include "testutil.h"
#include "workloads/wl_mem.h"

static void chase_is_one_cycle_over_every_node(void **st)
{
    (void)st;
    const size_t n = 1000, stride = 64;
    uint8_t *buf = calloc(n, stride);
    mem_chase_build(buf, n, stride, 12345);
    char *seen = calloc(n, 1);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t node = off / stride;
        assert_true(off % stride == 0 && node < n);
        assert_int_equal(seen[node], 0);          /* no node twice before the end */
        seen[node] = 1;
        memcpy(&off, buf + off, sizeof off);
    }
    assert_int_equal(off, 0);                     /* back at the start after n steps */
    assert_int_equal(mem_chase_run(buf, n), 0);
    assert_int_not_equal(mem_chase_run(buf, 1), 0);
    free(seen);
    free(buf);
}

static void chase_depends_on_seed(void **st)
{
    (void)st;
    uint8_t a[64 * 64], b[64 * 64];
    mem_chase_build(a, 64, 64, 1);
    mem_chase_build(b, 64, 64, 2);
    assert_true(memcmp(a, b, sizeof a) != 0);
}

static void stream_expectation(void **st)
{
    (void)st;
    /* Hand-computed: a=2 after the doubling pass; one round with q=3:
     * c=a=2, b=3c=6, c=a+b=8, a=b+3c=30. */
    double a, b, c;
    mem_stream_expect(1, 3.0, &a, &b, &c);
    assert_true(a == 30.0 && b == 6.0 && c == 8.0);
    mem_stream_expect(2, 3.0, &a, &b, &c);        /* c=30, b=90, c=120, a=450 */
    assert_true(a == 450.0 && b == 90.0 && c == 120.0);
}

static void default_size_is_sane(void **st)
{
    (void)st;
    uint64_t s = mem_default_size();
    assert_true(s >= (64 << 10));
    assert_int_equal(s % 4, 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(chase_is_one_cycle_over_every_node), cmocka_unit_test(chase_depends_on_seed),
        cmocka_unit_test(stream_expectation), cmocka_unit_test(default_size_is_sane),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
