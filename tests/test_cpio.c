#include "testutil.h"
#include "env/cpio.h"

#include <sys/stat.h>

static void newc_layout(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct cpio c;
    cpio_begin(&c, f);
    cpio_dir(&c, "lib", 0755);
    cpio_file(&c, "wl", 0755, "abcde", 5);
    cpio_chardev(&c, "dev/console", 0600, 5, 1);
    assert_int_equal(cpio_end(&c), 0);
    fclose(f);

    assert_int_equal(len % 4, 0);
    assert_memory_equal(buf, "070701", 6);
    /* Entry 1: directory, mode 040755, name "lib" (namesize 4). */
    char field[9] = { 0 };
    memcpy(field, buf + 6 + 8, 8);
    assert_int_equal(strtoul(field, NULL, 16), S_IFDIR | 0755);
    memcpy(field, buf + 6 + 11 * 8, 8);
    assert_int_equal(strtoul(field, NULL, 16), 4);
    assert_string_equal(buf + 110, "lib");
    /* Entry 2 starts 4-aligned after 110 + 4 -> 116 (already aligned). */
    const char *e2 = buf + 116;
    assert_memory_equal(e2, "070701", 6);
    memcpy(field, e2 + 6 + 6 * 8, 8);
    assert_int_equal(strtoul(field, NULL, 16), 5);         /* filesize */
    assert_string_equal(e2 + 110, "wl");
    assert_memory_equal(e2 + 116, "abcde", 5);              /* 116+110+3 = 229 -> pad to 232 */
    /* Device node with rdev 5:1, and the trailer last. */
    const char *e3 = memmem(buf, len, "dev/console", 11) - 110;
    memcpy(field, e3 + 6 + 9 * 8, 8);
    assert_int_equal(strtoul(field, NULL, 16), 5);
    memcpy(field, e3 + 6 + 10 * 8, 8);
    assert_int_equal(strtoul(field, NULL, 16), 1);
    assert_non_null(memmem(buf, len, "TRAILER!!!", 10));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(newc_layout) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
