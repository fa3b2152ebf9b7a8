/* Integration: the runner drives the native env end to end and raw.csv
 * gets the rows (real processes, real pinning). */
#include "testutil.h"
#include "common/csv.h"
#include "env/env.h"
#include "common/raw.h"
#include "run/runner.h"

#include <sched.h>

static char dir[64];

static int count_rows(const char *path, const char *metric, const char *status, char *cpus_out)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *fl[RAW_NCOL + 1];
        assert_int_equal(csv_split(line, fl, RAW_NCOL + 1), RAW_NCOL);
        if (!strcmp(fl[RAW_METRIC], metric) && !strcmp(fl[RAW_STATUS], status)) {
            n++;
            if (cpus_out)
                strcpy(cpus_out, fl[RAW_CPUS]);
        }
    }
    fclose(f);
    return n;
}

static void runner_native_cpu_and_startup(void **st)
{
    (void)st;
    const char *wl = getenv("VCB_WL");
    if (!wl || access(wl, X_OK) != 0)
        SKIP_BECAUSE("VCB_WL does not name the wl binary; run through 'make test'");
    struct vb_err e = { 0 };
    struct run_cfg cfg = { .run_id = "itnative", .wl_path = wl, .accel = "tcg", .timeout_s = 60,
                           .mem_bytes = 256 << 20, .vcpus = 1 };
    assert_int_equal(pin_pick(1, NULL, &cfg.pin, &e), 0);
    snprintf(dir, sizeof dir, "/var/tmp/vcb-it-native.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/raw.csv", dir);
    struct raw raw;
    struct raw_run rr = { .run_id = "itnative", .host = "h", .accel = "tcg", .cpus = cfg.pin.work,
                          .wl_sha256 = "x", .mem_mib = 256 };
    assert_int_equal(raw_open(&raw, path, &rr, &e), 0);

    char *cpu_args[] = { "--int-bytes", "1M", "--fp-reps", "1", NULL };
    struct run_workload wls[2] = { { "cpu", 4, cpu_args, 0 }, { "startup", 0, NULL, 0 } };
    struct run_spec s = { .nslot = 1, .nwl = 2, .runs = 3, .warmup = 1, .seed = 5, .raw = &raw };
    s.slots[0] = (struct run_slot){ .env = &env_native, .cfg = &cfg, .wls = wls, .arm = "" };
    struct run_totals t;
    int r = runner_run(&s, &t, &e);
    raw_close(&raw);
    assert_int_equal(r, 0);
    assert_int_equal(t.ok, 6);
    assert_int_equal(t.failed, 0);

    char cpus[64] = "";
    assert_int_equal(count_rows(path, "int_time", "ok", cpus), 3);   /* warm-up not recorded */
    assert_string_equal(cpus, cfg.pin.work);
    assert_int_equal(count_rows(path, "fp_rate", "ok", NULL), 3);
    assert_int_equal(count_rows(path, "ready_ms", "ok", NULL), 3);
    assert_int_equal(count_rows(path, "teardown_ms", "ok", NULL), 3);
    assert_int_equal(count_rows(path, "env_cpu_time", "ok", NULL), 6);
    unlink(path);
    rmdir(dir);
}

static void failing_workload_is_a_row_not_a_crash(void **st)
{
    (void)st;
    const char *wl = getenv("VCB_WL");
    if (!wl || access(wl, X_OK) != 0)
        SKIP_BECAUSE("VCB_WL does not name the wl binary; run through 'make test'");
    struct vb_err e = { 0 };
    struct run_cfg cfg = { .run_id = "itnative2", .wl_path = wl, .accel = "tcg", .timeout_s = 60,
                           .mem_bytes = 256 << 20, .vcpus = 1 };
    assert_int_equal(pin_pick(1, NULL, &cfg.pin, &e), 0);
    snprintf(dir, sizeof dir, "/var/tmp/vcb-it-native.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/raw.csv", dir);
    struct raw raw;
    struct raw_run rr = { .run_id = "x", .host = "h", .accel = "tcg", .cpus = "1", .wl_sha256 = "x", .mem_mib = 1 };
    assert_int_equal(raw_open(&raw, path, &rr, &e), 0);
    char *bad[] = { "--threads", "999999", NULL };        /* out of range: wl exits 2 */
    struct run_workload wls[1] = { { "cpu", 2, bad, 0 } };
    struct run_spec s = { .nslot = 1, .nwl = 1, .runs = 1, .raw = &raw };
    s.slots[0] = (struct run_slot){ .env = &env_native, .cfg = &cfg, .wls = wls, .arm = "" };
    struct run_totals t;
    assert_int_equal(runner_run(&s, &t, &e), 0);
    raw_close(&raw);
    assert_int_equal(t.failed, 1);
    assert_int_equal(count_rows(path, "run", "fail", NULL), 1);
    char *text = tu_read_file(path);
    assert_non_null(strstr(text, "bad value '999999' for --threads"));
    free(text);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(runner_native_cpu_and_startup), cmocka_unit_test(failing_workload_is_a_row_not_a_crash),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
