#include "testutil.h"
#include "env/oci.h"

static char *render(const struct oci_spec *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(oci_config_write(f, s), 0);
    fclose(f);
    return buf;
}

static void full_config(void **st)
{
    (void)st;
    const char *args[] = { "/wl", "disk", "--file", "/mnt/disk", NULL };
    struct oci_spec s = { .rootfs = "/var/tmp/vcbench/run-x/rootfs", .args = args, .cpus = "1",
                          .mems = "0", .mem_bytes = 1ull << 30, .quota_us = 50000, .period_us = 100000,
                          .cgroups_path = "/vcbench-r-3", .disk = "/var/tmp/vcbench/disk.img" };
    char *j = render(&s);
    tu_assert_golden("oci-config-full.json", j);
    free(j);
}

static void no_cgroups_and_escaping(void **st)
{
    (void)st;
    const char *args[] = { "/wl", "cpu", "--kernel", "a\"b\\c", NULL };
    struct oci_spec s = { .rootfs = "/r", .args = args };
    char *j = render(&s);
    tu_assert_golden("oci-config-minimal.json", j);
    assert_null(strstr(j, "\"memory\""));
    assert_null(strstr(j, "cgroupsPath"));
    assert_non_null(strstr(j, "\"a\\\"b\\\\c\""));
    free(j);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(full_config), cmocka_unit_test(no_cgroups_and_escaping) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
