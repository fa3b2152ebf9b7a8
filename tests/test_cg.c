/* cgroup setting names per version: libcgroup 2.0.2 writes them verbatim,
 * so v1 and v2 must each get their own file names (this host is v1; the v2
 * names are only exercised here). Plus a real create/attach/read/destroy
 * round trip on whatever this host mounts. */
#include "testutil.h"
#include "env/cg.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct cg_setting *find(const struct cg_setting *s, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].name, name))
            return &s[i];
    return NULL;
}

static void v1_names(void **st)
{
    (void)st;
    struct cg_limits l = { .cpus = "1", .mems = "0", .mem_bytes = 256ull << 20, .quota_us = 50000 };
    struct cg_setting s[CG_SETTINGS_MAX];
    int n = cg_settings(CG_V1, &l, s, CG_SETTINGS_MAX);
    assert_int_equal(n, 5);
    /* Order matters: v1 needs cpuset.mems before a task may join. */
    assert_string_equal(s[0].name, "cpuset.cpus");
    assert_string_equal(s[0].value, "1");
    assert_string_equal(s[1].name, "cpuset.mems");
    assert_string_equal(s[1].value, "0");
    assert_string_equal(find(s, n, "cpu.cfs_period_us")->value, "100000");
    assert_string_equal(find(s, n, "cpu.cfs_quota_us")->value, "50000");
    assert_string_equal(find(s, n, "memory.limit_in_bytes")->value, "268435456");
    assert_string_equal(find(s, n, "memory.limit_in_bytes")->ctrl, "memory");
    assert_null(find(s, n, "memory.max"));
    assert_null(find(s, n, "cpu.max"));
}

static void v2_names(void **st)
{
    (void)st;
    struct cg_limits l = { .cpus = "2-3", .mems = "0", .mem_bytes = 1ull << 30, .quota_us = 150000,
                           .period_us = 50000 };
    struct cg_setting s[CG_SETTINGS_MAX];
    int n = cg_settings(CG_V2, &l, s, CG_SETTINGS_MAX);
    assert_int_equal(n, 4);
    assert_string_equal(s[0].name, "cpuset.cpus");
    assert_string_equal(s[0].value, "2-3");
    assert_null(find(s, n, "cpuset.mems"));
    assert_string_equal(find(s, n, "cpu.max")->value, "150000 50000");
    assert_string_equal(find(s, n, "cpu.max")->ctrl, "cpu");
    assert_string_equal(find(s, n, "memory.max")->value, "1073741824");
    assert_string_equal(find(s, n, "memory.swap.max")->value, "0");
    assert_null(find(s, n, "memory.limit_in_bytes"));
    assert_null(find(s, n, "cpu.cfs_quota_us"));
    /* A NUMA host: memory bound to the workload's node on v2 too. */
    l.mems = "1";
    l.numa = 1;
    n = cg_settings(CG_V2, &l, s, CG_SETTINGS_MAX);
    assert_int_equal(n, 5);
    assert_string_equal(find(s, n, "cpuset.mems")->value, "1");
}

static void no_limits_no_settings(void **st)
{
    (void)st;
    struct cg_limits l = { 0 };
    struct cg_setting s[CG_SETTINGS_MAX];
    assert_int_equal(cg_settings(CG_V1, &l, s, CG_SETTINGS_MAX), 0);
    assert_int_equal(cg_settings(CG_V2, &l, s, CG_SETTINGS_MAX), 0);
    /* A small output array is never overrun. */
    struct cg_limits full = { .cpus = "0", .mem_bytes = 1, .quota_us = 1 };
    assert_int_equal(cg_settings(CG_V1, &full, s, 2), 2);
}

/* The real thing: make a group, put a child that burns CPU in it, read the
 * CPU time back, remove the group and check it is gone. */
static void real_round_trip(void **st)
{
    (void)st;
    if (geteuid() != 0)
        SKIP_BECAUSE("needs root to create cgroups");
    enum cg_version v;
    struct vb_err e = { 0 };
    if (cg_detect(&v, &e) < 0)
        SKIP_BECAUSE("%s", e.msg);
    char name[64];
    snprintf(name, sizeof name, "vcbench.test.%d", (int)getpid());
    struct cg_limits l = { .cpus = "0", .mems = "0", .mem_bytes = 64ull << 20 };
    struct cg *c = NULL;
    assert_int_equal(cg_create(name, &l, &c, &e), 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char b;
        close(p[1]);
        if (read(p[0], &b, 1) != 1)
            _exit(1);
        volatile unsigned long x = 0;
        for (unsigned long i = 0; i < 50000000ul; i++)
            x += i;
        _exit(0);
    }
    assert_true(pid > 0);
    close(p[0]);
    assert_int_equal(cg_attach(c, pid, &e), 0);
    assert_int_equal(write(p[1], "g", 1), 1);
    close(p[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    uint64_t cpu_ns = 0, peak = 0;
    assert_int_equal(cg_usage(c, &cpu_ns, &peak, &e), 0);
    assert_true(cpu_ns > 1000000);     /* it burnt well over 1 ms in there */
    assert_int_equal(cg_oom_killed(c), 0);
    cg_destroy(c);
    char path[256];
    snprintf(path, sizeof path, "/sys/fs/cgroup/%s%s", v == CG_V1 ? "cpuset/" : "", name);
    assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_names),
        cmocka_unit_test(v2_names),
        cmocka_unit_test(no_limits_no_settings),
        cmocka_unit_test(real_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
