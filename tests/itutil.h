/* itutil.h - what integration tests share: collecting the protocol lines an
 * environment instance sends, the checksum native wl computes, running
 * vcbench into a log, and looking for what a run may have left. */
#ifndef VB_ITUTIL_H
#define VB_ITUTIL_H

#include "testutil.h"
#include "env/env.h"
#include "common/io.h"
#include "common/proto.h"
#include "common/raw.h"
#include "run/meta.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the stream said. */
struct seen {
    char pid[16], cpus[16], hostname[64], status[16], crc[16], netns[64], ifaces[128];
    int lines;
};

static inline int seen_line(void *arg, const char *line, uint64_t t)
{
    (void)t;
    struct seen *s = arg;
    struct proto_line pl;
    if (proto_parse(line, &pl) != 1)
        return 0;
    s->lines++;
    const char *v;
#define SEEN_GET(f) snprintf(s->f, sizeof s->f, "%s", (v = proto_get(&pl, #f)) ? v : "")
    if (!strcmp(pl.kind, "info")) {
        SEEN_GET(pid);
        SEEN_GET(cpus);
        SEEN_GET(hostname);
        SEEN_GET(netns);
        SEEN_GET(ifaces);
#undef SEEN_GET
    } else if (!strcmp(pl.kind, "check") && (v = proto_get(&pl, "name")) && !strcmp(v, "int_crc32")) {
        snprintf(s->crc, sizeof s->crc, "%s", proto_get(&pl, "value"));
    } else if (!strcmp(pl.kind, "end")) {
        snprintf(s->status, sizeof s->status, "%s", proto_get(&pl, "status"));
        return 1;
    }
    return 0;
}

/* Launch job in env, read its stream to the end, wait and stop it.
 * Returns wl's status (0 ok, -1 killed). */
static inline int it_run(const struct env_ops *env, void *state, const struct env_job *job, struct seen *s,
                         struct env_inst *inst)
{
    struct vb_err e = { 0 };
    *inst = (struct env_inst){ .fd = -1 };
    if (env->launch(state, job, inst, &e) < 0)
        fail_msg("%s launch: %s", env->name, e.msg);
    if (io_read_lines(inst->fd, &(uint64_t){ io_now_ns() + 120000000000ull }, seen_line, s, &e) < 0)
        fail_msg("%s read: %s", env->name, e.msg);
    int status = -2;
    if (env->wait(state, inst, &status, &e) < 0)
        fail_msg("%s wait: %s", env->name, e.msg);
    env->stop(state, inst);
    return status;
}

/* int_crc32 of `wl cpu <args>` run natively, for comparison. */
static inline void it_native_crc(const char *wl, const char *args, char *out, size_t n)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s cpu %s | sed -n 's/.*name=int_crc32 value=\\([0-9a-f]*\\).*/\\1/p'", wl, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)n, p));
    pclose(p);
    out[strcspn(out, "\n")] = '\0';
}

/* A scratch state dir of the test's own, /var/tmp/vcbench/<tag>.XXXXXX
 * (a fresh state dir, as on a fresh machine), into dir. */
static inline void it_scratch(const char *tag, char *dir, size_t n)
{
    if (mkdir("/var/tmp/vcbench", 0755) < 0 && errno != EEXIST)
        fail_msg("mkdir /var/tmp/vcbench: %s", strerror(errno));
    snprintf(dir, n, "/var/tmp/vcbench/%s.XXXXXX", tag);
    assert_non_null(mkdtemp(dir));
}

/* Remove it again (nothing when it was never made). */
static inline void it_scratch_rm(const char *dir)
{
    if (!dir[0])
        return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The first ok value of env/workload/metric in rows; NAN when none. */
static inline double it_ok_value(const struct rows *rows, const char *env, const char *wl, const char *metric)
{
    for (int i = 0; i < rows->n; i++) {
        const struct row *r = &rows->v[i];
        if (!strcmp(r->env, env) && !strcmp(r->workload, wl) && !strcmp(r->metric, metric) && !strcmp(r->status, "ok"))
            return r->value;
    }
    return NAN;
}

/* A test that needs the group's run skips, with the reason, without it. */
#define IT_NEED(ran, why)                           \
    do {                                            \
        if (!(ran))                                 \
            SKIP_BECAUSE("%s", (why));              \
    } while (0)

/* Start argv with stdout and stderr into log; its pid. */
static inline pid_t it_spawn(char *const argv[], const char *log)
{
    pid_t p = fork();
    if (p == 0) {
        FILE *f = freopen(log, "w", stdout);
        if (!f || dup2(1, 2) < 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    return p;
}

/* Wait for p: its exit code, or 128 + the signal that ended it. */
static inline int it_wait(pid_t p)
{
    int st;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run `vcbench run` (argv) with its output in dir/log, fail the test with
 * that output unless it exits 0, then load out/raw.csv into rows and the
 * run's id from out/run.json. */
static inline void it_run_load(char *const argv[], const char *dir, const char *out, struct rows *rows,
                               char *run_id, size_t n)
{
    char log[512], path[512];
    snprintf(log, sizeof log, "%s/log", dir);
    int rc = it_wait(it_spawn(argv, log));
    if (rc != 0) {
        char *t = tu_read_file(log);
        fail_msg("vcbench run exited %d: %s", rc, t ? t : "(no output)");
    }
    snprintf(path, sizeof path, "%s/raw.csv", out);
    struct vb_err e = { 0 };
    if (rows_load(path, rows, &e) < 0)
        fail_msg("%s", e.msg);
    struct run_meta m;
    snprintf(path, sizeof path, "%s/run.json", out);
    assert_int_equal(meta_read(path, &m, &e), 0);
    snprintf(run_id, n, "%s", m.run_id);
}

/* A process (not this one) whose command line holds needle, into why;
 * "" when there is none. */
static inline void it_procs_with(const char *needle, char *why, size_t n)
{
    why[0] = '\0';
    DIR *d = opendir("/proc");
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));) {
        char path[300], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
        FILE *f = fopen(path, "re");
        if (!f)
            continue;
        size_t k = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        for (size_t i = 0; i < k; i++)
            buf[i] = buf[i] ? buf[i] : ' ';
        buf[k] = '\0';
        if (strstr(buf, needle) && (pid_t)atoi(de->d_name) != getpid())
            snprintf(why, n, "process %s still runs: %.3000s", de->d_name, buf);
    }
    closedir(d);
}

/* A cgroup of run run_id (vcbench's containers: vcbench.<run>/<seq>; the
 * OCI runtimes': vcbench-<run>-<seq>) under the usual roots, into why; ""
 * when there is none. */
static inline void it_cgroups_of(const char *run_id, char *why, size_t n)
{
    why[0] = '\0';
    const char *roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu",
                            "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/unified" };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        DIR *c = opendir(roots[i]);
        for (struct dirent *de; c && (de = readdir(c));)
            if (!strncmp(de->d_name, "vcbench", 7) && strstr(de->d_name, run_id))
                snprintf(why, n, "cgroup %s/%s left", roots[i], de->d_name);
        if (c)
            closedir(c);
    }
}

#endif
