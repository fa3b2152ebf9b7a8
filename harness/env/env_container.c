/* container: vcbench's own runtime, isolated like a default Docker
 * container and lean enough that its start-up is not the harness's.
 *
 * launch:  ask the namespace thread for a new network namespace (with lo
 *          up); meanwhile make the cgroup (libcgroup: cpuset, memory
 *          limit, optional quota), then
 *          clone(VM|VFORK|NEWPID|NEWNS|NEWUTS|NEWIPC)
 *            child:  / private, bind rootfs
 *                    (read-only), /proc (its sys/ read-only), minimal /dev on tmpfs, the disk
 *                    file bound at /mnt/disk; then wait for the network
 *                    namespace and enter it (setns), join the cgroup
 *                    (writes "0" to its task files), pivot_root,
 *                    hostname, cgroup ns, Docker's default
 *                    capabilities, no_new_privs, exec /wl
 *            parent: resumes once the child has exec'd (or failed)
 * A new network namespace is the costliest step of a container's start
 * here (~0.5 ms of a 0.6 ms clone, measured): the namespace thread makes it
 * on the (idle) workload CPU while the cgroup, clone() and the child's
 * mounts run on the harness CPU, so the largest steps overlap. The
 * namespace is still made for this one container and used by nothing else.
 * CLONE_VM|CLONE_VFORK, as posix_spawn does: no page tables to copy, no
 * cross-CPU hand-offs, no pipe round trips - measured here, each of those
 * cost more than the whole namespace set-up. Everything the child touches
 * is prepared by the parent (paths, argv, fds, capability masks) and the
 * parent is suspended meanwhile: the child makes system calls only.
 * Docker's seccomp profile and AppArmor are not applied (noted in README). */
#include "env/env.h"
#include "env/caps.h"
#include "env/cg.h"
#include "common/own.h"
#include "common/spawn.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#define CT_HOSTNAME "vcbench"
#define CT_STACK (64 * 1024)
#define ARGV_MAX 120

static const struct { const char *name; unsigned maj, min; } dev_nodes[] = {
    { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
    { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};
#define NDEV (sizeof dev_nodes / sizeof dev_nodes[0])


/* The namespace thread: unshare(CLONE_NEWNET) on itself, lo up, keep an
 * fd to the namespace, step back into the harness's own. The child opens
 * that fd through /proc (its fd table was copied at clone time). */
struct ns_worker {
    pthread_t th;
    int started;
    atomic_int req;            /* bumped per request */
    atomic_int done;           /* 0 busy, 1 made, -1 failed */
    atomic_int quit;
    int host_fd;               /* the harness's network namespace */
    int net_fd;                /* the new one, or -1 */
    int err;                   /* errno of the failed step */
    const char *what;          /* the failed step */
    cpu_set_t cpus;            /* where the thread runs: the workload CPUs */
    struct timespec t0, t1;
};

struct container {
    const struct run_cfg *cfg;
    struct cg *parent;         /* vcbench.<run>: every launch's cgroup is a child */
    struct cg_limits lim;      /* every launch's cgroup limits (the run's) */
    struct ns_worker w;
    char fd_dir[40];           /* "/proc/<harness pid>/fd/" */
    int has_cgroupns;
    int last_cap;
    uint64_t keep_caps;        /* bit mask of caps_docker */
    int null_fd;
    cpu_set_t cpus;
    char dev_path[NDEV][600];
    char rootfs[512], proc[520], proc_sys[528], dev[520], disk_mp[520];
    char parent_cpus[128];     /* the run's cgroup: workload and neighbour CPUs */
    char *stack;
};

/* The child's view of one launch; filled by the parent before clone. */
struct ct_child {
    struct container *c;
    char *const *argv;
    const char *disk;          /* host file to bind at /mnt/disk, or NULL */
    int out_fd;
    char (*cg_paths)[CG_PATH_MAX];  /* task files of the cgroup */
    int ncg;
    /* Written by the child, read by the parent after vfork returns. */
    struct timespec start, mounted, ns_seen, joined, ready;
    int fail_step, fail_err;
};

struct ct_inst {
    struct cg *cg;
    pid_t pid;
};

static const char *const step_names[] = {
    "enter network namespace", "join cgroup", "signal reset", "make / private", "bind rootfs",
    "mount /dev tmpfs", "create /dev node", "mount /proc", "make /proc/sys read-only", "bind disk file", "remount root read-only",
    "pivot_root", "detach old root", "set hostname", "unshare cgroup namespace",
    "drop bounding capabilities", "set capabilities", "set no_new_privs", "redirect stdio", "exec /wl",
};
enum { S_NET, S_JOIN, S_SIG, S_PRIV, S_BIND, S_DEV, S_NODE, S_PROC, S_PROCRO, S_DISK, S_RO, S_PIVOT, S_UMOUNT, S_HOST,
       S_CGNS, S_BSET, S_CAPS, S_NNP, S_STDIO, S_EXEC };

static double ts_ms(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void futex_wait(atomic_int *a, int val)
{
    syscall(SYS_futex, a, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *a)
{
    syscall(SYS_futex, a, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

static int lo_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

static int ns_make(struct ns_worker *w)
{
    if (unshare(CLONE_NEWNET) < 0) {
        w->what = "make network namespace";
        return -1;
    }
    int rc = 0;
    if (lo_up() < 0) {
        w->what = "bring lo up";
        rc = -1;
    } else if ((w->net_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
        w->what = "open network namespace";
        rc = -1;
    }
    int err = errno;
    /* Back home either way; a thread stuck in a container's namespace would
     * make every later socket of the harness wrong. */
    if (setns(w->host_fd, CLONE_NEWNET) < 0)
        abort();
    errno = err;
    return rc;
}

static void *worker_main(void *arg)
{
    struct ns_worker *w = arg;
    /* On the workload CPU: idle between launches, and the harness CPU is
     * busy with the cgroup, clone() and the child's mounts meanwhile. */
    sched_setaffinity(0, sizeof w->cpus, &w->cpus);
    int seen = 0;
    for (;;) {
        int r;
        while ((r = atomic_load(&w->req)) == seen && !atomic_load(&w->quit))
            futex_wait(&w->req, seen);
        if (atomic_load(&w->quit))
            return NULL;
        seen = r;
        clock_gettime(CLOCK_MONOTONIC, &w->t0);
        w->net_fd = -1;
        w->what = NULL;
        int rc = ns_make(w);
        w->err = errno;
        if (rc < 0 && w->net_fd >= 0) {
            close(w->net_fd);
            w->net_fd = -1;
        }
        clock_gettime(CLOCK_MONOTONIC, &w->t1);
        atomic_store(&w->done, rc == 0 ? 1 : -1);
        futex_wake(&w->done);
    }
}

/* Wait (child or parent) until the worker has answered; 1 ok, -1 failed. */
static int worker_wait(struct ns_worker *w)
{
    int d;
    while ((d = atomic_load(&w->done)) == 0)
        futex_wait(&w->done, 0);
    return d;
}

static int caps_apply(const struct container *c)
{
    for (int cap = 0; cap <= c->last_cap; cap++)
        if (!(c->keep_caps >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return S_BSET;
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    for (int i = 0; i < 2; i++)
        d[i].effective = d[i].permitted = d[i].inheritable = (uint32_t)(c->keep_caps >> (32 * i));
    if (syscall(SYS_capset, &h, d) < 0)
        return S_CAPS;
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    return -1;
}

/* Decimal digits of v into out (no terminator); the child may not call
 * anything that could take a lock, snprintf included. */
static size_t fmt_uint(char *out, unsigned v)
{
    char tmp[12];
    size_t n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* The container's mounts, made while the network namespace is still
 * being made elsewhere. Returns -1, or the step that failed. */
static int child_mounts(struct ct_child *k)
{
    struct container *c = k->c;
    /* pivot_root refuses a shared parent mount, and nothing we mount may
     * propagate back to the host. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return S_PRIV;
    if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return S_BIND;
    if (mount("tmpfs", c->dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k") < 0)
        return S_DEV;
    for (size_t i = 0; i < NDEV; i++)
        if (mknod(c->dev_path[i], S_IFCHR | 0666, makedev(dev_nodes[i].maj, dev_nodes[i].min)) < 0)
            return S_NODE;
    /* proc shows the pid namespace of whoever mounts it: ours. */
    if (mount("proc", c->proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return S_PROC;
    /* Most sysctls are not namespaced: a write under /proc/sys by the
     * container's root reaches the host's kernel. Read-only, as Docker,
     * runc and crun make it (the audit workload shows the difference). */
    if (mount(c->proc_sys, c->proc_sys, NULL, MS_BIND | MS_REC, NULL) < 0 ||
        mount(NULL, c->proc_sys, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return S_PROCRO;
    if (k->disk && mount(k->disk, c->disk_mp, NULL, MS_BIND, NULL) < 0)
        return S_DISK;
    /* The rootfs is shared by every launch of the run: keep it intact. */
    if (mount(NULL, c->rootfs, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, NULL) < 0)
        return S_RO;
    return -1;
}

/* Into the new network namespace and the cgroup. Returns -1 or the step. */
static int child_join(struct ct_child *k)
{
    struct container *c = k->c;
    /* Through the host's /proc (the worker's fd is not in our fd table) -
     * before pivot_root hides it. */
    if (worker_wait(&c->w) < 0) {
        errno = c->w.err;
        return S_NET;
    }
    clock_gettime(CLOCK_MONOTONIC, &k->ns_seen);
    char path[64];
    size_t n = strlen(c->fd_dir);
    memcpy(path, c->fd_dir, n);
    n += fmt_uint(path + n, (unsigned)c->w.net_fd);
    path[n] = 0;
    int nfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nfd < 0)
        return S_NET;
    int rc = setns(nfd, CLONE_NEWNET);
    close(nfd);
    if (rc < 0)
        return S_NET;
    /* Into the cgroup before anything of wl runs. The paths are absolute
     * host paths: before pivot_root hides them. */
    for (int i = 0; i < k->ncg; i++) {
        int fd = open(k->cg_paths[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) {
            if (fd >= 0)
                close(fd);
            return S_JOIN;
        }
        close(fd);
    }
    return -1;
}

/* The new root, hostname, cgroup namespace, privileges, stdio, exec.
 * Returns only on failure, with the step. */
static int child_exec(struct ct_child *k)
{
    struct container *c = k->c;
    if (chdir(c->rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
        return S_PIVOT;
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return S_UMOUNT;
    if (sethostname(CT_HOSTNAME, strlen(CT_HOSTNAME)) < 0)
        return S_HOST;
    /* Inside its cgroup now: make that the root of what it can see. */
    if (c->has_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
        return S_CGNS;
    int s = caps_apply(c);
    if (s >= 0)
        return s;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return S_NNP;
    if (dup2(c->null_fd, 0) < 0 || dup2(k->out_fd, 1) < 0)
        return S_STDIO;
    static char *const envp[] = { "PATH=/", "HOME=/", "HOSTNAME=" CT_HOSTNAME, NULL };
    clock_gettime(CLOCK_MONOTONIC, &k->ready);
    execve("/wl", k->argv, envp);
    return S_EXEC;
}

/* Returns only on failure, with the step that failed. */
static int child_steps(struct ct_child *k)
{
    clock_gettime(CLOCK_MONOTONIC, &k->start);
    /* It stays on the harness CPU (the parent is suspended, the CPU is
     * free) while the namespace thread works on the workload CPU; joining
     * the cpuset moves it there before exec. */
    /* The harness turns SIGINT into a flag and ignores SIGPIPE; wl must not. */
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    if (sigaction(SIGINT, &dfl, NULL) < 0 || sigaction(SIGTERM, &dfl, NULL) < 0 ||
        sigaction(SIGPIPE, &dfl, NULL) < 0)
        return S_SIG;
    /* The container dies with the harness (even kill -9): as pid 1 of its
     * namespace, with it every process in it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        return S_SIG;
    int step = child_mounts(k);
    if (step >= 0)
        return step;
    clock_gettime(CLOCK_MONOTONIC, &k->mounted);
    if ((step = child_join(k)) >= 0)
        return step;
    clock_gettime(CLOCK_MONOTONIC, &k->joined);
    return child_exec(k);
}

static int child_main(void *arg)
{
    struct ct_child *k = arg;
    k->fail_step = child_steps(k);
    k->fail_err = errno;
    _exit(127);
}

static int ct_probe(const struct run_cfg *cfg, struct vb_err *e)
{
    if (geteuid() != 0)
        return vb_errf(e, VB_EHOST, "the container env needs root (namespaces, mounts, cgroups); run as root");
    if (!cfg->rootfs || access(cfg->rootfs, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "container rootfs missing");
    enum cg_version v;
    if (cg_detect(&v, e) < 0)
        return -1;
    return 0;
}

static void ct_teardown(void *state)
{
    struct container *c = state;
    if (!c)
        return;
    if (c->w.started) {
        atomic_store(&c->w.quit, 1);
        atomic_fetch_add(&c->w.req, 1);
        futex_wake(&c->w.req);
        pthread_join(c->w.th, NULL);
    }
    if (c->w.host_fd >= 0)
        close(c->w.host_fd);
    cg_destroy(c->parent);
    if (c->null_fd >= 0)
        close(c->null_fd);
    if (c->stack)
        munmap(c->stack, CT_STACK);
    free(c);
}

/* What the child needs, prepared here so that it only makes system calls:
 * paths in the rootfs, the capability mask, where the harness's fds are. */
static void ct_child_plan(struct container *c, const struct run_cfg *cfg)
{
    c->has_cgroupns = access("/proc/self/ns/cgroup", F_OK) == 0;
    c->last_cap = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) {
        if (fscanf(f, "%d", &c->last_cap) != 1)
            c->last_cap = CAP_LAST_CAP;
        fclose(f);
    }
    for (int i = 0; i < caps_ndocker; i++)
        c->keep_caps |= 1ull << caps_docker[i].cap;
    snprintf(c->rootfs, sizeof c->rootfs, "%s", cfg->rootfs);
    snprintf(c->proc, sizeof c->proc, "%s/proc", cfg->rootfs);
    snprintf(c->proc_sys, sizeof c->proc_sys, "%s/proc/sys", cfg->rootfs);
    snprintf(c->dev, sizeof c->dev, "%s/dev", cfg->rootfs);
    snprintf(c->disk_mp, sizeof c->disk_mp, "%s/mnt/disk", cfg->rootfs);
    for (size_t i = 0; i < NDEV; i++)
        snprintf(c->dev_path[i], sizeof c->dev_path[i], "%s/%s", c->dev, dev_nodes[i].name);
    snprintf(c->fd_dir, sizeof c->fd_dir, "/proc/%d/fd/", (int)getpid());
}

/* The run's parent cgroup, as Docker keeps /docker and systemd
 * machine.slice: launches make their cgroup under it. Besides the layout,
 * it keeps a cpuset child in existence for the whole run - the kernel
 * otherwise re-enables its cpuset static keys (code patching) whenever the
 * first child cpuset appears: 2.4 ms per launch instead of 0.05 ms here,
 * measured. The CPU set is the children's (v1 needs it in the parent
 * first), no memory limit of its own. */
static int ct_parent(struct container *c, const struct run_cfg *cfg, struct vb_err *e)
{
    c->lim = (struct cg_limits){ .cpus = cfg->pin.work, .mems = cfg->pin.mems, .numa = pin_mem_nodes(&cfg->pin) != NULL,
                                 .mem_bytes = cfg->mem_bytes,
                                 .quota_us = cfg->cpu_quota_pct > 0 ? cfg->cpu_quota_pct * 1000 : 0,
                                 .period_us = 100000 };
    struct cg_limits pl = c->lim;
    pl.mem_bytes = 0;
    /* The parent's CPUs hold every child's: the workload's and a noisy
     * neighbour's (a cpuset child cannot leave its parent's). */
    if (pin_union(cfg->pin.work, cfg->pin.neighbour, c->parent_cpus, sizeof c->parent_cpus) == 0)
        pl.cpus = c->parent_cpus;
    char pname[128];
    snprintf(pname, sizeof pname, "vcbench.%s", cfg->run_id);
    return cg_create(pname, &pl, &c->parent, e);
}

static int ct_prepare(const struct run_cfg *cfg, void **state, struct vb_err *e)
{
    struct container *c = calloc(1, sizeof *c);
    if (!c)
        return vb_errf(e, VB_EFAIL, "out of memory");
    c->cfg = cfg;
    c->w.host_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    c->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    c->stack = mmap(NULL, CT_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (c->stack == MAP_FAILED)
        c->stack = NULL;
    if (c->w.host_fd < 0 || c->null_fd < 0 || !c->stack) {
        vb_errf(e, VB_EFAIL, "cannot set up the container runtime: %s", strerror(errno));
        goto fail;
    }
    if (pin_mask(cfg->pin.work, &c->cpus) < 0) {
        vb_errf(e, VB_EUSAGE, "bad workload CPU list '%s'", cfg->pin.work);
        goto fail;
    }
    c->w.cpus = c->cpus;
    ct_child_plan(c, cfg);
    /* The bind-mount target for the disk file must exist in the (later
     * read-only) rootfs. */
    int fd = open(c->disk_mp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        vb_errf(e, VB_EHOST, "cannot create %s: %s", c->disk_mp, strerror(errno));
        goto fail;
    }
    close(fd);
    own_note("cgroup", "vcbench.%s", cfg->run_id);
    if (ct_parent(c, cfg, e) < 0)
        goto fail;
    int prc = pthread_create(&c->w.th, NULL, worker_main, &c->w);
    if (prc != 0) {
        vb_errf(e, VB_EFAIL, "cannot start the namespace thread: %s", strerror(prc));
        goto fail;
    }
    c->w.started = 1;
    *state = c;
    return 0;
fail:
    ct_teardown(c);
    return -1;
}

/* Collect the namespace thread's answer (after clone, or on failure). */
static void worker_collect(struct ns_worker *w)
{
    worker_wait(w);
    if (w->net_fd >= 0) {
        close(w->net_fd);
        w->net_fd = -1;
    }
}

/* The timed part of a launch: the network namespace (by the namespace
 * thread, meanwhile), the cgroup, clone() into the new namespaces. When it
 * returns the child has exec'd or failed (vfork semantics). t[0] start,
 * t[1] cgroup made, t[2] back from clone. 0, or -1 with e. */
static int ct_spawn(struct container *c, const struct env_job *job, struct ct_inst *ci, struct ct_child *k,
                    int out[2], struct timespec t[3], struct vb_err *e)
{
    struct ns_worker *w = &c->w;
    int rc = -1;
    clock_gettime(CLOCK_MONOTONIC, &t[0]);
    atomic_store(&w->done, 0);
    atomic_fetch_add(&w->req, 1);
    futex_wake(&w->req);
    char name[128];
    snprintf(name, sizeof name, "vcbench.%s/%d", c->cfg->run_id, job->seq);
    struct cg_limits lim = c->lim;
    if (job->cpus)
        lim.cpus = job->cpus;  /* a neighbour: its own CPUs, within the parent's */
    if ((k->ncg = cg_task_paths(name, &lim, k->cg_paths, 4, e)) < 0 || cg_create(name, &lim, &ci->cg, e) < 0)
        goto out;
    clock_gettime(CLOCK_MONOTONIC, &t[1]);
    if (pipe2(out, O_CLOEXEC) < 0) {
        vb_errf(e, VB_EFAIL, "pipe: %s", strerror(errno));
        goto out;
    }
    k->out_fd = out[1];
    int flags = CLONE_VM | CLONE_VFORK | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
#ifdef __SANITIZE_ADDRESS__
    /* The stack is reused by every launch's child, which _exits without
     * unwinding: AddressSanitizer would see its old frames as live. */
    __asan_unpoison_memory_region(c->stack, CT_STACK);
#endif
    ci->pid = clone(child_main, c->stack + CT_STACK, flags, k);
    if (ci->pid < 0) {
        ci->pid = 0;
        vb_errf(e, VB_EHOST, "clone with new namespaces failed: %s; the kernel must allow pid, mount, "
                "uts and ipc namespaces", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    /* The child has exec'd or failed (or never started): the namespace fd
     * can go; the thread may still be busy if the child failed early. */
    worker_collect(w);
    clock_gettime(CLOCK_MONOTONIC, &t[2]);
    return rc;
}

static int ct_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e)
{
    struct container *c = state;
    struct ct_inst *ci = calloc(1, sizeof *ci);
    if (!ci)
        return vb_errf(e, VB_EFAIL, "out of memory");
    inst->priv = ci;           /* from here on, stop() removes what is made */
    char paths[4][CG_PATH_MAX], *argv[ARGV_MAX + 3];
    struct ct_child k = { .c = c, .disk = job->disk, .cg_paths = paths, .argv = argv, .fail_step = -1 };
    if (env_job_argv(job, "/wl", "/mnt/disk", argv, ARGV_MAX + 3) < 0)
        return vb_errf(e, VB_EUSAGE, "too many workload arguments (%d > %d)", job->argc, ARGV_MAX);
    int out[2] = { -1, -1 };
    struct timespec t[3];
    int rc = ct_spawn(c, job, ci, &k, out, t, e);
    if (out[1] >= 0)
        close(out[1]);
    inst->fd = out[0];
    if (rc < 0)
        return -1;
    if (k.fail_step >= 0) {
        const struct ns_worker *w = &c->w;
        const char *step = k.fail_step == S_NET && w->what ? w->what
                           : k.fail_step <= S_EXEC ? step_names[k.fail_step] : "?";
        return vb_errf(e, VB_EHOST, "container set-up failed at '%s': %s%s", step, strerror(k.fail_err),
                       k.fail_step == S_NET ? "; the kernel must allow network namespaces" : "");
    }
    inst->pid = ci->pid;
    env_inst_metric(inst, "ct_netns_ms", "ms", "lower", ts_ms(&c->w.t0, &c->w.t1));
    env_inst_metric(inst, "ct_cgroup_ms", "ms", "lower", ts_ms(&t[0], &t[1]));
    env_inst_metric(inst, "ct_clone_ms", "ms", "lower", ts_ms(&t[1], &k.start));
    env_inst_metric(inst, "ct_setup_ms", "ms", "lower", ts_ms(&k.start, &k.mounted));
    env_inst_metric(inst, "ct_nswait_ms", "ms", "lower", ts_ms(&k.mounted, &k.ns_seen));
    env_inst_metric(inst, "ct_join_ms", "ms", "lower", ts_ms(&k.ns_seen, &k.joined));
    env_inst_metric(inst, "ct_exec_ms", "ms", "lower", ts_ms(&k.joined, &t[2]));
    return 0;
}

static int ct_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    (void)state;
    struct ct_inst *ci = inst->priv;
    if (proc_wait(ci->pid, status, NULL, e) < 0)
        return -1;
    ci->pid = 0;
    inst->pid = 0;
    uint64_t cpu_ns = 0, peak = 0;
    if (cg_usage(ci->cg, &cpu_ns, &peak, e) < 0)
        return -1;
    env_inst_metric(inst, "env_cpu_time", "s", "lower", (double)cpu_ns / 1e9);
    if (peak)
        env_inst_metric(inst, "mem_peak", "MiB", "lower", (double)peak / (1 << 20));
    inst->oom = cg_oom_killed(ci->cg);
    env_inst_metric(inst, "oom_killed", "count", "lower", inst->oom);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cg_destroy(ci->cg);
    ci->cg = NULL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    env_inst_metric(inst, "ct_cgroup_rm_ms", "ms", "lower", ts_ms(&t0, &t1));
    return 0;
}

static void ct_stop(void *state, struct env_inst *inst)
{
    (void)state;
    struct ct_inst *ci = inst->priv;
    if (ci) {
        /* pid 1 of its namespace: SIGKILL takes every process in it down. */
        proc_kill(&ci->pid);
        cg_destroy(ci->cg);
        free(ci);
        inst->priv = NULL;
    }
    inst->pid = 0;
    env_inst_close(inst);
}

/* A dead run's cgroups: its processes are gone with it (PDEATHSIG), but
 * cgroup directories stay until someone removes them. */
static void ct_sweep(const char *kind, const char *value)
{
    if (!strcmp(kind, "cgroup"))
        cg_sweep(value);
}

/* Namespaces, cgroup and mounts before wl starts; work runs at native
 * speed. */
static void ct_budget(const struct run_cfg *cfg, struct env_budget *b)
{
    (void)cfg;
    b->start_s = 15;
    b->slowdown = 2;
}

const struct env_ops env_container = {
    .name = "container",
    .summary = "vcbench's own container: pid/mount/uts/ipc/net/cgroup namespaces, libcgroup limits",
    .needs = ENV_NEEDS_ROOTFS,
    .probe = ct_probe,
    .prepare = ct_prepare,
    .launch = ct_launch,
    .wait = ct_wait,
    .stop = ct_stop,
    .teardown = ct_teardown,
    .budget = ct_budget,
    .sweep = ct_sweep,
};
