/* The container engines' shared part (engine.h): daemon, image, and the
 * create / start attached / remove launch. */
#include "env/engine.h"
#include "env/caps.h"
#include "env/cg.h"
#include "env/usage.h"
#include "common/fsutil.h"
#include "common/own.h"
#include "common/sha256.h"
#include "common/sig.h"
#include "common/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct engine_inst {
    char name[128];
    int created, removed;
    pid_t init;                /* the container's first process on the host, once asked */
    struct cg *cg;             /* own_cgroup engines: this launch's */
    uint64_t oom0;             /* and the run's OOM kills before it */
};

void eargv_add(struct eargv *a, const char *fmt, ...)
{
    if (a->n >= EARGV_MAX) {
        a->overflow = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(a->buf + a->used, sizeof a->buf - a->used, fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof a->buf - a->used) {
        a->overflow = 1;
        return;
    }
    a->v[a->n++] = a->buf + a->used;
    a->v[a->n] = NULL;
    a->used += (size_t)len + 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The CLI and its global options, ready for a command's words. */
static void cli_begin(const struct engine *en, struct eargv *a)
{
    a->n = 0;
    a->used = 0;
    a->overflow = 0;
    eargv_add(a, "%s", en->cli);
    if (en->k->global)
        en->k->global(en, a);
}

/* Run a.v in the engine's directory; its exit code (-1: it could not
 * run), its output in out. Not in the harness's: podman's conmon writes an
 * `oom` file into the directory it was started in. */
static int cli_run(const struct engine *en, const struct eargv *a, char *out, size_t n)
{
    if (a->overflow) {
        snprintf(out, n, "command too long");
        return -1;
    }
    return proc_run_in(a->v, en->dir, out, n);
}

/* The first line of a command's output, for an error message. */
static const char *first_line(char *out)
{
    out[strcspn(out, "\n")] = '\0';
    return out[0] ? out : "no output";
}

/* Does a daemon answer on this unix socket? */
static int sock_alive(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (!path[0] || strlen(path) >= sizeof sa.sun_path)
        return 0;
    memcpy(sa.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

int engine_probe(const struct engine_kind *k, const struct run_cfg *cfg, struct vb_err *e)
{
    char path[PATH_MAX];
    if (fs_which(k->cli, path, sizeof path) < 0)
        return vb_errf(e, VB_EHOST, "%s is not installed: apt-get install %s", k->cli, k->package);
    if (geteuid() != 0)
        return vb_errf(e, VB_EHOST, "%s needs root here; run vcbench as root", k->name);
    if (k->daemon && !sock_alive(k->sock) && fs_which(k->daemon, path, sizeof path) < 0)
        return vb_errf(e, VB_EHOST, "no %s answers on %s and none is installed to start: apt-get install %s",
                       k->daemon, k->sock, k->package);
    if (!cfg->rootfs || access(cfg->rootfs, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "no rootfs to make the %s image from", k->name);
    return 0;
}

/* Ready when it answers a request (its version), not when its socket
 * accepts: dockerd listens before it has initialised. */
static int daemon_answers(const struct engine *en)
{
    struct eargv a;
    char out[512];
    if (!sock_alive(en->sock))
        return 0;
    cli_begin(en, &a);
    en->k->version(en, &a);
    return cli_run(en, &a, out, sizeof out) == 0;
}

/* Start the private daemon and wait until its socket answers. Its own
 * session, so a terminal's Ctrl-C reaches the harness only, which then
 * removes its containers through it before stopping it. */
static int daemon_start(struct engine *en, struct vb_err *e)
{
    char path[PATH_MAX], log[PATH_MAX + 16];
    if (fs_which(en->k->daemon, path, sizeof path) < 0)
        return vb_errf(e, VB_EHOST, "%s not found: apt-get install %s", en->k->daemon, en->k->package);
    struct eargv a = { 0 };
    eargv_add(&a, "%s", path);
    en->k->daemon_args(en, &a);
    if (a.overflow)
        return vb_errf(e, VB_EUSAGE, "--state-dir %s is too long for %s's paths", en->cfg->state_dir, en->k->daemon);
    snprintf(log, sizeof log, "%s/daemon.log", en->dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", log, strerror(errno));
    double t0 = now_ms();
    struct spawn_req req = { .path = a.v[0], .argv = a.v, .stdout_fd = fd, .stdin_null = 1, .stderr_out = 1,
                             .new_session = 1 };
    en->daemon_pid = spawn_start(&req);
    int err = errno;
    close(fd);
    if (en->daemon_pid < 0) {
        en->daemon_pid = 0;
        return vb_errf(e, VB_EHOST, "cannot start %s: %s", path, strerror(err));
    }
    /* A kill -9 of the harness kills it too (PDEATHSIG); the record lets
     * the next run remove what its containers left. */
    own_note("engine", "%d %s", (int)en->daemon_pid, en->dir);
    double limit_ms = 60e3 * (en->cfg->host_slowdown > 1 ? en->cfg->host_slowdown : 1);
    while (!daemon_answers(en)) {
        int st;
        if (waitpid(en->daemon_pid, &st, WNOHANG) == en->daemon_pid) {
            en->daemon_pid = 0;
            return vb_errf(e, VB_EHOST, "%s exited at start; see %s", en->k->daemon, log);
        }
        if (sig_stop)
            return vb_errf(e, VB_EINTR, "interrupted while %s started", en->k->daemon);
        if (now_ms() - t0 > limit_ms)
            return vb_errf(e, VB_EHOST, "%s did not answer on %s within %.0f s; see %s", en->k->daemon, en->sock,
                           limit_ms / 1e3, log);
        usleep(20000);
    }
    en->daemon_ms = now_ms() - t0;
    return 0;
}

/* SIGTERM (it stops its containerd and shims), then SIGKILL after 20 s. */
static void daemon_stop(struct engine *en)
{
    if (en->daemon_pid <= 0)
        return;
    kill(en->daemon_pid, SIGTERM);
    for (int i = 0; i < 2000; i++) {
        int st;
        pid_t r = waitpid(en->daemon_pid, &st, WNOHANG);
        if (r == en->daemon_pid || (r < 0 && errno != EINTR)) {
            en->daemon_pid = 0;
            return;
        }
        usleep(10000);
    }
    proc_kill(&en->daemon_pid);
}

/* The daemon to use: the running one, or vcbench's own. */
static int daemon_ensure(struct engine *en, struct vb_err *e)
{
    if (!en->k->daemon)
        return 0;
    if (sock_alive(en->k->sock)) {
        snprintf(en->sock, sizeof en->sock, "%s", en->k->sock);
        return 0;
    }
    en->private_daemon = 1;
    snprintf(en->sock, sizeof en->sock, "%s/%s.sock", en->dir, en->k->name);
    if (strlen(en->sock) >= sizeof ((struct sockaddr_un *)0)->sun_path - 24)
        return vb_errf(e, VB_EUSAGE, "--state-dir %s is too long for a socket path; choose a shorter one",
                       en->cfg->state_dir);
    /* Another run's private daemon (alive): use it, leave it to its owner. */
    if (sock_alive(en->sock))
        return 0;
    return daemon_start(en, e);
}

/* The rootfs as a tar (the guest's modules left out: containers do not
 * load them), deterministic so that the same wl gives the same image. */
static int image_tar(struct engine *en, const char *tar, char hash[65], struct vb_err *e)
{
    const struct run_cfg *cfg = en->cfg;
    char mp[PATH_MAX];
    /* The disk file's mount point, as the OCI bundle has it. */
    snprintf(mp, sizeof mp, "%s/mnt/disk", cfg->rootfs);
    int fd = open(mp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
    char tarbin[PATH_MAX], out[512];
    if (fs_which("tar", tarbin, sizeof tarbin) < 0)
        return vb_errf(e, VB_EHOST, "tar not found: apt-get install tar");
    char *argv[] = { tarbin, "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
                     "--exclude=./lib/vcb", "-C", (char *)cfg->rootfs, "-cf", (char *)tar, ".", NULL };
    if (proc_run(argv, out, sizeof out) != 0)
        return vb_errf(e, VB_EHOST, "cannot pack the rootfs for %s: %s", en->k->name, first_line(out));
    if (sha256_file(tar, hash) < 0)
        return vb_errf(e, VB_EHOST, "cannot read %s", tar);
    return 0;
}

static int image_ensure(struct engine *en, struct vb_err *e)
{
    char tar[PATH_MAX], hash[65], out[2048];
    snprintf(tar, sizeof tar, "%s/%s-image.tar", en->cfg->run_dir, en->k->name);
    if (image_tar(en, tar, hash, e) < 0) {
        unlink(tar);
        return -1;
    }
    snprintf(en->image, sizeof en->image, "vcbench/wl:%.16s", hash);
    struct eargv a;
    cli_begin(en, &a);
    en->k->image_has(en, &a);
    int rc = 0;
    /* Present when the command succeeds and names it. */
    if (cli_run(en, &a, out, sizeof out) != 0 || !strstr(out, en->image)) {
        double t0 = now_ms();
        cli_begin(en, &a);
        if (en->k->image_import(en, tar, &a, e) < 0)
            rc = -1;
        else if (cli_run(en, &a, out, sizeof out) != 0)
            rc = vb_errf(e, VB_EHOST, "%s could not import the image: %s", en->k->name, first_line(out));
        else
            en->import_ms = now_ms() - t0;
    }
    unlink(tar);
    if (en->import_tmp[0])
        unlink(en->import_tmp);
    return rc;
}

static void about_fill(struct engine *en)
{
    struct eargv a;
    char out[512] = "";
    cli_begin(en, &a);
    en->k->version(en, &a);
    cli_run(en, &a, out, sizeof out);
    /* A client/server listing (ctr version): the server's version. */
    const char *srv = strstr(out, "Server:"), *ver = srv ? strstr(srv, "Version:") : NULL;
    if (ver) {
        char v[64] = "";
        sscanf(ver, "Version: %63s", v);
        snprintf(out, sizeof out, "%s %s", en->k->name, v);
    }
    for (char *p = out; *p; p++)
        if (*p == '\n')
            *p = ';';
    size_t len = strlen(out);
    while (len && (out[len - 1] == ';' || out[len - 1] == ' '))
        out[--len] = '\0';
    snprintf(en->about, sizeof en->about, "%s; %s%s", out[0] ? out : "version unknown",
             !en->k->daemon ? "daemonless" : en->daemon_pid > 0 ? "daemon started by this run"
             : en->private_daemon ? "vcbench's daemon of another run" : "the running daemon",
             en->import_ms > 0 ? "; image imported" : "");
}

int engine_prepare(const struct engine_kind *k, const struct run_cfg *cfg, void **state, struct vb_err *e)
{
    struct engine *en = calloc(1, sizeof *en);
    if (!en)
        return vb_errf(e, VB_EFAIL, "out of memory");
    *state = en;
    en->k = k;
    en->cfg = cfg;
    if (fs_which(k->cli, en->cli, sizeof en->cli) < 0)
        return vb_errf(e, VB_EHOST, "%s not found: apt-get install %s", k->cli, k->package);
    struct rlimit rl;
    en->nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (long)rl.rlim_max : 1048576;
    en->nproc = getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (long)rl.rlim_max : 1048576;
    snprintf(en->dir, sizeof en->dir, "%s/%s", cfg->state_dir, k->name);
    snprintf(en->cgparent, sizeof en->cgparent, "vcbench.%s.%s", cfg->run_id, k->name);
    if (fs_mkdir_p(en->dir, 0700) < 0)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", en->dir, strerror(errno));
    if (daemon_ensure(en, e) < 0 || image_ensure(en, e) < 0)
        return -1;
    /* The containers' cgroups live under one parent per run (the engine's
     * own daemon places them there), swept if the run dies. */
    own_note("cgroup", "%s", en->cgparent);
    if (k->own_cgroup) {
        char cpus[128];
        struct cg_limits l = { .cpus = cfg->pin.work, .mems = cfg->pin.mems, .numa = pin_mem_nodes(&cfg->pin) != NULL };
        if (pin_union(cfg->pin.work, cfg->pin.neighbour, cpus, sizeof cpus) == 0)
            l.cpus = cpus;
        if (cg_create(en->cgparent, &l, &en->parent, e) < 0)
            return -1;
    }
    about_fill(en);
    return 0;
}

const char *engine_cpus(const struct engine *en, const struct env_job *job)
{
    return job->cpus ? job->cpus : en->cfg->pin.work;
}

void engine_limits(const struct engine *en, const struct env_job *job, struct eargv *a)
{
    const struct run_cfg *cfg = en->cfg;
    eargv_add(a, "--network=none");
    eargv_add(a, "--cpuset-cpus=%s", engine_cpus(en, job));
    if (pin_mem_nodes(&cfg->pin))
        eargv_add(a, "--cpuset-mems=%s", cfg->pin.mems);
    if (cfg->mem_bytes) {
        /* No swap beyond the limit, as vcbench's container and a guest. */
        eargv_add(a, "--memory=%llu", (unsigned long long)cfg->mem_bytes);
        eargv_add(a, "--memory-swap=%llu", (unsigned long long)cfg->mem_bytes);
    }
    if (cfg->cpu_quota_pct) {
        eargv_add(a, "--cpu-period=100000");
        eargv_add(a, "--cpu-quota=%ld", cfg->cpu_quota_pct * 1000);
    }
    eargv_add(a, "--read-only");
    eargv_add(a, "--security-opt=no-new-privileges");
    eargv_add(a, "--cap-drop=ALL");
    for (int i = 0; i < caps_ndocker; i++)
        eargv_add(a, "--cap-add=%s", caps_docker[i].name);
    if (job->disk)
        eargv_add(a, "--volume=%s:/mnt/disk", job->disk);
    if (en->private_daemon || !en->k->daemon)
        eargv_add(a, "--cgroup-parent=/%s", en->cgparent);
}

void engine_command(const struct env_job *job, const char *image, struct eargv *a)
{
    char *args[job->argc + 3];
    env_job_argv(job, "/wl", "/mnt/disk", args, job->argc + 3);
    if (image)
        eargv_add(a, "%s", image);
    for (int i = 0; args[i]; i++)
        eargv_add(a, "%s", args[i]);
}

/* own_cgroup engines: the launch's cgroup <parent>/<name>, made before the
 * engine's runtime joins it, with the run's limits and the job's CPUs. */
static int launch_cgroup(struct engine *en, const struct env_job *job, struct engine_inst *ei, char *path,
                         size_t n, struct vb_err *e)
{
    const struct run_cfg *cfg = en->cfg;
    char name[300];
    snprintf(name, sizeof name, "%s/%s", en->cgparent, ei->name);
    long quota = cfg->cpu_quota_pct ? cfg->cpu_quota_pct * 1000 : 0;
    struct cg_limits l = { .cpus = engine_cpus(en, job), .mems = cfg->pin.mems,
                           .numa = pin_mem_nodes(&cfg->pin) != NULL, .mem_bytes = cfg->mem_bytes,
                           .quota_us = quota, .period_us = 100000 };
    if (cg_create(name, &l, &ei->cg, e) < 0)
        return -1;
    ei->oom0 = cg_oom_count(en->parent);
    snprintf(path, n, "/%s", name);
    return 0;
}

int engine_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e)
{
    struct engine *en = state;
    struct engine_inst *ei = calloc(1, sizeof *ei);
    if (!ei)
        return vb_errf(e, VB_EFAIL, "out of memory");
    inst->priv = ei;
    snprintf(ei->name, sizeof ei->name, "vcbench-%s-%d", en->cfg->run_id, job->seq);
    char cgpath[400] = "", out[2048];
    if (en->k->own_cgroup && launch_cgroup(en, job, ei, cgpath, sizeof cgpath, e) < 0)
        return -1;
    struct eargv a;
    cli_begin(en, &a);
    en->k->create(en, job, ei->name, cgpath, &a);
    double t0 = now_ms();
    ei->created = 1;           /* a failed create may leave part of it: stop() removes */
    int rc = cli_run(en, &a, out, sizeof out);
    double create_ms = now_ms() - t0;
    if (rc != 0)
        return vb_errf(e, sig_stop ? VB_EINTR : VB_EFAIL, "%s create failed: %s", en->k->name, first_line(out));
    cli_begin(en, &a);
    en->k->start(en, ei->name, &a);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return vb_errf(e, VB_EFAIL, "pipe: %s", strerror(errno));
    struct spawn_req req = { .path = a.v[0], .argv = a.v, .stdout_fd = p[1], .stdin_null = 1, .new_session = 1,
                             .cwd = en->dir };
    pid_t pid = spawn_start(&req);
    int err = errno;
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return vb_errf(e, VB_EFAIL, "cannot start %s: %s", en->cli, strerror(err));
    }
    inst->fd = p[0];
    inst->pid = pid;
    char m[32];
    snprintf(m, sizeof m, "%s_create_ms", en->k->name);
    env_inst_metric(inst, m, "ms", "lower", create_ms);
    /* The run's one-time costs, on every launch as vm_connect_ms is (the
     * runner drops warm-up rows, and the first launch is one). */
    if (en->daemon_ms > 0) {
        snprintf(m, sizeof m, "%s_daemon_ms", en->k->name);
        env_inst_metric(inst, m, "ms", "lower", en->daemon_ms);
    }
    if (en->import_ms > 0) {
        snprintf(m, sizeof m, "%s_import_ms", en->k->name);
        env_inst_metric(inst, m, "ms", "lower", en->import_ms);
    }
    return 0;
}

/* Exit 137 is SIGKILL: the memory limit's, or another's. */
static int oom_of(struct engine *en, struct engine_inst *ei)
{
    /* The runtime removes the launch's cgroup with the task; the parent's
     * count is hierarchical. */
    if (ei->cg)
        return cg_oom_count(en->parent) > ei->oom0;
    if (!en->k->oom_query)
        return 0;
    struct eargv a;
    char out[64];
    cli_begin(en, &a);
    en->k->oom_query(en, ei->name, &a);
    return cli_run(en, &a, out, sizeof out) == 0 && !strncmp(out, "true", 4);
}

static int inst_remove(struct engine *en, struct engine_inst *ei, int force)
{
    struct eargv a;
    char out[512];
    int rc = 0;
    for (int step = 0; cli_begin(en, &a), en->k->remove(en, ei->name, force, step, &a); step++)
        rc = cli_run(en, &a, out, sizeof out);
    ei->removed = 1;
    return rc;
}

int engine_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    struct engine *en = state;
    struct engine_inst *ei = inst->priv;
    if (proc_wait(inst->pid, status, NULL, e) < 0)
        return -1;
    inst->pid = 0;
    if (*status == 137) {
        inst->oom = oom_of(en, ei);
        *status = -1;
    }
    double t0 = now_ms();
    int rc = inst_remove(en, ei, 0);
    char m[32];
    snprintf(m, sizeof m, "%s_rm_ms", en->k->name);
    if (rc == 0)
        env_inst_metric(inst, m, "ms", "lower", now_ms() - t0);
    else
        ei->removed = 0;       /* stop() forces it */
    return 0;
}

void engine_stop(void *state, struct env_inst *inst)
{
    struct engine *en = state;
    struct engine_inst *ei = inst->priv;
    proc_kill(&inst->pid);
    if (ei && ei->created && !ei->removed)
        inst_remove(en, ei, 1);
    env_inst_close(inst);
    if (ei) {
        cg_destroy(ei->cg);
        free(ei);
        inst->priv = NULL;
    }
}

void engine_teardown(void *state)
{
    struct engine *en = state;
    if (!en)
        return;
    struct eargv a;
    char out[512];
    for (int step = 0; en->k->cleanup && (cli_begin(en, &a), en->k->cleanup(en, step, &a)); step++)
        cli_run(en, &a, out, sizeof out);
    cg_destroy(en->parent);
    char oom[PATH_MAX + 8];
    snprintf(oom, sizeof oom, "%s/oom", en->dir);
    unlink(oom);
    /* The engine removes each container's cgroup, not the parent it made. */
    cg_sweep(en->cgparent);
    daemon_stop(en);
    free(en);
}

/* A create, a start through the daemon and the shim: longer than a bare
 * runtime, and under TCG-free hosts still seconds at worst; work runs at
 * native speed. */
void engine_budget(const struct run_cfg *cfg, struct env_budget *b)
{
    (void)cfg;
    b->start_s = 60;
    b->slowdown = 2;
}

void engine_describe(void *state, char *out, size_t n)
{
    const struct engine *en = state;
    snprintf(out, n, "%s", en ? en->about : "");
}

/* The container's processes (from its first one, asked of the engine
 * once) and the shim or conmon that is its parent, as the runtime beside
 * it. Not the attached CLI: it is how vcbench reads the stream (a user's
 * `docker run -d` has none), as a guest's serial socket is; nor the daemon,
 * which all instances share (the MemAvailable drop sees what it grows). */
int engine_procs(void *state, const struct env_inst *inst, struct usage_proc *out, int max)
{
    struct engine *en = state;
    struct engine_inst *ei = inst->priv;
    if (!ei || max < 2)
        return 0;
    if (ei->init <= 0) {
        struct eargv a;
        char buf[64];
        cli_begin(en, &a);
        en->k->init_pid(en, ei->name, &a);
        if (cli_run(en, &a, buf, sizeof buf) == 0)
            ei->init = (pid_t)atol(buf + strcspn(buf, "0123456789"));
        if (ei->init <= 0)
            return 0;
    }
    int n = usage_tree(ei->init, USAGE_WORKLOAD, out, max - 1);
    if (n <= 0)
        return 0;
    char path[64], *text;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)ei->init);
    if ((text = fs_slurp(path, NULL))) {
        char st;
        pid_t ppid;
        if (usage_stat_parse(text, &st, &ppid) == 0 && ppid > 1)
            out[n++] = (struct usage_proc){ ppid, USAGE_RUNTIME };
        free(text);
    }
    return n;
}

/* A dead run's private daemon: killed if it still runs (PDEATHSIG has
 * normally done it), with the shims that outlive it. */
void engine_sweep(const char *kind, const char *value)
{
    int pid;
    char dir[PATH_MAX];
    if (strcmp(kind, "engine") != 0 || sscanf(value, "%d %4095[^\n]", &pid, dir) != 2 || pid <= 1)
        return;
    char path[PATH_MAX + 64], *cmd;
    /* The shims and a dockerd's containerd name the daemon's directory on
     * their command lines; while a live run's daemon answers there (the
     * state dir is shared), only the dead run's daemon itself goes. */
    const char *base = strrchr(dir, '/');
    snprintf(path, sizeof path, "%s/%s.sock", dir, base ? base + 1 : dir);
    int live = sock_alive(path);
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        int p = atoi(de->d_name);
        if (p <= 1)
            continue;
        snprintf(path, sizeof path, "/proc/%d/cmdline", p);
        size_t len;
        if (!(cmd = fs_slurp(path, &len)))
            continue;
        for (size_t i = 0; i + 1 < len; i++)
            if (!cmd[i])
                cmd[i] = ' ';
        if (strstr(cmd, dir) && (!live || p == pid))
            kill(p, SIGKILL);
        free(cmd);
    }
    closedir(d);
}
