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
#include <sys/file.h>
#include <sys/mount.h>
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
    char dir[PATH_MAX + 160];  /* the start command's working directory */
    char err[PATH_MAX + 170];  /* and its stderr, there */
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

/* How a command may be cut short: work (create, inspect, import) stops at
 * Ctrl-C or after ENGINE_WORK_S; clean-up (remove, teardown) is not
 * interrupted - it is what Ctrl-C asks for - but has a limit too, so a stuck
 * daemon cannot hang vcbench. */
enum cli_kind { CLI_WORK, CLI_CLEANUP };
#define ENGINE_WORK_S 120
#define ENGINE_CLEANUP_S 60

/* Run a.v in the engine's directory; its exit code (-1: it could not
 * run; PROC_TIMEOUT, PROC_STOPPED), its output in out. Not in the
 * harness's directory: podman's conmon writes an `oom` file into the
 * directory it was started in. */
static int cli_run(const struct engine *en, const struct eargv *a, enum cli_kind kind, char *out, size_t n)
{
    if (a->overflow) {
        snprintf(out, n, "command too long");
        return -1;
    }
    double slow = en->cfg->host_slowdown > 1 ? en->cfg->host_slowdown : 1;
    struct proc_limits l = { .cwd = en->dir, .interruptible = kind == CLI_WORK,
                             .limit_ms = (kind == CLI_WORK ? ENGINE_WORK_S : ENGINE_CLEANUP_S) * 1e3 * slow };
    int rc = proc_run_lim(a->v, &l, out, n);
    if (rc == PROC_TIMEOUT)
        snprintf(out, n, "%s did not answer within %.0f s", en->k->cli, l.limit_ms / 1e3);
    else if (rc == PROC_STOPPED)
        snprintf(out, n, "interrupted");
    return rc;
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
    return cli_run(en, &a, CLI_WORK, out, sizeof out) == 0;
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
    /* A kill -9 of the harness kills it too (PDEATHSIG); its pid file
     * lets a later run stop one that survived (see daemon_stale). */
    char pidf[PATH_MAX + 16];
    snprintf(pidf, sizeof pidf, "%s/daemon.pid", en->dir);
    FILE *pf = fopen(pidf, "we");
    if (pf) {
        fprintf(pf, "%d\n", (int)en->daemon_pid);
        fclose(pf);
    }
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
static void daemon_stop(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    for (int i = 0; i < 2000; i++) {
        int st;
        pid_t r = waitpid(*pid, &st, WNOHANG);
        if (r == *pid || (r < 0 && errno != EINTR)) {
            *pid = 0;
            return;
        }
        usleep(10000);
    }
    proc_kill(pid);
}

/* Is pid a process whose command line names dir (our daemon, its
 * containerd, a shim)? "<dir>/" or "<dir>" at the end of an argument, so
 * that <dir>2 is not ours. */
static int names_dir(pid_t pid, const char *dir)
{
    char path[64];
    size_t len, dl = strlen(dir);
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    char *cmd = fs_slurp(path, &len);
    int yes = 0;
    /* Argument by argument (they are NUL-separated). */
    for (char *arg = cmd; cmd && !yes && arg < cmd + len; arg += strlen(arg) + 1)
        for (const char *h = arg; !yes && (h = strstr(h, dir)); h++)
            yes = h[dl] == '/' || h[dl] == '\0';
    free(cmd);
    return yes;
}

/* Kill every process that names dir (a dead run's daemon, its containerd
 * and shims). Only while holding dir's lock: no live run uses them. */
static void dir_kill(const char *dir)
{
    DIR *d = opendir("/proc");
    if (!d)
        return;
    for (struct dirent *de; (de = readdir(d));) {
        pid_t p = (pid_t)atoi(de->d_name);
        if (p > 1 && p != getpid() && names_dir(p, dir))
            kill(p, SIGKILL);
    }
    closedir(d);
}

/* Unmount what a killed daemon left mounted under dir (its data root's
 * private bind, containers' overlays, network namespaces), innermost
 * first: /proc/self/mounts lists a mount after the one it is on. */
static void dir_unmount(const char *dir)
{
    char *text = fs_slurp("/proc/self/mounts", NULL);
    if (!text)
        return;
    char *mnts[256];
    int n = 0;
    size_t dl = strlen(dir);
    for (char *save, *l = strtok_r(text, "\n", &save); l && n < 256; l = strtok_r(NULL, "\n", &save)) {
        char *mp = strchr(l, ' ');
        if (!mp)
            continue;
        mp++;
        mp[strcspn(mp, " ")] = '\0';
        if (!strncmp(mp, dir, dl) && (mp[dl] == '/' || mp[dl] == '\0'))
            mnts[n++] = mp;
    }
    while (n-- > 0)
        umount2(mnts[n], MNT_DETACH);
    free(text);
}

/* The store and private daemon under dir are one run's at a time: a run
 * holds dir's lock from prepare to teardown. Within a run the slots that
 * use it (an A/B run's two arms) share the lock and the daemon, which the
 * last of them to be torn down stops. */
struct dir_hold {
    char dir[PATH_MAX];
    int fd, users;
    pid_t daemon;              /* the private daemon this process started, or 0 */
};
static struct dir_hold holds[8];

static struct dir_hold *hold_of(const char *dir)
{
    for (size_t i = 0; i < sizeof holds / sizeof holds[0]; i++)
        if (holds[i].users > 0 && !strcmp(holds[i].dir, dir))
            return &holds[i];
    return NULL;
}

/* 0, or -1 with e. en->lock_fd is the lock's fd while held. */
static int dir_lock(struct engine *en, struct vb_err *e)
{
    struct dir_hold *h = hold_of(en->dir);
    if (h) {
        h->users++;
        en->lock_fd = h->fd;
        en->lock_shared = 1;
        return 0;
    }
    for (size_t i = 0; i < sizeof holds / sizeof holds[0] && !h; i++)
        if (holds[i].users == 0)
            h = &holds[i];
    if (!h)
        return vb_errf(e, VB_EFAIL, "too many engine stores in one run");
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/lock", en->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return vb_errf(e, VB_EHOST, "cannot open %s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return vb_errf(e, VB_EHOST, "another vcbench run is using %s (%s's %s); wait for it or pass another "
                       "--state-dir", en->dir, en->k->name, en->k->daemon ? "daemon" : "store");
    }
    *h = (struct dir_hold){ .fd = fd, .users = 1 };
    snprintf(h->dir, sizeof h->dir, "%s", en->dir);
    en->lock_fd = fd;
    return 0;
}

/* The last user of dir in this process stops the daemon it started and
 * lets the lock go. */
static void dir_unlock(struct engine *en)
{
    struct dir_hold *h = en->lock_fd >= 0 ? hold_of(en->dir) : NULL;
    en->lock_fd = -1;
    if (!h || --h->users > 0)
        return;
    daemon_stop(&h->daemon);
    /* What the daemon or podman left mounted in its store: podman's overlay
     * driver keeps its root bind-mounted after it exits (seen on a pure
     * cgroup v2 host whose /var/tmp is an overlay). */
    dir_unmount(h->dir);
    close(h->fd);
    h->fd = -1;
}

/* The daemon to use: the running one, or vcbench's own - started now
 * (with dir's lock held, one answering there is a dead run's: it goes). */
static int daemon_ensure(struct engine *en, struct vb_err *e)
{
    if (en->k->daemon && sock_alive(en->k->sock)) {
        snprintf(en->sock, sizeof en->sock, "%s", en->k->sock);
        return 0;
    }
    if (dir_lock(en, e) < 0)
        return -1;
    if (!en->k->daemon)
        return 0;
    en->private_daemon = 1;
    snprintf(en->sock, sizeof en->sock, "%s/%s.sock", en->dir, en->k->name);
    /* The longest socket a daemon makes in dir: dockerd's containerd's. */
    char longest[PATH_MAX + 64];
    snprintf(longest, sizeof longest, "%s/exec/containerd/containerd.sock.ttrpc", en->dir);
    if (strlen(longest) >= sizeof ((struct sockaddr_un *)0)->sun_path)
        return vb_errf(e, VB_EUSAGE, "--state-dir %s is too long for %s's socket paths; choose a shorter one",
                       en->cfg->state_dir, en->k->daemon);
    struct dir_hold *h = hold_of(en->dir);
    if (h->daemon > 0 && sock_alive(en->sock))
        return 0;              /* another slot of this run started it */
    if (sock_alive(en->sock)) {
        dir_kill(en->dir);
        dir_unmount(en->dir);
    }
    if (daemon_start(en, e) < 0) {
        h->daemon = en->daemon_pid;    /* what started is stopped at teardown */
        return -1;
    }
    h->daemon = en->daemon_pid;
    return 0;
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
    if (cli_run(en, &a, CLI_WORK, out, sizeof out) != 0 || !strstr(out, en->image)) {
        cli_begin(en, &a);
        /* Timed: the import command alone (not packing what it imports),
         * the same for every engine. */
        double t0 = 0;
        if (en->k->image_import(en, tar, &a, e) < 0)
            rc = -1;
        else if (t0 = now_ms(), cli_run(en, &a, CLI_WORK, out, sizeof out) != 0)
            rc = vb_errf(e, sig_stop ? VB_EINTR : VB_EHOST, "%s could not import the image: %s", en->k->name,
                         first_line(out));
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
    cli_run(en, &a, CLI_WORK, out, sizeof out);
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
             !en->k->daemon ? "daemonless" : en->private_daemon ? "daemon started by this run" : "the running daemon",
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
    en->lock_fd = -1;
    if (fs_which(k->cli, en->cli, sizeof en->cli) < 0)
        return vb_errf(e, VB_EHOST, "%s not found: apt-get install %s", k->cli, k->package);
    struct rlimit rl;
    en->nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (long)rl.rlim_max : 1048576;
    en->nproc = getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (long)rl.rlim_max : 1048576;
    snprintf(en->dir, sizeof en->dir, "%s/%s", cfg->state_dir, k->name);
    engine_run_name(cfg->run_id, en->run, sizeof en->run);
    snprintf(en->cgparent, sizeof en->cgparent, "vcbench.%s.%s", en->run, k->name);
    if (fs_mkdir_p(en->dir, 0700) < 0)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", en->dir, strerror(errno));
    if (daemon_ensure(en, e) < 0)
        return -1;
    own_note("engine", "%s %s %s %s", k->name, en->dir, en->lock_fd >= 0 ? "own" : en->sock, en->run);
    /* vcbench's own daemon or store, just locked for this run: any
     * container of vcbench's in it is a dead run's. (Not when another slot
     * of this run holds it already: what that one made is this run's.) */
    if (en->lock_fd >= 0 && !en->lock_shared && k->stale)
        k->stale(en, NULL);
    if (image_ensure(en, e) < 0)
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

void engine_run_name(const char *run_id, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = run_id; *p && k + 1 < n; p++) {
        int alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        if (alnum)
            out[k++] = *p;
        else if (k && out[k - 1] != '-')
            out[k++] = '-';
    }
    while (k && out[k - 1] == '-')
        k--;
    out[k] = '\0';
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

/* The words docker and podman share. */
void engine_dl_inspect(const char *format, const char *name, struct eargv *a)
{
    eargv_add(a, "inspect");
    eargv_add(a, "--format=%s", format);
    eargv_add(a, "%s", name);
}

void engine_dl_image_has(const struct engine *en, struct eargv *a)
{
    eargv_add(a, "image");
    engine_dl_inspect("{{.RepoTags}}", en->image, a);
}

void engine_dl_start(const struct engine *en, const char *name, struct eargv *a)
{
    (void)en;
    eargv_add(a, "start");
    eargv_add(a, "--attach");
    eargv_add(a, "%s", name);
}

void engine_dl_oom(const struct engine *en, const char *name, struct eargv *a)
{
    (void)en;
    engine_dl_inspect("{{.State.OOMKilled}}", name, a);
}

void engine_dl_init(const struct engine *en, const char *name, struct eargv *a)
{
    (void)en;
    engine_dl_inspect("{{.State.Pid}}", name, a);
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
    snprintf(ei->name, sizeof ei->name, "vcbench-%s-%d", en->run, job->seq);
    /* The bind-mount syntax of every CLI splits on these. */
    if (job->disk && strpbrk(job->disk, ",:"))
        return vb_errf(e, VB_EUSAGE, "%s cannot bind-mount %s (',' or ':' in the path); pass --disk-file elsewhere",
                       en->k->name, job->disk);
    char cgpath[400] = "", out[2048];
    if (en->k->own_cgroup && launch_cgroup(en, job, ei, cgpath, sizeof cgpath, e) < 0)
        return -1;
    struct eargv a;
    cli_begin(en, &a);
    en->k->create(en, job, ei->name, cgpath, &a);
    double t0 = now_ms();
    ei->created = 1;           /* a failed create may leave part of it: stop() removes */
    int rc = cli_run(en, &a, CLI_WORK, out, sizeof out);
    double create_ms = now_ms() - t0;
    if (rc != 0)
        return vb_errf(e, sig_stop ? VB_EINTR : VB_EFAIL, "%s create failed: %s", en->k->name, first_line(out));
    cli_begin(en, &a);
    en->k->start(en, ei->name, &a);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return vb_errf(e, VB_EFAIL, "pipe: %s", strerror(errno));
    /* The start command's own errors (and wl's stderr) into a file wait()
     * reads when it fails: the stream alone would only say that wl ended
     * early. */
    /* It runs in a directory of its own: podman's conmon writes `oom` into
     * the directory it was started in when the memory limit kills (and
     * podman 4.3 then does not say so in State.OOMKilled). */
    snprintf(ei->dir, sizeof ei->dir, "%s/%s.d", en->dir, ei->name);
    snprintf(ei->err, sizeof ei->err, "%s/err", ei->dir);
    if (mkdir(ei->dir, 0700) < 0 && errno != EEXIST) {
        close(p[0]);
        close(p[1]);
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", ei->dir, strerror(errno));
    }
    int efd = open(ei->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    struct spawn_req req = { .path = a.v[0], .argv = a.v, .stdout_fd = p[1], .stdin_null = 1, .new_session = 1,
                             .cwd = ei->dir, .stderr_fd = efd };
    pid_t pid = spawn_start(&req);
    int err = errno;
    close(p[1]);
    if (efd >= 0)
        close(efd);
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
    /* The runtime removes the launch's cgroup with the task, before it can
     * be read. On v2 the parent's memory.events counts the kills below it
     * (a neighbour's too, but only this one ended by SIGKILL); on v1 the
     * count is per cgroup, and a SIGKILL vcbench did not send, in a
     * container with a memory limit, is taken for the limit's. */
    if (ei->cg) {
        enum cg_version v;
        if (cg_detect(&v, NULL) == 0 && v == CG_V2)
            return cg_oom_count(en->parent) > ei->oom0;
        return en->cfg->mem_bytes > 0;
    }
    char path[PATH_MAX + 180];
    snprintf(path, sizeof path, "%s/oom", ei->dir);
    if (access(path, F_OK) == 0)
        return 1;              /* conmon's word (see engine_launch) */
    if (!en->k->oom_query)
        return 0;
    struct eargv a;
    char out[64];
    cli_begin(en, &a);
    en->k->oom_query(en, ei->name, &a);
    return cli_run(en, &a, CLI_CLEANUP, out, sizeof out) == 0 && !strncmp(out, "true", 4);
}

static int inst_remove(struct engine *en, struct engine_inst *ei, int force)
{
    struct eargv a;
    char out[512];
    int rc = 0;
    for (int step = 0; cli_begin(en, &a), en->k->remove(en, ei->name, force, step, &a); step++)
        rc = cli_run(en, &a, CLI_CLEANUP, out, sizeof out);
    ei->removed = 1;
    return rc;
}

/* The engine's own error in the start command's stderr ("Error...",
 * "ctr: ..."), not wl's: 1 with its line in why. */
static int engine_error(const struct engine *en, const struct engine_inst *ei, char *why, size_t n)
{
    char *text = fs_slurp(ei->err, NULL), pfx[40];
    int found = 0;
    snprintf(pfx, sizeof pfx, "%s: ", en->k->cli);
    for (char *l = text; l && *l && !found; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (!strncmp(l, "Error", 5) || !strncmp(l, pfx, strlen(pfx))) {
            snprintf(why, n, "%.*s", (int)strcspn(l, "\n"), l);
            found = 1;
        }
    free(text);
    return found;
}

int engine_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    struct engine *en = state;
    struct engine_inst *ei = inst->priv;
    if (proc_wait(inst->pid, status, NULL, e) < 0)
        return -1;
    inst->pid = 0;
    char why[512];
    if (*status != 0 && engine_error(en, ei, why, sizeof why))
        return vb_errf(e, VB_EFAIL, "%s: %s", en->k->name, why);
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
        if (ei->dir[0])
            fs_rm_tree(ei->dir);
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
        cli_run(en, &a, CLI_CLEANUP, out, sizeof out);
    cg_destroy(en->parent);
    /* The engine removes each container's cgroup, not the parent it made. */
    cg_sweep(en->cgparent);
    dir_unlock(en);
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
        if (cli_run(en, &a, CLI_WORK, buf, sizeof buf) == 0)
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

/* A dead run's things (own.h record "engine <name> <dir> own|<socket>
 * <run id>"): with vcbench's own daemon or store, and once no live run
 * holds dir's lock, the processes naming dir (a daemon that outlived its
 * run, its containerd, shims, conmon) are killed and podman's records of
 * the run's containers removed (a private daemon's are removed by the next
 * run that starts it); with a user's running daemon, the run's containers
 * (and containerd namespace) are removed through it. */
void engine_sweep(const struct engine_kind *k, const char *kind, const char *value)
{
    char name[32], where[PATH_MAX], run[64];
    static const struct run_cfg cfg = { .host_slowdown = 1 };
    struct engine en = { .k = k, .cfg = &cfg, .lock_fd = -1 };
    if (strcmp(kind, "engine") != 0 ||
        sscanf(value, "%31s %4095s %4095s %63s", name, en.dir, where, run) != 4 || strcmp(name, k->name) != 0 ||
        fs_which(k->cli, en.cli, sizeof en.cli) < 0)
        return;
    if (!strcmp(where, "own")) {
        struct vb_err e = { 0 };
        if (dir_lock(&en, &e) < 0)
            return;
        dir_kill(en.dir);
        dir_unmount(en.dir);
        if (!k->daemon && k->stale)
            k->stale(&en, run);
        dir_unlock(&en);
    } else if (sock_alive(where) && k->stale) {
        snprintf(en.sock, sizeof en.sock, "%s", where);
        k->stale(&en, run);
    }
}

void engine_stale_named(struct engine *en, const char *run, const char *rm_opt)
{
    struct eargv a;
    char ids[8192];
    cli_begin(en, &a);
    eargv_add(&a, "ps");
    eargv_add(&a, "--all");
    eargv_add(&a, "--quiet");
    eargv_add(&a, "--filter=name=vcbench-%s", run ? run : "");
    if (cli_run(en, &a, CLI_CLEANUP, ids, sizeof ids) != 0 || !ids[0])
        return;
    cli_begin(en, &a);
    eargv_add(&a, "rm");
    eargv_add(&a, "--force");
    if (rm_opt)
        eargv_add(&a, "%s", rm_opt);
    for (char *save, *id = strtok_r(ids, "\n", &save); id; id = strtok_r(NULL, "\n", &save))
        eargv_add(&a, "%s", id);
    cli_run(en, &a, CLI_CLEANUP, ids, sizeof ids);
}

int engine_cli(const struct engine *en, const struct eargv *a, int cleanup, char *out, size_t n)
{
    return cli_run(en, a, cleanup ? CLI_CLEANUP : CLI_WORK, out, n);
}

void engine_cli_begin(const struct engine *en, struct eargv *a)
{
    cli_begin(en, a);
}
