/* Integration: vcbench's own container, for real (clone, namespaces,
 * pivot_root, libcgroup). Needs root; skips with the reason otherwise. */
#include "itutil.h"

#include <dirent.h>
#include "env/cg.h"
#include "env/env.h"
#include "env/image.h"
#include "common/io.h"
#include "common/proto.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[64];
static struct image img;
static struct run_cfg cfg;
static void *state;

static int setup(void **st)
{
    (void)st;
    const char *wl = getenv("VCB_WL");
    if (geteuid() != 0 || !wl || access(wl, X_OK) != 0)
        return 0;      /* each test skips with the reason */
    struct vb_err e = { 0 };
    /* /var/tmp, not /tmp: the disk workload needs O_DIRECT, which tmpfs
     * (/tmp on many hosts) refuses. */
    snprintf(dir, sizeof dir, "/var/tmp/vcb-it-ct.XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(image_build(dir, wl, NULL, &img, &e), 0);
    cfg = (struct run_cfg){ .run_id = "itct", .wl_path = wl, .run_dir = dir, .rootfs = img.rootfs,
                            .accel = "tcg", .mem_bytes = 256 << 20, .vcpus = 1, .timeout_s = 60 };
    assert_int_equal(pin_pick(1, NULL, &cfg.pin, &e), 0);
    if (env_container.probe(&cfg, &e) < 0)
        return 0;
    assert_int_equal(env_container.prepare(&cfg, &state, &e), 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    if (state)
        env_container.teardown(state);
    state = NULL;
    if (dir[0]) {
        char cmd[128];
        image_remove(&img);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
    return 0;
}

#define NEED_CONTAINER()                                                                        \
    do {                                                                                        \
        if (geteuid() != 0)                                                                     \
            SKIP_BECAUSE("needs root (namespaces, mounts, cgroups)");                           \
        if (!state)                                                                             \
            SKIP_BECAUSE("container env cannot run here (see 'vcbench doctor')");               \
    } while (0)

static int cgroup_exists(const char *name)
{
    enum cg_version v;
    struct vb_err e = { 0 };
    assert_int_equal(cg_detect(&v, &e), 0);
    char path[256];
    snprintf(path, sizeof path, "/sys/fs/cgroup/%s%s", v == CG_V1 ? "cpuset/" : "", name);
    return access(path, F_OK) == 0;
}

/* How many of our fds point at the given namespace ("net:[...]"). */
static int fds_to(const char *ns)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        char p[300], l[64] = "";
        snprintf(p, sizeof p, "/proc/self/fd/%s", de->d_name);
        ssize_t k = readlink(p, l, sizeof l - 1);
        if (k > 0 && !strcmp(l, ns))
            n++;
    }
    closedir(d);
    return n;
}

/* Own pid namespace (wl is pid 1 inside, another pid outside), its own
 * hostname and network namespace (lo only), only the chosen CPUs, inside
 * its cgroup while it runs, and the cgroup gone afterwards. */
static void isolation_and_cgroup(void **st)
{
    (void)st;
    NEED_CONTAINER();
    struct vb_err e = { 0 };
    char *args[] = { NULL };
    struct env_job job = { .workload = "startup", .argc = 0, .argv = args, .seq = 1 };
    struct env_inst inst = { .fd = -1 };
    assert_int_equal(env_container.launch(state, &job, &inst, &e), 0);
    assert_true(inst.pid > 1);

    /* While it runs: the host sees it in the cgroup and in another pid ns. */
    char path[128], self_ns[64] = "", its_ns[64] = "";
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)inst.pid);
    ssize_t n1 = readlink("/proc/self/ns/pid", self_ns, sizeof self_ns - 1);
    ssize_t n2 = readlink(path, its_ns, sizeof its_ns - 1);
    if (n1 > 0 && n2 > 0)            /* it may already have exited: then the info line says it */
        assert_string_not_equal(self_ns, its_ns);
    assert_true(cgroup_exists("vcbench.itct/1"));

    struct seen s = { 0 };
    assert_int_equal(io_read_lines(inst.fd, &(uint64_t){ io_now_ns() + 60000000000ull }, seen_line, &s, &e), 0);
    int status = -1;
    assert_int_equal(env_container.wait(state, &inst, &status, &e), 0);
    assert_int_equal(status, 0);
    assert_string_equal(s.status, "ok");
    assert_string_equal(s.pid, "1");
    assert_string_equal(s.hostname, "vcbench");
    /* Its own network namespace, made for it (lo only). */
    char host_net[64] = "";
    ssize_t n3 = readlink("/proc/self/ns/net", host_net, sizeof host_net - 1);
    assert_true(n3 > 0);
    assert_true(!strncmp(s.netns, "net:[", 5));
    assert_string_not_equal(s.netns, host_net);
    assert_string_equal(s.ifaces, "lo");
    char want[16];
    snprintf(want, sizeof want, "%d", cfg.pin.nwork);
    assert_string_equal(s.cpus, want);
    int has_cpu = 0;
    for (int i = 0; i < inst.nextra; i++)
        has_cpu |= !strcmp(inst.extra[i].name, "env_cpu_time") && inst.extra[i].value > 0;
    assert_true(has_cpu);
    env_container.stop(state, &inst);
    assert_false(cgroup_exists("vcbench.itct/1"));
    /* The harness holds no reference to that namespace any more. */
    assert_int_equal(fds_to(s.netns), 0);
}

/* The same wl does the same work: the checksum matches the native run. */
static void same_checksum_as_native(void **st)
{
    (void)st;
    NEED_CONTAINER();
    char *args[] = { "--int-bytes", "1M", "--fp-reps", "1", NULL };
    struct env_job job = { .workload = "cpu", .argc = 4, .argv = args, .seq = 2 };
    struct env_inst inst;
    struct seen s = { 0 };
    assert_int_equal(it_run(&env_container, state, &job, &s, &inst), 0);
    char native[16] = "";
    it_native_crc(cfg.wl_path, "--int-bytes 1M --fp-reps 1", native, sizeof native);
    assert_true(s.crc[0] != '\0');
    assert_string_equal(s.crc, native);
}

/* An allocation above the memory limit is killed by the cgroup's OOM
 * killer and reported as such - not a harness crash. */
static void memory_limit_kills(void **st)
{
    (void)st;
    NEED_CONTAINER();
    struct vb_err e = { 0 };
    /* 3 arrays of 64 MiB against a 32 MiB limit. */
    struct run_cfg small = cfg;
    small.mem_bytes = 32 << 20;
    small.run_id = "itctoom";
    void *st2 = NULL;
    assert_int_equal(env_container.prepare(&small, &st2, &e), 0);
    char *args[] = { "--size", "64M", "--ntimes", "1", "--part", "bw", NULL };
    struct env_job job = { .workload = "mem", .argc = 6, .argv = args, .seq = 3 };
    struct env_inst inst = { .fd = -1 };
    assert_int_equal(env_container.launch(st2, &job, &inst, &e), 0);
    struct seen s = { 0 };
    assert_true(io_read_lines(inst.fd, &(uint64_t){ io_now_ns() + 60000000000ull }, seen_line, &s, &e) >= 0);
    int status = 0;
    assert_int_equal(env_container.wait(st2, &inst, &status, &e), 0);
    assert_int_equal(status, -1);             /* killed, not exited */
    double oom = -1;
    for (int i = 0; i < inst.nextra; i++)
        if (!strcmp(inst.extra[i].name, "oom_killed"))
            oom = inst.extra[i].value;
    assert_true(oom > 0);
    env_container.stop(st2, &inst);
    assert_false(cgroup_exists("vcbench.itctoom/3"));
    /* The run's parent cgroup lives as long as the prepared env. */
    assert_true(cgroup_exists("vcbench.itctoom"));
    env_container.teardown(st2);
    assert_false(cgroup_exists("vcbench.itctoom"));
}

/* The disk workload writes the host file through the bind mount. */
static void disk_bind_reaches_host_file(void **st)
{
    (void)st;
    NEED_CONTAINER();
    char disk[128];
    snprintf(disk, sizeof disk, "%s/disk.img", dir);
    int fd = open(disk, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 1 << 20), 0);
    close(fd);
    char *args[] = { "--file", "@disk", "--size", "1M", "--bs", "4K", "--pattern", "seqwrite", "--ms", "100", NULL };
    struct env_job job = { .workload = "disk", .argc = 10, .argv = args, .seq = 4, .disk = disk };
    struct env_inst inst;
    struct seen s = { 0 };
    assert_int_equal(it_run(&env_container, state, &job, &s, &inst), 0);
    char *text = tu_read_file(disk);
    assert_non_null(text);
    assert_memory_equal(text, "VCBDISK1", 8);
    free(text);
}

/* A broken rootfs (no /wl) fails the launch with the step named, and
 * leaves no process or cgroup behind. */
static void broken_rootfs_fails_cleanly(void **st)
{
    (void)st;
    NEED_CONTAINER();
    struct vb_err e = { 0 };
    char root[128];
    snprintf(root, sizeof root, "%s/empty", dir);
    assert_int_equal(mkdir(root, 0755), 0);
    const char *sub[] = { "proc", "dev", "mnt" };
    for (int i = 0; i < 3; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s/%s", root, sub[i]);
        assert_int_equal(mkdir(p, 0755), 0);
    }
    struct run_cfg bad = cfg;
    bad.rootfs = root;
    bad.run_id = "itctbad";
    void *st2 = NULL;
    assert_int_equal(env_container.prepare(&bad, &st2, &e), 0);
    char *args[] = { NULL };
    struct env_job job = { .workload = "startup", .argv = args, .seq = 5 };
    struct env_inst inst = { .fd = -1 };
    assert_int_equal(env_container.launch(st2, &job, &inst, &e), -1);
    assert_non_null(strstr(e.msg, "exec /wl"));
    /* The env contract: the runner calls stop() after a failed launch too,
     * and that removes whatever the launch made. */
    env_container.stop(st2, &inst);
    assert_false(cgroup_exists("vcbench.itctbad/5"));
    assert_int_equal(inst.fd, -1);
    assert_null(inst.priv);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);  /* the failed child is reaped */
    env_container.teardown(st2);
    assert_false(cgroup_exists("vcbench.itctbad"));
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(isolation_and_cgroup),
        cmocka_unit_test(same_checksum_as_native),
        cmocka_unit_test(memory_limit_kills),
        cmocka_unit_test(disk_bind_reaches_host_file),
        cmocka_unit_test(broken_rootfs_fails_cleanly),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
