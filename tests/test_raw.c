/* raw.csv written and read back: rows go out whole and never over old
 * results; the fixture loads, and every kind of damage is a one-line error
 * naming the line, never a crash or a partial load. */
#include "testutil.h"
#include "common/csv.h"
#include "common/raw.h"

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

static char tmp[64];

static const char *fixture(void)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/tests/fixtures/results-small/raw.csv", getenv("VCB_SRC") ? getenv("VCB_SRC") : ".");
    return p;
}

static void loads_fixture(void **st)
{
    (void)st;
    struct rows r;
    struct vb_err e = { 0 };
    assert_int_equal(rows_load(fixture(), &r, &e), 0);
    assert_int_equal(r.n, 127);
    assert_string_equal(r.v[0].env, "native");
    assert_string_equal(r.v[0].metric, "int_time");
    assert_near(r.v[0].value, 1.0, 0);
    assert_string_equal(r.v[0].params, "int_bytes=1048576");
    const struct row *last = &r.v[r.n - 1];
    assert_string_equal(last->status, "timeout");
    assert_false(last->has_value);
    rows_free(&r);
}

static int load_text(const char *text, struct vb_err *e)
{
    snprintf(tmp, sizeof tmp, "/tmp/vcb-rows.XXXXXX");
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct rows r;
    int rc = rows_load(tmp, &r, e);
    if (rc == 0)
        rows_free(&r);
    unlink(tmp);
    return rc;
}

#define HDR "schema,run_id,time_utc,host,env,workload,params,rep,seq,metric,unit,dir,value,status,accel,cpus,mem_mib,wl_sha256,note\n"
#define ROW(v, st) "vcbench-raw-1,r,t,h,native,cpu,,1,1,int_time,s,lower," v "," st ",tcg,1,1,x,\n"

static void malformed(void **st)
{
    (void)st;
    struct vb_err e = { 0 };
    assert_int_equal(load_text(HDR ROW("1.5", "ok"), &e), 0);
    assert_int_equal(load_text("not,a,header\n", &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "line 1"));
    assert_int_equal(load_text(HDR ROW("1.5", "ok") ROW("abc", "ok"), &e), -1);
    assert_non_null(strstr(e.msg, "line 3: value is not a number"));
    assert_int_equal(load_text(HDR ROW("", "ok"), &e), -1);
    assert_non_null(strstr(e.msg, "ok row without a value"));
    assert_int_equal(load_text(HDR "vcbench-raw-1,r,t,h,native\n", &e), -1);
    assert_non_null(strstr(e.msg, "wrong number of fields"));
    /* An open quote at the very end is a torn last row (dropped); one that
     * swallows the rows after it is a broken file. */
    assert_int_equal(load_text(HDR "vcbench-raw-1,\"r,t,h,native\n", &e), 0);
    assert_int_equal(load_text(HDR "vcbench-raw-1,\"r,t,h,native\n" ROW("1.5", "ok"), &e), -1);
    assert_non_null(strstr(e.msg, "line 2"));
    assert_int_equal(load_text(HDR "vcbench-raw-9,r,t,h,native,cpu,,1,1,m,s,lower,1,ok,tcg,1,1,x,\n", &e), -1);
    assert_non_null(strstr(e.msg, "schema"));
    assert_int_equal(load_text("", &e), -1);
    assert_int_equal(rows_load("/nonexistent/raw.csv", &(struct rows){ 0 }, &e), -1);
    assert_non_null(strstr(e.msg, "cannot read"));
}

/* Whatever bytes a note holds (a multi-line libvirt error, quotes,
 * commas, control bytes), the row reads back and so do the rows after it;
 * a last row cut short by kill -9 is dropped, the whole ones kept. */
static void any_note_round_trips(void **st)
{
    (void)st;
    char dir[] = "/tmp/vcb-test-raw2.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/raw.csv", dir);
    struct raw r;
    struct vb_err e = { 0 };
    struct raw_run run = { .run_id = "r1", .host = "h", .accel = "tcg", .cpus = "1", .wl_sha256 = "abc",
                           .mem_mib = 512 };
    assert_int_equal(raw_open(&r, path, &run, &e), 0);
    const char *notes[] = { "launch: libvirt says:\nline two\r\nline \"three\", with commas,,",
                            "\x01\x02 ctl\tbytes \x7f", "\"", "\n", "ends with a quote\"" };
    for (int i = 0; i < 5; i++) {
        struct raw_row row = { .env = "vm", .workload = "cpu", .params = "a=1;b=\"x\"", .rep = i + 1,
                               .seq = i, .metric = "run", .unit = "", .dir = "", .status = "fail",
                               .note = notes[i] };
        assert_int_equal(raw_write(&r, &row, &e), 0);
    }
    raw_close(&r);
    struct rows rows;
    assert_int_equal(rows_load(path, &rows, &e), 0);
    assert_int_equal(rows.n, 5);
    assert_int_equal(rows.v[4].rep, 5);
    assert_string_equal(rows.v[0].params, "a=1;b=\"x\"");
    rows_free(&rows);
    /* kill -9 in the middle of a row: the torn tail goes, the rest loads. */
    FILE *f = fopen(path, "a");
    fputs("vcbench-raw-1,r1,2026-12-01T00:00:00Z,h,vm,cpu,\"a=1", f);
    fclose(f);
    assert_int_equal(rows_load(path, &rows, &e), 0);
    assert_int_equal(rows.n, 5);
    rows_free(&rows);
    unlink(path);
    rmdir(dir);
}

/* Names reach file names, gnuplot scripts and Markdown: a row whose name
 * could break out of them is refused with the line and the field. */
static void hostile_names_refused(void **st)
{
    (void)st;
    struct vb_err e = { 0 };
    const char *bad[] = {
        HDR "vcbench-raw-1,r,t,h,native,cpu,,1,1,\"x\"\" ; system 'id'\",s,lower,1,ok,tcg,1,1,x,\n",
        HDR "vcbench-raw-1,r,t,h,na tive,cpu,,1,1,m,s,lower,1,ok,tcg,1,1,x,\n",
        HDR "vcbench-raw-1,r,t,h|x,native,cpu,,1,1,m,s,lower,1,ok,tcg,1,1,x,\n",
        HDR "vcbench-raw-1,r,t,h,native,cpu,,1,1,m,s,sideways,1,ok,tcg,1,1,x,\n",
        HDR "vcbench-raw-1,r,t,h,native,cpu,,1,1,m,\"s\nx\",lower,1,ok,tcg,1,1,x,\n",
        HDR "vcbench-raw-1,r,t,h,native,,,1,1,m,s,lower,1,ok,tcg,1,1,x,\n",
    };
    const char *what[] = { "metric", "env", "host", "dir", "unit", "workload" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load_text(bad[i], &e), -1);
        assert_int_equal(e.code, VB_EUSAGE);
        if (!strstr(e.msg, "line 2") || !strstr(e.msg, what[i]))
            fail_msg("case %zu: %s", i, e.msg);
    }
    assert_true(raw_name_ok("randread_lat_p99", 48, 0));
    assert_true(raw_name_ok("MB/s", 16, 1));
    assert_false(raw_name_ok("MB/s", 16, 0));
    assert_false(raw_name_ok("", 16, 0));
    assert_false(raw_name_ok("0123456789abcdef", 16, 0));   /* does not fit */
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(header_rows_and_no_overwrite),
        cmocka_unit_test(loads_fixture),
        cmocka_unit_test(malformed),
        cmocka_unit_test(any_note_round_trips),
        cmocka_unit_test(hostile_names_refused),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
