/* The env table and what every environment shares: wl's argv with the
 * run's disk named as the environment sees it, table order, the baseline,
 * and that every env declares what it needs from the run. */
#include "testutil.h"
#include "env/env.h"

static void job_argv_maps_the_disk(void **st)
{
    (void)st;
    char *args[] = { "--file", "@disk", "--bs", "4K", NULL };
    struct env_job job = { .workload = "disk", .argc = 4, .argv = args, .disk = "/host/disk.img" };
    char *argv[8];
    assert_int_equal(env_job_argv(&job, "/wl", "/mnt/disk", argv, 8), 6);
    assert_string_equal(argv[0], "/wl");
    assert_string_equal(argv[1], "disk");
    assert_string_equal(argv[3], "/mnt/disk");
    assert_string_equal(argv[5], "4K");
    assert_null(argv[6]);
    /* No disk attached: @disk stays as it is (wl then says what is wrong). */
    job.disk = NULL;
    assert_int_equal(env_job_argv(&job, "/wl", "/mnt/disk", argv, 8), 6);
    assert_string_equal(argv[3], "@disk");
    /* Too small an array is refused, not overrun. */
    assert_int_equal(env_job_argv(&job, "/wl", "/mnt/disk", argv, 6), -1);
}

static void table_order_and_baseline(void **st)
{
    (void)st;
    int n;
    const struct env_ops *const *all = env_all(&n);
    assert_true(n >= 3);
    assert_int_equal(env_rank("native"), 0);
    assert_int_equal(env_rank("nosuch"), n);
    assert_null(env_find("nosuch"));
    assert_true(env_is_baseline("native"));
    assert_false(env_is_baseline("vm"));
    int baselines = 0;
    for (int i = 0; i < n; i++) {
        baselines += all[i]->baseline;
        assert_ptr_equal(env_find(all[i]->name), all[i]);
        assert_non_null(all[i]->probe);
        assert_non_null(all[i]->stop);
        assert_non_null(all[i]->teardown);
    }
    assert_int_equal(baselines, 1);
    assert_true(env_find("vm")->needs & ENV_NEEDS_KERNEL);
    assert_true(env_find("container")->needs & ENV_NEEDS_ROOTFS);
    assert_int_equal(env_find("native")->needs, 0);
}

static void extra_metrics_are_bounded(void **st)
{
    (void)st;
    struct env_inst inst = { .fd = -1 };
    for (int i = 0; i < ENV_EXTRA_MAX + 3; i++)
        env_inst_metric(&inst, "m", "ms", "lower", i);
    assert_int_equal(inst.nextra, ENV_EXTRA_MAX);
    assert_near(inst.extra[ENV_EXTRA_MAX - 1].value, ENV_EXTRA_MAX - 1, 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(job_argv_maps_the_disk),
        cmocka_unit_test(table_order_and_baseline),
        cmocka_unit_test(extra_metrics_are_bounded),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
