#include "testutil.h"
#include "../harness/csv.h"
#include "../harness/raw.h"

#include <stdlib.h>

static void header_rows_and_no_overwrite(void **st)
{
    (void)st;
    char dir[] = "/tmp/vcb-test-raw.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/raw.csv", dir);
    struct raw r;
    struct vb_err e;
    struct raw_run run = { .run_id = "r1", .host = "h", .accel = "tcg", .cpus = "1",
                           .wl_sha256 = "abc", .mem_mib = 512 };
    assert_int_equal(raw_open(&r, path, &run, &e), 0);
    struct raw_row row = { .env = "vm", .workload = "cpu", .params = "a=1;b=2", .rep = 3, .seq = 9,
                           .metric = "int_time", .unit = "s", .dir = "lower", .value = 0.5,
                           .has_value = 1, .status = "ok", .note = "crc=1,2" };
    assert_int_equal(raw_write(&r, &row, &e), 0);
    raw_close(&r);

    /* Never overwrite results. */
    struct raw r2;
    assert_int_equal(raw_open(&r2, path, &run, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);

    char *text = tu_read_file(path);
    char *nl = strchr(text, '\n');
    *nl = '\0';
    char *f[RAW_NCOL + 1];
    assert_int_equal(csv_split(text, f, RAW_NCOL + 1), RAW_NCOL);
    assert_string_equal(f[RAW_VALUE], "value");
    assert_int_equal(csv_split(nl + 1, f, RAW_NCOL + 1), RAW_NCOL);
    assert_string_equal(f[RAW_SCHEMA_COL], RAW_SCHEMA);
    assert_string_equal(f[RAW_ENV], "vm");
    assert_string_equal(f[RAW_VALUE], "0.5");
    assert_string_equal(f[RAW_REP], "3");
    assert_string_equal(f[RAW_ACCEL], "tcg");
    assert_string_equal(f[RAW_NOTE], "crc=1,2");
    free(text);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(header_rows_and_no_overwrite) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
