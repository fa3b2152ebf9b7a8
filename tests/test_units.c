#include "testutil.h"
#include "common/units.h"

static void sizes(void **st)
{
    (void)st;
    uint64_t v;
    assert_int_equal(units_parse_size("4096", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(units_parse_size("4K", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(units_parse_size("64m", &v), 0);
    assert_int_equal(v, 64ull << 20);
    assert_int_equal(units_parse_size("1G", &v), 0);
    assert_int_equal(v, 1ull << 30);
    assert_int_equal(units_parse_size("2GiB", &v), 0);
    assert_int_equal(v, 2ull << 30);
    assert_int_equal(units_parse_size("512KB", &v), 0);
    assert_int_equal(v, 512ull << 10);
}

static void bad_sizes(void **st)
{
    (void)st;
    uint64_t v;
    const char *bad[] = { "", "K", "-1", "12Q", "1.5G", "4 K", "abc", "99999999999999999999", "20000000000T" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(units_parse_size(bad[i], &v), -1);
    assert_int_equal(units_parse_size(NULL, &v), -1);
}

static void longs(void **st)
{
    (void)st;
    long v;
    assert_int_equal(units_parse_long("3", 1, 10, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(units_parse_long("0", 1, 10, &v), -1);
    assert_int_equal(units_parse_long("abc", 1, 10, &v), -1);
    assert_int_equal(units_parse_long("5x", 1, 10, &v), -1);
    assert_int_equal(units_parse_long("", 1, 10, &v), -1);
}

static void format(void **st)
{
    (void)st;
    char b[32];
    units_format_size(64ull << 20, b, sizeof b);
    assert_string_equal(b, "64M");
    units_format_size(1536 << 10, b, sizeof b);
    assert_string_equal(b, "1536K");
    units_format_size(100, b, sizeof b);
    assert_string_equal(b, "100");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(sizes), cmocka_unit_test(bad_sizes), cmocka_unit_test(longs), cmocka_unit_test(format),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
