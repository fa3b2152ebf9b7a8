#include "testutil.h"
#include "common/csv.h"

static char *row_text(const char *const *f, int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(csv_row(m, f, n), 0);
    fclose(m);
    return buf;
}

static void quoting(void **st)
{
    (void)st;
    const char *f[] = { "plain", "a,b", "say \"hi\"", " lead", "", "k=v;x=y" };
    char *s = row_text(f, 6);
    assert_string_equal(s, "plain,\"a,b\",\"say \"\"hi\"\"\",\" lead\",,k=v;x=y\n");
    free(s);
}

static void split_roundtrip(void **st)
{
    (void)st;
    const char *f[] = { "x", "a,b", "q\"q", "", "tail " };
    char *s = row_text(f, 5);
    char *fields[8];
    assert_int_equal(csv_split(s, fields, 8), 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(fields[i], f[i]);
    free(s);
}

static void split_malformed(void **st)
{
    (void)st;
    char *fields[4];
    char a[] = "\"open,b";
    assert_int_equal(csv_split(a, fields, 4), -1);
    char b[] = "\"x\"y,z";
    assert_int_equal(csv_split(b, fields, 4), -1);
    char c[] = "a,b\"c";
    assert_int_equal(csv_split(c, fields, 4), -1);
    char d[] = "1,2,3,4,5";
    assert_int_equal(csv_split(d, fields, 4), -1);
    char e[] = "a,,c\r\n";
    assert_int_equal(csv_split(e, fields, 4), 3);
    assert_string_equal(fields[1], "");
    assert_string_equal(fields[2], "c");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(quoting), cmocka_unit_test(split_roundtrip), cmocka_unit_test(split_malformed),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
