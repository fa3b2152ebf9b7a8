/* Integration: runc and crun as peers run the same wl from a bundle of the
 * same rootfs and do the same work (same checksum as native); nothing of
 * theirs is left afterwards. Skips a runtime that is not installed. */
#include "itutil.h"
#include "env/image.h"
#include "common/fsutil.h"

#include <sys/stat.h>

static char dir[64];
static struct image img;
static struct run_cfg cfg;

static int setup(void **st)
{
    (void)st;
    const char *wl = getenv("VCB_WL");
    if (geteuid() != 0 || !wl || access(wl, X_OK) != 0)
        return 0;
    struct vb_err e = { 0 };
    /* /var/tmp, not /tmp: the disk workload needs O_DIRECT, which tmpfs
     * (/tmp on many hosts) refuses. */
    snprintf(dir, sizeof dir, "/var/tmp/vcb-it-oci.XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(image_build(dir, wl, NULL, &img, &e), 0);
    cfg = (struct run_cfg){ .run_id = "itoci", .wl_path = wl, .run_dir = dir, .rootfs = img.rootfs,
                            .accel = "tcg", .mem_bytes = 256 << 20, .vcpus = 1, .timeout_s = 60 };
    assert_int_equal(pin_pick(1, NULL, &cfg.pin, &e), 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    if (dir[0]) {
        char cmd[128];
        image_remove(&img);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
    return 0;
}

static void peer_same_work(const struct env_ops *env, const char *state_dir)
{
    if (geteuid() != 0)
        SKIP_BECAUSE("needs root");
    if (!dir[0])
        SKIP_BECAUSE("VCB_WL does not name the wl binary; run through 'make test'");
    struct vb_err e = { 0 };
    if (env->probe(&cfg, &e) < 0)
        SKIP_BECAUSE("%s: %s", env->name, e.msg);
    void *state = NULL;
    assert_int_equal(env->prepare(&cfg, &state, &e), 0);

    char *args[] = { "--int-bytes", "1M", "--fp-reps", "1", NULL };
    struct env_job job = { .workload = "cpu", .argc = 4, .argv = args, .seq = 7 };
    struct env_inst inst;
    struct seen s = { 0 };
    assert_int_equal(it_run(env, state, &job, &s, &inst), 0);
    assert_string_equal(s.status, "ok");
    char native[16] = "";
    it_native_crc(cfg.wl_path, "--int-bytes 1M --fp-reps 1", native, sizeof native);
    assert_true(s.crc[0] != '\0');
    assert_string_equal(s.crc, native);

    /* Its own pid namespace, like ours. */
    struct env_job st = { .workload = "startup", .argc = 0, .argv = args + 4, .seq = 8 };
    struct seen s2 = { 0 };
    assert_int_equal(it_run(env, state, &st, &s2, &inst), 0);
    assert_string_equal(s2.pid, "1");
    env->teardown(state);

    /* The runtime removed its state and the bundle is gone. */
    char path[256];
    snprintf(path, sizeof path, "%s/vcbench-itoci-7", state_dir);
    assert_int_not_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/vcbench-itoci-7", dir);
    assert_int_not_equal(access(path, F_OK), 0);
}

/* A run killed with -9 leaves the runtime's container behind (runc keeps
 * running it); the next run's sweep, given the dead run's record line,
 * deletes exactly the containers of that run. */
static void sweep_deletes_a_dead_runs_container(void **st)
{
    (void)st;
    const struct env_ops *env = &env_oci_runc;
    struct vb_err e = { 0 };
    if (geteuid() != 0 || !dir[0] || env->probe(&cfg, &e) < 0)
        SKIP_BECAUSE("needs root, the wl binary and runc (%s)", e.msg);
    void *state = NULL;
    assert_int_equal(env->prepare(&cfg, &state, &e), 0);
    char *args[] = { NULL };
    struct env_job job = { .workload = "hold", .argc = 0, .argv = args, .seq = 9 };
    struct env_inst inst = { .fd = -1 };
    assert_int_equal(env->launch(state, &job, &inst, &e), 0);
    struct seen s = { 0 };
    /* hold never ends: the read times out once it is running. */
    io_read_lines(inst.fd, &(uint64_t){ io_now_ns() + 3000000000ull }, seen_line, &s, &e);
    assert_int_equal(access("/run/runc/vcbench-itoci-9", F_OK), 0);
    char runc[256], line[600];
    assert_int_equal(fs_which("runc", runc, sizeof runc), 0);
    snprintf(line, sizeof line, "0 vcbench-itoci- runc %s", runc);
    env->sweep("oci", line);
    assert_int_not_equal(access("/run/runc/vcbench-itoci-9", F_OK), 0);
    /* A live run's record line for another prefix touches nothing. */
    env->sweep("oci", "0 vcbench-someone-else- runc /usr/sbin/runc");
    env->stop(state, &inst);
    env->teardown(state);
}

static void runc_same_work(void **st)
{
    (void)st;
    peer_same_work(&env_oci_runc, "/run/runc");
}

static void crun_same_work(void **st)
{
    (void)st;
    peer_same_work(&env_oci_crun, "/run/crun");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(runc_same_work),
        cmocka_unit_test(crun_same_work),
        cmocka_unit_test(sweep_deletes_a_dead_runs_container),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
