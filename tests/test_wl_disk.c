#include "testutil.h"
#include "workloads/wl_disk.h"

static void percentiles_nearest_rank(void **st)
{
    (void)st;
    uint64_t v[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    assert_int_equal(disk_percentile(v, 10, 50), 5);     /* ceil(5) = 5th */
    assert_int_equal(disk_percentile(v, 10, 51), 6);     /* ceil(5.1) = 6th */
    assert_int_equal(disk_percentile(v, 10, 99), 10);
    assert_int_equal(disk_percentile(v, 10, 99.9), 10);
    assert_int_equal(disk_percentile(v, 10, 10), 1);
    assert_int_equal(disk_percentile(v, 0, 50), 0);
    /* 1000 samples 1..1000: p99 = 990th, p99.9 = 999th. */
    uint64_t *w = malloc(1000 * sizeof *w);
    for (int i = 0; i < 1000; i++)
        w[i] = (uint64_t)i + 1;
    assert_int_equal(disk_percentile(w, 1000, 99), 990);
    assert_int_equal(disk_percentile(w, 1000, 99.9), 999);
    assert_int_equal(disk_percentile(w, 1000, 50), 500);
    free(w);
}

static void geometry(void **st)
{
    (void)st;
    assert_null(disk_check_geometry(4096, 1 << 20, 512));
    assert_non_null(disk_check_geometry(0, 1 << 20, 512));
    assert_non_null(strstr(disk_check_geometry(3000, 1 << 20, 512), "multiple"));
    assert_non_null(disk_check_geometry(512, 1 << 20, 4096));
    assert_non_null(strstr(disk_check_geometry(8192, 4096, 512), "--size"));
}

static void stamp(void **st)
{
    (void)st;
    uint8_t b[32] = { 0 };
    disk_stamp(b, sizeof b, 0x0102030405060708ull);
    assert_memory_equal(b, "VCBDISK1", 8);
    assert_int_equal(b[8], 0x08);
    assert_int_equal(b[15], 0x01);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(percentiles_nearest_rank), cmocka_unit_test(geometry), cmocka_unit_test(stamp),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
