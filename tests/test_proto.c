#include "testutil.h"
#include "common/proto.h"

static void good_line(void **st)
{
    (void)st;
    struct proto_line l;
    assert_int_equal(proto_parse("vcb1 metric name=int_time unit=s dir=lower value=0.25\n", &l), 1);
    assert_string_equal(l.kind, "metric");
    assert_int_equal(l.nfield, 4);
    assert_string_equal(proto_get(&l, "name"), "int_time");
    assert_string_equal(proto_get(&l, "value"), "0.25");
    assert_null(proto_get(&l, "nope"));
}

static void console_noise(void **st)
{
    (void)st;
    struct proto_line l;
    assert_int_equal(proto_parse("[    0.123] Linux version 6.1", &l), 0);
    assert_int_equal(proto_parse("", &l), 0);
    assert_int_equal(proto_parse("xvcb1 end status=ok", &l), 0);
    /* A console may prefix our line; CR LF from a serial line is fine. */
    assert_int_equal(proto_parse("\rvcb1 end status=ok\r\n", &l), 1);
    assert_string_equal(proto_get(&l, "status"), "ok");
    assert_int_equal(proto_parse("vcb1 ready", &l), 1);
    assert_int_equal(l.nfield, 0);
}

static void malformed(void **st)
{
    (void)st;
    struct proto_line l;
    assert_int_equal(proto_parse("vcb1 metric name", &l), -1);          /* no '=' */
    assert_int_equal(proto_parse("vcb1 metric =x", &l), -1);            /* empty key */
    assert_int_equal(proto_parse("vcb1 Metric a=b", &l), -1);           /* kind not lower-case */
    assert_int_equal(proto_parse("vcb1 metric a=%zz", &l), -1);         /* bad escape */
    assert_int_equal(proto_parse("vcb1 metric a=%4", &l), -1);          /* cut escape */
    assert_int_equal(proto_parse("vcb1  ", &l), -1);                    /* no kind */
    char many[1024] = "vcb1 param";
    for (int i = 0; i < PROTO_MAX_FIELDS + 1; i++)
        strcat(many, " k=v");
    assert_int_equal(proto_parse(many, &l), -1);
}

static void roundtrip_escapes(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(proto_emit(f, "error", "msg", "disk full: 100% = bad\tnews", (char *)NULL), 0);
    assert_int_equal(proto_metric(f, "x", "MB/s", "higher", 1.5), 0);
    fclose(f);
    assert_non_null(strstr(buf, "msg=disk%20full:%20100%25%20%3D%20bad%09news\n"));
    struct proto_line l;
    assert_int_equal(proto_parse(buf, &l), 1);
    assert_string_equal(proto_get(&l, "msg"), "disk full: 100% = bad\tnews");
    assert_int_equal(proto_parse(strchr(buf, '\n') + 1, &l), 1);
    assert_string_equal(proto_get(&l, "unit"), "MB/s");
    assert_string_equal(proto_get(&l, "value"), "1.5");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(good_line), cmocka_unit_test(console_noise),
        cmocka_unit_test(malformed), cmocka_unit_test(roundtrip_escapes),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
