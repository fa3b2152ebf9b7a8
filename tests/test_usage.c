/* What an instance costs, read from /proc: smaps_rollup, a QEMU's smaps
 * split into guest RAM, TCG translation cache and the rest, status,
 * meminfo and the cgroup files, on fixtures read from real processes
 * (tests/fixtures/usage/README); the process tree and CPU time on this
 * test's own children; the MemAvailable line through before and after. */
#include "testutil.h"
#include "env/cg.h"
#include "env/usage.h"
#include "run/held.h"

#include <signal.h>
#include <sys/wait.h>

static char *fixture(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/tests/fixtures/usage/%s", getenv("VCB_SRC") ? getenv("VCB_SRC") : ".", name);
    char *t = tu_read_file(p);
    if (!t)
        fail_msg("cannot read fixture %s", p);
    return t;
}

static void rollup(void **st)
{
    (void)st;
    char *t = fixture("qemu-tcg.rollup");
    struct usage_mem m;
    assert_int_equal(usage_rollup_parse(t, &m), 0);
    assert_int_equal(m.rss, 1259132);
    assert_int_equal(m.pss, 1257638);
    assert_int_equal(m.pss_anon, 1167524);
    assert_int_equal(m.pss_file, 90114);
    assert_int_equal(m.pss_shmem, 0);
    assert_int_equal(m.uss, 89732 + 1167524);
    free(t);
    /* Not a rollup: no Pss line. */
    assert_int_equal(usage_rollup_parse("Rss: 12 kB\n", &m), -1);
    assert_int_equal(usage_rollup_parse("", &m), -1);
}

static void vmm_split(void **st)
{
    (void)st;
    char *t = fixture("qemu-tcg.smaps");
    struct usage_vmm v;
    /* -m 4096: one anonymous rw-p mapping of exactly 4 GiB. */
    assert_int_equal(usage_smaps_split(t, 4096 << 10, &v), 0);
    assert_int_equal(v.guest_found, 1);
    assert_int_equal(v.guest_rss, 561152);
    assert_int_equal(v.guest_pss, 561152);
    assert_int_equal(v.guest_thp, 561152);     /* all of it in huge pages (THP) */
    /* tb-size=512: the rwxp regions, 16 x 32 MiB less guard pages. */
    assert_int_equal(v.tcg_pss, 524224);
    /* A guest of another size has no RAM mapping here: nothing is taken
     * for it, and the translation cache is the same. */
    assert_int_equal(usage_smaps_split(t, 1024 << 10, &v), 0);
    assert_int_equal(v.guest_found, 0);
    assert_int_equal(v.guest_pss, 0);
    assert_int_equal(v.tcg_pss, 524224);
    free(t);
    /* A memfd-backed guest (shared) and a file mapping of the same size:
     * only the first is RAM. */
    const char *two = "7f0000000000-7f0040000000 rw-p 00000000 fe:00 1234 /var/tmp/big.img\n"
                      "Size: 1048576 kB\nRss: 100 kB\nPss: 100 kB\n"
                      "7f1000000000-7f1040000000 rw-s 00000000 00:01 99 /memfd:pc.ram (deleted)\n"
                      "Size: 1048576 kB\nRss: 2048 kB\nPss: 2048 kB\n";
    assert_int_equal(usage_smaps_split(two, 1 << 20, &v), 0);
    assert_int_equal(v.guest_found, 1);
    assert_int_equal(v.guest_pss, 2048);
    assert_int_equal(usage_smaps_split("Rss: 1 kB\n", 1 << 20, &v), -1);
}

static void status_meminfo(void **st)
{
    (void)st;
    char *t = fixture("qemu.status");
    uint64_t pte = 0, kib = 0;
    int threads = 0;
    assert_int_equal(usage_status_parse(t, &pte, &threads), 0);
    assert_int_equal(pte, 2796);
    assert_int_equal(threads, 7);
    free(t);
    assert_int_equal(usage_status_parse("Name: x\nThreads: 3\n", &pte, &threads), -1);
    t = fixture("meminfo");
    assert_int_equal(usage_meminfo_parse(t, "MemAvailable", &kib), 0);
    assert_int_equal(kib, 23127668);
    /* "MemAvail" is not a key of its own. */
    assert_int_equal(usage_meminfo_parse(t, "MemAvail", &kib), -1);
    free(t);
    pid_t pp = 0;
    char state = 0;
    assert_int_equal(usage_stat_parse("42 (a) b) c) Z 17 42 42 0", &state, &pp), 0);
    assert_int_equal(pp, 17);
    assert_int_equal(state, 'Z');
    assert_int_equal(usage_stat_parse("42 no paren", &state, &pp), -1);
}

static void cgroup_files(void **st)
{
    (void)st;
    char *t = fixture("memory.stat.v1");
    struct cg_mem m = { .current = 77 };
    assert_int_equal(cg_memstat_parse(CG_V1, t, &m), 0);
    assert_int_equal(m.current, 77);           /* not in memory.stat: kept */
    assert_int_equal(m.anon, 2654208);         /* rss, not total_rss */
    assert_int_equal(m.file, 9461760);
    free(t);
    t = fixture("memory.stat.v2");
    assert_int_equal(cg_memstat_parse(CG_V2, t, &m), 0);
    assert_int_equal(m.anon, 1081344);
    assert_int_equal(m.file, 258048);
    assert_int_equal(m.kernel, 503808);
    assert_int_equal(m.pagetables, 61440);
    assert_int_equal(m.slab, 398608);
    free(t);
    /* Before Linux 5.18 there is no "kernel": its parts. */
    assert_int_equal(cg_memstat_parse(CG_V2, "anon 1\nkernel_stack 2\npagetables 3\nslab 4\n", &m), 0);
    assert_int_equal(m.kernel, 9);
    assert_int_equal(cg_memstat_parse(CG_V2, "nothing 1\n", &m), -1);

    char path[256];
    t = fixture("cgroup-v1-hybrid");
    assert_int_equal(cg_proc_path(CG_V1, t, path, sizeof path), 0);
    assert_string_equal(path, "/process_api/f9aec80237a5e9f3053078c6c152e815");
    /* Read as v2, the same file names the unified "0::" line. */
    assert_int_equal(cg_proc_path(CG_V2, t, path, sizeof path), 0);
    assert_string_equal(path, "/");
    free(t);
    t = fixture("cgroup-v2");
    assert_int_equal(cg_proc_path(CG_V2, t, path, sizeof path), 0);
    assert_string_equal(path, "/vcbench.20261201-120000-abcd/7");
    assert_int_equal(cg_proc_path(CG_V1, t, path, sizeof path), -1);
    free(t);
    /* A co-mounted list names memory as one of several. */
    assert_int_equal(cg_proc_path(CG_V1, "3:cpu,memory:/x\n", path, sizeof path), 0);
    assert_string_equal(path, "/x");
    assert_int_equal(cg_proc_path(CG_V1, "3:memoryx:/x\n", path, sizeof path), -1);
    assert_int_equal(cg_proc_path(CG_V1, "3:memory:/a-long-path\n", path, 4), -1);
}

/* A child that idles (or spins) until killed, with a grandchild. */
static pid_t family(int spin)
{
    pid_t p = fork();
    if (p == 0) {
        if (fork() == 0)
            for (;;)
                pause();
        for (volatile unsigned long i = 0;; i++)
            if (!spin)
                pause();
    }
    return p;
}

static void tree_and_cpu(void **st)
{
    (void)st;
    pid_t idle = family(0), busy = family(1);
    assert_true(idle > 0 && busy > 0);
    usleep(200000);
    struct usage_proc p[8];
    int n = usage_tree(idle, USAGE_RUNTIME, p, 8);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].pid, idle);
    assert_int_equal(p[0].role, USAGE_RUNTIME);
    assert_int_equal(p[1].role, USAGE_WORKLOAD);
    assert_int_equal(usage_tree(idle, USAGE_VMM, p, 1), 1);
    /* The spinning one has run for about the time it has lived; the idle
     * one next to nothing. */
    uint64_t a = usage_proc_cpu_ns(busy);
    usleep(300000);
    uint64_t b = usage_proc_cpu_ns(busy);
    assert_true(b > a);
    assert_true(usage_proc_cpu_ns(idle) < a);
    struct usage_mem m;
    assert_int_equal(usage_proc_mem(idle, &m), 0);
    assert_true(m.pss > 0 && m.rss >= m.pss);
    /* Thread by thread over a window: the busy one ran, the idle one
     * did not. */
    struct usage_cpu cb = { 0 }, ci = { 0 };
    assert_int_equal(usage_cpu_begin(&cb, busy), 0);
    assert_int_equal(usage_cpu_begin(&ci, idle), 0);
    assert_int_equal(cb.n, 1);
    usleep(200000);
    assert_true(usage_cpu_since(&cb) > 50000000ull);
    assert_true(usage_cpu_since(&ci) < 5000000ull);
    usage_cpu_free(&cb);
    usage_cpu_free(&ci);
    for (int i = 0; i < 2; i++) {
        pid_t c = i ? busy : idle;
        int k = usage_tree(c, 0, p, 8);
        for (int j = k - 1; j >= 0; j--)
            kill(p[j].pid, SIGKILL);
        /* Killed, not yet reaped: a zombie has nothing to measure. */
        usleep(100000);
        assert_int_equal(usage_tree(c, 0, p, 8), 0);
        waitpid(c, NULL, 0);
    }
    assert_int_equal(usage_tree(idle, 0, p, 8), 0);
    assert_int_equal(usage_proc_cpu_ns(idle), 0);
    assert_true(usage_mem_available() > 0);
}

static void avail_line(void **st)
{
    (void)st;
    /* The host frees 100 MiB steadily while an instance holds 30: the
     * line through before and after takes the drift out. */
    struct held_avail before = { 1000000, 0 }, during = { 1000000 + 51200 - 30720, 1000000000 },
                      after = { 1000000 + 102400, 2000000000 };
    assert_near(held_avail_drop(&before, &during, &after), 30720, 1e-6);
    /* No time between before and after: the before reading alone. */
    struct held_avail same = { 900, 5 };
    assert_near(held_avail_drop(&same, &same, &same), 0, 1e-9);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(rollup),        cmocka_unit_test(vmm_split), cmocka_unit_test(status_meminfo),
        cmocka_unit_test(cgroup_files),  cmocka_unit_test(tree_and_cpu), cmocka_unit_test(avail_line),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
