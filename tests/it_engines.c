/* Integration: the container engines people run - docker, podman and
 * containerd - as peer environments, for real. `vcbench run` over native,
 * vcbench's container and every engine installed, with the start-up, cpu,
 * disk, audit and footprint workloads, on a state dir of its own (so each
 * daemon vcbench needs is started by the run and an image imported); then
 * raw.csv and run.json are read back: every row ok (the cpu checksums agree
 * with native's, or the runner would have said mismatch), each engine's
 * launch phases and one-time costs recorded, its container isolated and
 * limited like vcbench's own (namespaces, Docker's 14 capabilities, no
 * network, the CPU set and memory limit holding), the footprint measured on
 * the container's processes; nothing of the run left afterwards (daemon,
 * shim, container process, cgroup, mount). A run on a PATH without an
 * engine skips it with the reason; an interrupted run leaves nothing either.
 * Skips without root, or when no engine is installed (`make setup`). */
#include "itutil.h"
#include "common/fsutil.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

static char dir[64], out[128], run_id[64], envs[128];
static struct rows rows;
static int ran, lean;
static char skip_why[256];
static const char *bin;

struct engine_t {
    const char *env, *cli, *daemon, *sock;
    int present, started;      /* installed; the run had to start its daemon */
};
static struct engine_t eng[] = {
    { "docker", "docker", "dockerd", "/var/run/docker.sock", 0, 0 },
    { "podman", "podman", NULL, NULL, 0, 0 },
    { "containerd", "ctr", "containerd", "/run/containerd/containerd.sock", 0, 0 },
};
#define NENG (int)(sizeof eng / sizeof eng[0])

/* Does a daemon answer on this socket (not only: does the file exist)? */
static int answers(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok = 0;
    if (fd >= 0) {
        ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        close(fd);
    }
    return ok;
}

static int installed(const char *prog)
{
    char p[512];
    return prog == NULL || fs_which(prog, p, sizeof p) == 0;
}

static int setup(void **st)
{
    (void)st;
    bin = getenv("VCB_BIN");
    if (geteuid() != 0) {
        snprintf(skip_why, sizeof skip_why, "needs root");
        return 0;
    }
    if (!bin || access(bin, X_OK) != 0) {
        snprintf(skip_why, sizeof skip_why, "VCB_BIN does not name vcbench; run through 'make test'");
        return 0;
    }
    snprintf(envs, sizeof envs, "native,container");
    int any = 0;
    for (int i = 0; i < NENG; i++) {
        eng[i].present = installed(eng[i].cli) && installed(eng[i].daemon);
        eng[i].started = eng[i].present && eng[i].sock && !answers(eng[i].sock);
        if (eng[i].present) {
            strcat(envs, ",");
            strcat(envs, eng[i].env);
            any = 1;
        }
    }
    if (!any) {
        snprintf(skip_why, sizeof skip_why, "no container engine installed (docker.io, podman, containerd): "
                                            "run 'make setup'");
        return 0;
    }
    it_scratch("iteng", dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out", dir);
    /* Lean (the outer guest of the host check, VCB_IT_LEAN): what depends
     * on the cgroup layout only. */
    lean = getenv("VCB_IT_LEAN") != NULL;
    char *argv[] = { (char *)bin, "run", "--envs", envs, "--workloads",
                     lean ? "startup,cpu,audit" : "startup,cpu,disk,audit,footprint",
                     "--runs", "1", "--warmup", "0", "--mem", "256", "--disk-size", "16M", "--state-dir", dir,
                     "--out", out, "--set", "cpu.int-bytes=16M", "--set", "cpu.min-ms=100",
                     lean ? NULL : "--set", "disk.pattern=randread", "--set", "disk.ms=100", NULL };
    it_run_load(argv, dir, out, &rows, run_id, sizeof run_id);
    ran = 1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    rows_free(&rows);
    it_scratch_rm(dir);
    return 0;
}

#define NEED_RUN() IT_NEED(ran, skip_why)

static double value(const char *env, const char *wl, const char *metric)
{
    double v = it_ok_value(&rows, env, wl, metric);
    if (isnan(v))
        fail_msg("no ok value of %s %s %s (see %s/raw.csv)", env, wl, metric, out);
    return v;
}

static void no_failures(void **st)
{
    (void)st;
    NEED_RUN();
    for (int i = 0; i < rows.n; i++)
        if (strcmp(rows.v[i].status, "ok") != 0)
            fail_msg("%s %s %s: %s (see %s/raw.csv)", rows.v[i].env, rows.v[i].workload, rows.v[i].metric,
                     rows.v[i].status, out);
    for (int k = 0; k < NENG; k++)
        if (eng[k].present)
            assert_true(value(eng[k].env, "cpu", "int_time") > 0);
}

/* The start-up phases every environment has, each engine's own (create,
 * remove), and the one-time costs of this run: a fresh store imports the
 * image, and a daemon that was not running was started. */
static void phases_recorded(void **st)
{
    (void)st;
    NEED_RUN();
    for (int k = 0; k < NENG; k++) {
        if (!eng[k].present)
            continue;
        const char *e = eng[k].env;
        double launch = value(e, "startup", "launch_ms"), ready = value(e, "startup", "ready_ms");
        double exit = value(e, "startup", "exit_ms"), total = value(e, "startup", "total_ms");
        if (!(launch > 0 && launch <= ready && ready <= exit && exit <= total))
            fail_msg("%s: phases out of order: launch %.1f ready %.1f exit %.1f total %.1f", e, launch, ready, exit,
                     total);
        char m[64];
        snprintf(m, sizeof m, "%s_create_ms", e);
        /* The launch call is the create command and the start's spawn. */
        assert_true(value(e, "startup", m) > 0);
        snprintf(m, sizeof m, "%s_rm_ms", e);
        assert_true(value(e, "startup", m) > 0);
        /* Each run imports: a fresh store (this test's state dir), a
         * containerd namespace of the run's own, or a user's docker daemon
         * the image was removed from at the last run's end. */
        snprintf(m, sizeof m, "%s_import_ms", e);
        assert_true(value(e, "startup", m) > 0);
        snprintf(m, sizeof m, "%s_daemon_ms", e);
        if (eng[k].started)
            assert_true(value(e, "startup", m) > 0);
    }
    /* What each engine said of itself is in run.json. */
    char path[200];
    struct run_meta meta;
    struct vb_err err = { 0 };
    snprintf(path, sizeof path, "%s/run.json", out);
    assert_int_equal(meta_read(path, &meta, &err), 0);
    for (int k = 0; k < NENG; k++) {
        int found = 0;
        for (int i = 0; i < meta.nenv; i++)
            if (!strcmp(meta.env[i].name, eng[k].env)) {
                found = 1;
                if (!strstr(meta.env[i].about, eng[k].env))
                    fail_msg("%s: run.json says '%s'", eng[k].env, meta.env[i].about);
            }
        assert_int_equal(found, eng[k].present);
    }
}

/* Each engine's container is isolated and limited like vcbench's own. */
static void audit_like_container(void **st)
{
    (void)st;
    NEED_RUN();
    const char *facts[] = { "own_pid_ns", "own_mnt_ns", "own_net_ns", "own_uts_ns", "own_ipc_ns",
                            "caps_eff", "caps_beyond_docker", "host_pids_visible", "net_ifaces",
                            "cpuset_enforced", "mem_limit_enforced", "own_kernel" };
    for (int k = 0; k < NENG; k++) {
        if (!eng[k].present)
            continue;
        for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
            double want = value("container", "audit", facts[i]), got = value(eng[k].env, "audit", facts[i]);
            if (want != got)
                fail_msg("%s: %s = %g, vcbench's container %g", eng[k].env, facts[i], got, want);
        }
    }
}

/* The footprint is the container's processes and the shim or conmon
 * beside them: not the attached CLI vcbench reads the stream through. */
#define NOT_LEAN()                                                                       \
    do {                                                                                \
        if (lean)                                                                       \
            SKIP_BECAUSE("VCB_IT_LEAN: independent of the cgroup layout, run on the host"); \
    } while (0)

static void footprint_measured(void **st)
{
    (void)st;
    NEED_RUN();
    NOT_LEAN();
    for (int k = 0; k < NENG; k++) {
        if (!eng[k].present)
            continue;
        double wl = value(eng[k].env, "footprint", "workload_mib"), rt = value(eng[k].env, "footprint", "runtime_mib");
        if (!(wl > 0 && wl < 16 && rt > wl && rt < 64))
            fail_msg("%s: workload %.2f MiB, runtime beside it %.2f MiB", eng[k].env, wl, rt);
    }
}

/* Anything of this test's state dir or run still there, into why. */
static void leftovers(const char *id, char *why, size_t n)
{
    it_procs_with(dir, why, n);
    if (!why[0])
        it_procs_with(id, why, n);
    if (!why[0])
        it_cgroups_of(id, why, n);
    char scratch[200];
    snprintf(scratch, sizeof scratch, "%s/run-%s", dir, id);
    if (!why[0] && access(scratch, F_OK) == 0)
        snprintf(why, n, "scratch directory %s left", scratch);
    if (!why[0]) {
        char *m = fs_slurp("/proc/self/mounts", NULL);
        const char *at = m ? strstr(m, dir) : NULL;
        if (at)
            snprintf(why, n, "mount left: %.200s", at);
        free(m);
    }
}

static void nothing_left(void **st)
{
    (void)st;
    NEED_RUN();
    char why[4200];
    leftovers(run_id, why, sizeof why);
    if (why[0])
        fail_msg("%s", why);
    /* Nothing of the run's in vcbench's podman store. */
    if (eng[1].present) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "podman --root=%s/podman/root --runroot=%s/podman/run --tmpdir=%s/podman/tmp "
                                  "ps --all --format '{{.Names}}' 2>&1", dir, dir, dir);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char line[256];
        while (fgets(line, sizeof line, p))
            if (strstr(line, "vcbench-"))
                fail_msg("podman's store still has container %s", line);
        pclose(p);
    }
    /* Nothing written where vcbench was started (conmon writes `oom`
     * into its working directory). */
    if (access("oom", F_OK) == 0)
        fail_msg("a file 'oom' appeared in the directory vcbench ran in");
}

/* Without the engine on PATH the run goes on without it and says why. */
static void missing_engine_skipped(void **st)
{
    (void)st;
    NEED_RUN();
    NOT_LEAN();
    char out2[160], log[160], path[200];
    snprintf(out2, sizeof out2, "%s/out-skip", dir);
    snprintf(log, sizeof log, "%s/log-skip", dir);
    char *argv[] = { (char *)bin, "run", "--envs", "native,podman", "--workloads", "startup", "--runs", "1",
                     "--warmup", "0", "--state-dir", dir, "--out", out2, NULL };
    /* A PATH with gnuplot (the charts) and no engine. */
    char bindir[200], gp[512], link[256];
    snprintf(bindir, sizeof bindir, "%s/bin", dir);
    snprintf(link, sizeof link, "%s/gnuplot", bindir);
    assert_int_equal(mkdir(bindir, 0755), 0);
    if (fs_which("gnuplot", gp, sizeof gp) == 0)
        assert_int_equal(symlink(gp, link), 0);
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", bindir, 1);
    int rc = it_wait(it_spawn(argv, log));
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
    char *text = tu_read_file(log);
    if (rc != 0 || !text || !strstr(text, "skipping podman: podman is not installed"))
        fail_msg("exit %d: %s", rc, text ? text : "(no output)");
    free(text);
    struct run_meta meta;
    struct vb_err e = { 0 };
    snprintf(path, sizeof path, "%s/run.json", out2);
    assert_int_equal(meta_read(path, &meta, &e), 0);
    assert_int_equal(meta.nskipped, 1);
    assert_string_equal(meta.skipped[0].name, "podman");
    assert_int_equal(meta.nenv, 1);
}

/* The installed engines as an --envs list. */
static void engines_present(char *out, size_t n)
{
    out[0] = '\0';
    for (int k = 0; k < NENG; k++)
        if (eng[k].present)
            snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? "," : "", eng[k].env);
}

/* Run argv (any exit code: a verdict or failed rows are the test's to
 * judge) and load out/raw.csv, its path in path. */
static void run_rows(char *const argv[], const char *log, const char *out, struct rows *r, char *path, size_t n)
{
    struct vb_err e = { 0 };
    it_wait(it_spawn(argv, log));
    snprintf(path, n, "%s/raw.csv", out);
    if (rows_load(path, r, &e) < 0)
        fail_msg("%s: %s", e.msg, tu_read_file(log));
}

/* An A/B run's two arms share vcbench's daemon and store: the second arm's
 * prepare must not take the first arm's namespace and image for a dead
 * run's (it once did, and every containerd launch of arm A failed). */
static void ab_arms_share(void **st)
{
    (void)st;
    NEED_RUN();
    NOT_LEAN();
    char out2[160], log[160], path[200], envs2[96] = "";
    engines_present(envs2, sizeof envs2);
    snprintf(out2, sizeof out2, "%s/out-ab", dir);
    snprintf(log, sizeof log, "%s/log-ab", dir);
    char *argv[] = { (char *)bin, "ab", "--envs", envs2, "--workloads", "startup", "--runs", "1", "--warmup", "0",
                     "--state-dir", dir, "--out", out2, "--a", "label=a+1", "--b", "label=b:2", NULL };
    struct rows r2 = { 0 };
    run_rows(argv, log, out2, &r2, path, sizeof path);
    int ok[NENG][2] = { { 0 } };
    for (int i = 0; i < r2.n; i++) {
        if (strcmp(r2.v[i].status, "ok") != 0)
            fail_msg("%s@%s %s: %s (see %s)", r2.v[i].env, r2.v[i].arm, r2.v[i].metric, r2.v[i].status, path);
        for (int k = 0; k < NENG; k++)
            if (!strcmp(r2.v[i].env, eng[k].env) && !strcmp(r2.v[i].metric, "ready_ms"))
                ok[k][!strcmp(r2.v[i].arm, "b:2")] = 1;
    }
    for (int k = 0; k < NENG; k++)
        if (eng[k].present && !(ok[k][0] && ok[k][1]))
            fail_msg("%s: not measured in both arms (see %s)", eng[k].env, path);
    rows_free(&r2);
}

/* An allocation above the memory limit is the limit's doing, and said so
 * (status oom), in every engine - not a failed launch. */
static void memory_limit_is_oom(void **st)
{
    (void)st;
    NEED_RUN();
    char out2[160], log[160], path[200], envs2[96] = "";
    engines_present(envs2, sizeof envs2);
    snprintf(out2, sizeof out2, "%s/out-oom", dir);
    snprintf(log, sizeof log, "%s/log-oom", dir);
    char *argv[] = { (char *)bin, "run", "--envs", envs2, "--workloads", "mem", "--runs", "1", "--warmup", "0",
                     "--mem", "64", "--state-dir", dir, "--out", out2, "--set", "mem.size=128M",
                     "--set", "mem.ntimes=1", "--set", "mem.part=bw", NULL };
    struct rows r2 = { 0 };
    run_rows(argv, log, out2, &r2, path, sizeof path);
    for (int k = 0; k < NENG; k++) {
        if (!eng[k].present)
            continue;
        int oom = 0;
        for (int i = 0; i < r2.n; i++)
            oom |= !strcmp(r2.v[i].env, eng[k].env) && !strcmp(r2.v[i].status, "oom");
        if (!oom)
            fail_msg("%s: no row with status oom (see %s)", eng[k].env, path);
    }
    rows_free(&r2);
}

/* Ctrl-C while an engine's container runs: the run removes it, stops the
 * daemon it started, and leaves nothing. */
static void interrupt_leaves_nothing(void **st)
{
    (void)st;
    NEED_RUN();
    NOT_LEAN();
    const char *env = eng[0].present ? "docker" : eng[2].present ? "containerd" : "podman";
    char out2[160], log[160];
    snprintf(out2, sizeof out2, "%s/out-int", dir);
    snprintf(log, sizeof log, "%s/log-int", dir);
    char *argv[] = { (char *)bin, "run", "--envs", (char *)env, "--workloads", "cpu", "--runs", "3", "--warmup", "0",
                     "--mem", "256", "--state-dir", dir, "--out", out2, "--set", "cpu.int-bytes=256M",
                     "--set", "cpu.min-ms=3000", NULL };
    pid_t p = it_spawn(argv, log);
    /* Wait until wl runs in the container (at most 120 s), then a little. */
    char why[4200];
    int seen = 0;
    for (int i = 0; i < 1200 && !seen; i++) {
        struct timespec t = { 0, 100000000 };
        nanosleep(&t, NULL);
        it_procs_with("/wl cpu", why, sizeof why);
        seen = why[0] != '\0';
    }
    if (!seen) {
        kill(p, SIGKILL);
        it_wait(p);
        fail_msg("wl did not start in %s within 120 s: %s", env, tu_read_file(log));
    }
    struct timespec t = { 1, 0 };
    nanosleep(&t, NULL);
    kill(p, SIGINT);
    int rc = it_wait(p);
    if (rc != 130)
        fail_msg("vcbench exited %d after SIGINT: %s", rc, tu_read_file(log));
    char *text = tu_read_file(log), id[64] = "";
    const char *r = text ? strstr(text, "vcbench: run ") : NULL;
    if (!r || sscanf(r, "vcbench: run %63s", id) != 1)
        fail_msg("no run id in the log: %s", text ? text : "(none)");
    free(text);
    it_procs_with("/wl cpu", why, sizeof why);
    if (!why[0])
        leftovers(id, why, sizeof why);
    if (why[0])
        fail_msg("%s after the interrupt", why);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(no_failures), cmocka_unit_test(phases_recorded), cmocka_unit_test(audit_like_container),
        cmocka_unit_test(footprint_measured), cmocka_unit_test(nothing_left),
        cmocka_unit_test(missing_engine_skipped), cmocka_unit_test(ab_arms_share), cmocka_unit_test(memory_limit_is_oom),
        cmocka_unit_test(interrupt_leaves_nothing),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
