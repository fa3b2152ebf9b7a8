#include "testutil.h"
#include "bench/opts.h"

struct o {
    const char *name, *mode;
    long n;
    int flag;
    struct opt_multi set;
};
#define O(f) offsetof(struct o, f)
static const struct opt_def defs[] = {
    { "name", OPT_STR, O(name), "x", 0, 0, NULL, "S", "a name" },
    { "mode", OPT_STR, O(mode), "a", 0, 0, "a|bb|c", "M", "a mode" },
    { "runs", OPT_LONG, O(n), "3", 1, 100, NULL, "N", "runs" },
    { "quiet", OPT_FLAG, O(flag), NULL, 0, 0, NULL, NULL, "be quiet" },
    { "set", OPT_MULTI, O(set), NULL, 0, 0, NULL, "K=V", "set" },
};

static int parse(struct o *o, struct vb_err *e, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    return opts_parse(defs, 5, argc, argv, o, e);
}

static void defaults_and_values(void **st)
{
    (void)st;
    struct o o;
    struct vb_err e;
    assert_int_equal(parse(&o, &e, 0, NULL), 0);
    assert_string_equal(o.name, "x");
    assert_int_equal(o.n, 3);
    char *a[] = { "--name", "y", "--runs=7", "--quiet", "--mode", "bb", "--set", "a=1", "--set=b=2" };
    assert_int_equal(parse(&o, &e, 9, a), 0);
    assert_string_equal(o.name, "y");
    assert_int_equal(o.n, 7);
    assert_int_equal(o.flag, 1);
    assert_string_equal(o.mode, "bb");
    assert_int_equal(o.set.n, 2);
    assert_string_equal(o.set.v[1], "b=2");
}

static void errors(void **st)
{
    (void)st;
    struct o o;
    struct vb_err e;
    char *a1[] = { "--runs", "0" };
    assert_int_equal(parse(&o, &e, 2, a1), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "between 1 and 100"));
    char *a2[] = { "--runs", "abc" };
    assert_int_equal(parse(&o, &e, 2, a2), -1);
    char *a3[] = { "--bogus" };
    assert_int_equal(parse(&o, &e, 1, a3), -1);
    assert_non_null(strstr(e.msg, "unknown option '--bogus'"));
    char *a4[] = { "--name" };
    assert_int_equal(parse(&o, &e, 1, a4), -1);
    assert_non_null(strstr(e.msg, "needs a value"));
    char *a5[] = { "--mode", "b" };
    assert_int_equal(parse(&o, &e, 2, a5), -1);
    char *a6[] = { "--quiet=1" };
    assert_int_equal(parse(&o, &e, 1, a6), -1);
    char *a7[] = { "stray" };
    assert_int_equal(parse(&o, &e, 1, a7), -1);
}

static void help_lists_everything(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    opts_help(f, defs, 5);
    fclose(f);
    for (int i = 0; i < 5; i++) {
        char n[32];
        snprintf(n, sizeof n, "--%s", defs[i].name);
        assert_non_null(strstr(buf, n));
    }
    assert_non_null(strstr(buf, "(1..100) (default 3)"));
    assert_non_null(strstr(buf, "[a|bb|c]"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(defaults_and_values), cmocka_unit_test(errors), cmocka_unit_test(help_lists_everything),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
