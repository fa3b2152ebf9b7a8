/* oci-runc, oci-crun: the OCI runtimes users know, as peers. Each launch
 * writes a bundle whose config.json (oci.c) names the same rootfs, CPU set,
 * memory limit and wl command as vcbench's own container, and runs
 * `<runtime> run --bundle B <id>` pinned to the workload CPUs, its stdout a
 * pipe like every other environment.
 *
 * crun refuses a cgroup v1/hybrid host ("cgroups in hybrid mode not
 * supported"). There it runs in a private mount namespace with cgroup2
 * mounted over /sys/fs/cgroup and --cgroup-manager=disabled: the CPU set
 * still holds (the runtime inherits the harness's binding), the memory limit
 * is not applied, and the env's summary says so. */
#include "env/env.h"
#include "env/cg.h"
#include "env/usage.h"
#include "env/oci.h"
#include "common/fsutil.h"
#include "common/own.h"
#include "common/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct oci_env {
    const struct run_cfg *cfg;
    char runtime[PATH_MAX];
    int is_crun;
    int no_cgroups;            /* crun on a v1/hybrid host: the workaround */
    cpu_set_t cpus;
};

struct oci_inst {
    char id[128];
    char bundle[PATH_MAX];
    int started;               /* the runtime was started for this container */
    int finished;              /* runtime exited normally: it removed the container */
};

static int oci_probe_named(const char *prog, const struct run_cfg *cfg, struct vb_err *e)
{
    char path[PATH_MAX];
    if (cfg->oci_runtime)
        snprintf(path, sizeof path, "%s", cfg->oci_runtime);
    else if (fs_which(prog, path, sizeof path) < 0)
        return vb_errf(e, VB_EHOST, "%s is not installed (optional peer): apt-get install %s", prog, prog);
    if (geteuid() != 0)
        return vb_errf(e, VB_EHOST, "%s needs root here; run vcbench as root", prog);
    if (!cfg->rootfs || access(cfg->rootfs, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "no rootfs for the OCI bundle");
    return 0;
}

static int runc_probe(const struct run_cfg *cfg, struct vb_err *e) { return oci_probe_named("runc", cfg, e); }
static int crun_probe(const struct run_cfg *cfg, struct vb_err *e) { return oci_probe_named("crun", cfg, e); }

static int oci_prepare_named(const char *prog, const struct run_cfg *cfg, void **state, struct vb_err *e)
{
    struct oci_env *o = calloc(1, sizeof *o);
    if (!o)
        return vb_errf(e, VB_EFAIL, "out of memory");
    o->cfg = cfg;
    o->is_crun = !strcmp(prog, "crun");
    if (cfg->oci_runtime)
        snprintf(o->runtime, sizeof o->runtime, "%s", cfg->oci_runtime);
    else if (fs_which(prog, o->runtime, sizeof o->runtime) < 0) {
        free(o);
        return vb_errf(e, VB_EHOST, "%s not found", prog);
    }
    if (pin_mask(cfg->pin.work, &o->cpus) < 0) {
        free(o);
        return vb_errf(e, VB_EUSAGE, "bad workload CPU list '%s'", cfg->pin.work);
    }
    enum cg_version v = CG_V2;
    if (o->is_crun && cg_detect(&v, NULL) == 0 && v == CG_V1)
        o->no_cgroups = 1;
    /* The runtime keeps a container's state (and runc its cgroup) after a
     * kill -9 of the harness: recorded so that the next run deletes them. */
    own_note("oci", "%d vcbench-%s- %s %s", o->no_cgroups, cfg->run_id, prog, o->runtime);
    *state = o;
    return 0;
}

static int runc_prepare(const struct run_cfg *c, void **s, struct vb_err *e) { return oci_prepare_named("runc", c, s, e); }
static int crun_prepare(const struct run_cfg *c, void **s, struct vb_err *e) { return oci_prepare_named("crun", c, s, e); }

static int bundle_write(struct oci_env *o, const struct env_job *job, struct oci_inst *oi, struct vb_err *e)
{
    const struct run_cfg *cfg = o->cfg;
    snprintf(oi->bundle, sizeof oi->bundle, "%s/%s", cfg->run_dir, oi->id);
    if (mkdir(oi->bundle, 0755) < 0)
        return vb_errf(e, VB_EHOST, "cannot create bundle %s: %s", oi->bundle, strerror(errno));
    if (job->disk) {
        /* The read-only root needs the bind-mount target to exist. */
        char mp[PATH_MAX];
        snprintf(mp, sizeof mp, "%s/mnt/disk", cfg->rootfs);
        int fd = open(mp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
    }
    char *args[job->argc + 3];
    env_job_argv(job, "/wl", "/mnt/disk", args, job->argc + 3);
    char cgpath[160];
    snprintf(cgpath, sizeof cgpath, "/%s", oi->id);
    long quota = cfg->cpu_quota_pct ? cfg->cpu_quota_pct * 1000 : 0;
    struct oci_spec s = {
        .rootfs = cfg->rootfs, .args = (const char *const *)args,
        .cpus = o->no_cgroups ? NULL : job->cpus ? job->cpus : cfg->pin.work, .mems = cfg->pin.mems,
        .mem_bytes = o->no_cgroups ? 0 : cfg->mem_bytes,
        .quota_us = o->no_cgroups ? 0 : quota, .period_us = 100000,
        .cgroups_path = o->no_cgroups ? NULL : cgpath, .disk = job->disk,
    };
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/config.json", oi->bundle);
    FILE *f = fopen(path, "we");
    if (!f)
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", path, strerror(errno));
    int bad = oci_config_write(f, &s);
    if (fclose(f) != 0 || bad)
        return vb_errf(e, VB_EHOST, "cannot write %s", path);
    return 0;
}

/* In the child, before exec: the namespace set-up crun needs on a
 * v1/hybrid host. Returns 0 or an errno. */
static int crun_hybrid_ns(void *arg)
{
    (void)arg;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) < 0)
        return errno;
    return 0;
}

/* Start `<runtime> [--cgroup-manager=disabled] <cmd> <arg> <id>`, pinned,
 * stdout to out_fd (-1: /dev/null). cmd is "run" (arg "--bundle B") or
 * "delete" (arg "--force"). */
static pid_t runtime_spawn(struct oci_env *o, const char *cmd, const char *arg, const char *arg2,
                           const char *id, int out_fd, const cpu_set_t *cpus)
{
    char *argv[8];
    int a = 0;
    argv[a++] = o->runtime;
    if (o->no_cgroups)
        argv[a++] = "--cgroup-manager=disabled";
    argv[a++] = (char *)cmd;
    argv[a++] = (char *)arg;
    if (arg2)
        argv[a++] = (char *)arg2;
    argv[a++] = (char *)id;
    argv[a] = NULL;
    if (!cpus)
        cpus = CPU_COUNT(&o->cpus) ? &o->cpus : NULL;
    struct spawn_req req = { .path = argv[0], .argv = argv, .cpus = cpus,
                             .stdout_fd = out_fd, .stdin_null = 1,
                             .pre_exec = o->no_cgroups ? crun_hybrid_ns : NULL };
    return spawn_start(&req);
}

static int oci_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e)
{
    struct oci_env *o = state;
    struct oci_inst *oi = calloc(1, sizeof *oi);
    if (!oi)
        return vb_errf(e, VB_EFAIL, "out of memory");
    snprintf(oi->id, sizeof oi->id, "vcbench-%s-%d", o->cfg->run_id, job->seq);
    inst->priv = oi;
    if (bundle_write(o, job, oi, e) < 0)
        return -1;
    /* A neighbour runs, and its runtime starts, on its own CPUs. */
    cpu_set_t other;
    if (job->cpus && pin_mask(job->cpus, &other) < 0)
        return vb_errf(e, VB_EUSAGE, "bad CPU list '%s'", job->cpus);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return vb_errf(e, VB_EFAIL, "pipe: %s", strerror(errno));
    pid_t pid = runtime_spawn(o, "run", "--bundle", oi->bundle, oi->id, p[1], job->cpus ? &other : NULL);
    int err = errno;
    oi->started = pid > 0;
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return vb_errf(e, VB_EFAIL, "cannot start %s: %s", o->runtime, strerror(err));
    }
    inst->fd = p[0];
    inst->pid = pid;
    return 0;
}

static int oci_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    (void)state;
    struct oci_inst *oi = inst->priv;
    if (proc_wait(inst->pid, status, NULL, e) < 0)
        return -1;
    inst->pid = 0;
    oi->finished = *status >= 0;
    return 0;
}

static void rm_bundle(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/config.json", dir);
    unlink(path);
    rmdir(dir);
}

static void oci_stop(void *state, struct env_inst *inst)
{
    struct oci_env *o = state;
    struct oci_inst *oi = inst->priv;
    proc_kill(&inst->pid);
    if (oi && oi->started && !oi->finished) {
        /* The runtime did not finish: its container (and cgroup) may live
         * on. `delete --force` kills and removes it. */
        pid_t pid = runtime_spawn(o, "delete", "--force", NULL, oi->id, -1, NULL);
        if (pid > 0)
            proc_reap(pid);
    }
    env_inst_close(inst);
    if (oi) {
        if (oi->bundle[0])
            rm_bundle(oi->bundle);
        free(oi);
        inst->priv = NULL;
    }
}

static void oci_teardown(void *state)
{
    free(state);
}

/* A dead run's containers: `<runtime> list -q`, then `delete --force` of
 * each one whose id has the run's prefix. */
static void oci_sweep_named(const char *prog, const char *kind, const char *value)
{
    struct oci_env o = { 0 };
    char prefix[128], which[16], list[8192];
    if (strcmp(kind, "oci") != 0 ||
        sscanf(value, "%d %127s %15s %4095[^\n]", &o.no_cgroups, prefix, which, o.runtime) != 4 ||
        strncmp(prefix, "vcbench-", 8) != 0 || strcmp(which, prog) != 0)
        return;
    char *argv[] = { o.runtime, o.no_cgroups ? "--cgroup-manager=disabled" : "list",
                     o.no_cgroups ? "list" : "-q", o.no_cgroups ? "-q" : NULL, NULL };
    if (proc_output(argv, list, sizeof list) < 0)
        return;
    for (char *save, *id = strtok_r(list, "\n", &save); id; id = strtok_r(NULL, "\n", &save)) {
        if (strncmp(id, prefix, strlen(prefix)) != 0)
            continue;
        pid_t pid = runtime_spawn(&o, "delete", "--force", NULL, id, -1, NULL);
        if (pid > 0)
            proc_reap(pid);
    }
}

static void runc_sweep(const char *k, const char *v) { oci_sweep_named("runc", k, v); }
static void crun_sweep(const char *k, const char *v) { oci_sweep_named("crun", k, v); }

/* Namespaces, cgroup and mounts before wl starts; work runs at native
 * speed. */
static void oci_budget(const struct run_cfg *cfg, struct env_budget *b)
{
    (void)cfg;
    b->start_s = 30;
    b->slowdown = 2;
}

const struct env_ops env_oci_runc = {
    .name = "oci-runc",
    .summary = "runc on an OCI bundle of the same rootfs, CPU set and memory limit (peer)",
    .needs = ENV_NEEDS_ROOTFS, .top = USAGE_RUNTIME,
    .probe = runc_probe, .prepare = runc_prepare, .launch = oci_launch,
    .wait = oci_wait, .stop = oci_stop, .teardown = oci_teardown, .budget = oci_budget, .sweep = runc_sweep,
};

const struct env_ops env_oci_crun = {
    .name = "oci-crun",
    .summary = "crun on the same bundle (peer; on cgroup v1 hosts without cgroups: memory limit not applied)",
    .needs = ENV_NEEDS_ROOTFS, .top = USAGE_RUNTIME,
    .probe = crun_probe, .prepare = crun_prepare, .launch = oci_launch,
    .wait = oci_wait, .stop = oci_stop, .teardown = oci_teardown, .budget = oci_budget, .sweep = crun_sweep,
};
