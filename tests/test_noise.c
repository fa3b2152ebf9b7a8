/* The antagonists' arithmetic (common/noise.c): how many units a period
 * holds at a duty cycle, the sleep that keeps the ratio, the rate between
 * two ticks - and the driver itself, run in-process for a short while. */
#include "testutil.h"
#include "common/noise.h"
#include "common/proto.h"

#include <unistd.h>

static void units_per_period(void **st)
{
    (void)st;
    /* 10 ms at 100% of 1 us units: 10000; at 50%: 5000. */
    assert_int_equal(noise_units(1000, 100, 1e7), 10000);
    assert_int_equal(noise_units(1000, 50, 1e7), 5000);
    /* A unit longer than the budget still runs once. */
    assert_int_equal(noise_units(5e7, 10, 1e7), 1);
    /* Out-of-range duties are clamped; a unit of no cost runs once. */
    assert_int_equal(noise_units(1000, 0, 1e7), 100);
    assert_int_equal(noise_units(1000, 250, 1e7), 10000);
    assert_int_equal(noise_units(0, 50, 1e7), 1);
}

static void sleeps(void **st)
{
    (void)st;
    assert_int_equal(noise_sleep_ns(1000000, 100), 0);
    assert_int_equal(noise_sleep_ns(1000000, 50), 1000000);
    assert_int_equal(noise_sleep_ns(1000000, 25), 3000000);
    assert_int_equal(noise_sleep_ns(3000000, 75), 1000000);
    /* busy / (busy + sleep) is the duty, whatever the busy time was. */
    for (int d = 1; d <= 100; d++) {
        uint64_t b = 7777777, s = noise_sleep_ns(b, d);
        assert_true(fabs((double)b / (double)(b + s) - d / 100.0) < 1e-6);
    }
}

static void rates(void **st)
{
    (void)st;
    assert_true(fabs(noise_rate(10, 1000000000ull, 30, 3000000000ull) - 10) < 1e-9);
    assert_true(noise_rate(10, 5, 20, 5) < 0);     /* empty interval */
    assert_true(noise_rate(20, 5, 10, 9) < 0);     /* work going back */
    assert_int_equal(noise_rank("bw"), 2);
    assert_int_equal(noise_rank("cache"), -1);
    assert_int_equal(noise_rank(noise_names[NOISE_N - 1]), NOISE_N - 1);
}

/* Every antagonist, run by the real wl binary for a second at 50% (a
 * process of its own: noise-fork execs its own binary): ticks that grow,
 * a positive rate in its unit, an ok end. */
static void antagonists_run(void **st)
{
    (void)st;
    const char *wl = getenv("VCB_WL");
    if (!wl || access(wl, X_OK) != 0)
        SKIP_BECAUSE("VCB_WL does not name wl; run through 'make test'");
    char path[] = "/tmp/vcb-noise-test.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 1 << 20), 0);
    close(fd);
    for (int i = 0; i < NOISE_N; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "'%s' noise-%s --duty 50 --seconds 1 --llc 1M --mem 64M --file %s", wl,
                 noise_names[i], path);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        int ticks = 0, ready = 0, ended = 0;
        double last = -1, rate = -1;
        char line[512];
        while (fgets(line, sizeof line, p)) {
            struct proto_line pl;
            assert_int_equal(proto_parse(line, &pl), 1);
            if (!strcmp(pl.kind, "ready"))
                ready = 1;
            if (!strcmp(pl.kind, "tick")) {
                double v = strtod(proto_get(&pl, "work"), NULL);
                assert_true(v >= last);
                last = v;
                ticks++;
            }
            if (!strcmp(pl.kind, "metric") && !strcmp(proto_get(&pl, "name"), "rate"))
                rate = strtod(proto_get(&pl, "value"), NULL);
            if (!strcmp(pl.kind, "end"))
                ended = !strcmp(proto_get(&pl, "status"), "ok");
        }
        int rc = pclose(p);
        if (rc != 0 || !ready || ticks < 5 || !(rate > 0) || !ended)
            fail_msg("noise-%s: exit %d, ready %d, %d ticks, rate %g, ended ok %d", noise_names[i], rc, ready, ticks,
                     rate, ended);
    }
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(units_per_period), cmocka_unit_test(sleeps),
                                    cmocka_unit_test(rates), cmocka_unit_test(antagonists_run) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
