/* run.json written and read back by its one module: every field survives
 * the round trip, older files (mem_mib as a string) read, and damage is a
 * clear error. */
#include "testutil.h"
#include "run/meta.h"

static void round_trip(void **st)
{
    (void)st;
    char dir[] = "/tmp/vcb-test-meta.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run.json", dir);
    struct run_meta m = { .host_mem_mib = 24105, .mem_mib = 1024, .vcpus = 2, .runs = 5, .warmup = 1, .seed = 7,
                          .cache_bytes = { 49152, 1048576, 532676608, 0 }, .nwl = 2, .nenv = 1,
                          .has_totals = 1, .ok = 100, .failed = 2, .not_run = 3 };
    snprintf(m.run_id, sizeof m.run_id, "r1");
    snprintf(m.accel_reason, sizeof m.accel_reason, "a \"quoted\" reason\nwith a newline and a/slash");
    snprintf(m.wl[0].name, sizeof m.wl[0].name, "cpu");
    snprintf(m.wl[0].args, sizeof m.wl[0].args, "--int-bytes 32M --fp-reps 16");
    snprintf(m.wl[1].name, sizeof m.wl[1].name, "startup");
    snprintf(m.env[0].name, sizeof m.env[0].name, "vm");
    m.env[0].prepare_ms = 47.422391;
    struct vb_err e = { 0 };
    assert_int_equal(meta_write(path, &m, &e), 0);
    struct run_meta r;
    assert_int_equal(meta_read(path, &r, &e), 0);
    assert_string_equal(r.run_id, "r1");
    assert_string_equal(r.accel_reason, m.accel_reason);
    assert_int_equal(r.host_mem_mib, 24105);
    assert_int_equal(r.mem_mib, 1024);
    assert_int_equal(r.vcpus, 2);
    assert_int_equal(r.seed, 7);
    assert_int_equal(r.cache_bytes[2], 532676608);
    assert_int_equal(meta_llc(&r), 532676608);
    assert_int_equal(r.nwl, 2);
    assert_string_equal(r.wl[0].args, "--int-bytes 32M --fp-reps 16");
    assert_string_equal(r.wl[1].args, "");
    assert_int_equal(r.nenv, 1);
    assert_near(r.env[0].prepare_ms, 47.422391, 1e-9);
    assert_true(r.has_totals);
    assert_int_equal(r.failed, 2);
    assert_int_equal(r.not_run, 3);
    char *text = tu_read_file(path);
    assert_non_null(strstr(text, "a/slash"));          /* '/' is not escaped */
    free(text);
    unlink(path);
    /* No run.json: 1, zeroed. */
    assert_int_equal(meta_read(path, &r, &e), 1);
    assert_int_equal(r.runs, 0);
    rmdir(dir);
}

static void older_and_damaged_files(void **st)
{
    (void)st;
    char path[] = "/tmp/vcb-test-meta-old.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *old = "{\"schema\":\"vcbench-run-1\",\"mem_mib\":\"256\",\"runs\":3}";
    assert_int_equal(write(fd, old, strlen(old)), (ssize_t)strlen(old));
    close(fd);
    struct run_meta r;
    struct vb_err e = { 0 };
    assert_int_equal(meta_read(path, &r, &e), 0);
    assert_int_equal(r.mem_mib, 256);
    assert_false(r.has_totals);
    FILE *f = fopen(path, "w");
    fputs("{\"schema\":\"something-else\"}", f);
    fclose(f);
    assert_int_equal(meta_read(path, &r, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "not a vcbench run.json"));
    f = fopen(path, "w");
    fputs("{\"schema\": ", f);
    fclose(f);
    assert_int_equal(meta_read(path, &r, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(round_trip), cmocka_unit_test(older_and_damaged_files) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
