/* docker: Docker Engine as people run it - dockerd, its containerd and
 * runc shim, overlay2 - driven through the docker CLI: `docker create`
 * with vcbench's limits, `docker start -a`, `docker rm`. The daemon that
 * answers on /var/run/docker.sock is used; without one, vcbench starts its
 * own (no iptables, no bridge, cgroupfs, its store in <state-dir>/docker)
 * and stops it at the end. */
#include "env/engine.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void dk_global(const struct engine *en, struct eargv *a)
{
    eargv_add(a, "--host=unix://%s", en->sock);
}

static void dk_daemon(const struct engine *en, struct eargv *a)
{
    /* Its own config file, so /etc/docker/daemon.json cannot move the
     * store or the socket of the daemon vcbench owns. */
    char cfg[PATH_MAX + 16];
    snprintf(cfg, sizeof cfg, "%s/daemon.json", en->dir);
    FILE *f = fopen(cfg, "we");
    if (f) {
        fputs("{}\n", f);
        fclose(f);
    }
    eargv_add(a, "--config-file=%s", cfg);
    /* No daemon of ours answers (or it would not be started): a pid file
     * left by a killed one would stop this one if its pid was reused. */
    char pid[PATH_MAX + 16];
    snprintf(pid, sizeof pid, "%s/docker.pid", en->dir);
    unlink(pid);
    eargv_add(a, "--host=unix://%s", en->sock);
    eargv_add(a, "--data-root=%s/data", en->dir);
    eargv_add(a, "--exec-root=%s/exec", en->dir);
    eargv_add(a, "--pidfile=%s/docker.pid", en->dir);
    eargv_add(a, "--iptables=false");
    eargv_add(a, "--ip-masq=false");
    eargv_add(a, "--bridge=none");
    eargv_add(a, "--exec-opt=native.cgroupdriver=cgroupfs");
}

static int dk_import(struct engine *en, const char *tar, struct eargv *a, struct vb_err *e)
{
    (void)e;
    eargv_add(a, "import");
    eargv_add(a, "%s", tar);
    eargv_add(a, "%s", en->image);
    return 0;
}

static void dk_create(const struct engine *en, const struct env_job *job, const char *name, const char *cgroup,
                      struct eargv *a)
{
    (void)cgroup;
    eargv_add(a, "create");
    eargv_add(a, "--name=%s", name);
    engine_limits(en, job, a);
    engine_command(job, en->image, a);
}

static int dk_remove(const struct engine *en, const char *name, int force, int step, struct eargv *a)
{
    (void)en;
    if (step > 0)
        return 0;
    eargv_add(a, "rm");
    if (force)
        eargv_add(a, "--force");
    eargv_add(a, "%s", name);
    return 1;
}

/* With a user's daemon the image is not ours to keep. */
static int dk_cleanup(const struct engine *en, int step, struct eargv *a)
{
    if (step > 0 || en->private_daemon)
        return 0;
    eargv_add(a, "image");
    eargv_add(a, "rm");
    eargv_add(a, "%s", en->image);
    return 1;
}

/* Containers of a dead run (or every vcbench container, run NULL). */
static void dk_stale(struct engine *en, const char *run)
{
    engine_stale_named(en, run, NULL);
}

static void dk_version(const struct engine *en, struct eargv *a)
{
    (void)en;
    eargv_add(a, "info");
    eargv_add(a, "--format=docker {{.ServerVersion}}, {{.Driver}}, cgroup {{.CgroupDriver}} v{{.CgroupVersion}}, "
                 "runtime {{.DefaultRuntime}}");
}

static const struct engine_kind docker = {
    .name = "docker", .cli = "docker", .package = "docker.io", .daemon = "dockerd", .sock = "/var/run/docker.sock",
    .global = dk_global, .daemon_args = dk_daemon, .image_has = engine_dl_image_has, .image_import = dk_import,
    .create = dk_create, .start = engine_dl_start, .remove = dk_remove, .cleanup = dk_cleanup, .oom_query = engine_dl_oom,
    .init_pid = engine_dl_init, .version = dk_version, .stale = dk_stale,
};

static int dk_probe(const struct run_cfg *cfg, struct vb_err *e) { return engine_probe(&docker, cfg, e); }
static int dk_prepare(const struct run_cfg *c, void **s, struct vb_err *e) { return engine_prepare(&docker, c, s, e); }
static void dk_sweep(const char *kind, const char *value) { engine_sweep(&docker, kind, value); }

const struct env_ops env_docker = {
    .name = "docker",
    .summary = "Docker Engine (dockerd, containerd, runc, overlay2): docker create/start -a/rm (peer)",
    .needs = ENV_NEEDS_ROOTFS, .top = USAGE_RUNTIME, .optional = 1,
    .probe = dk_probe, .prepare = dk_prepare, .launch = engine_launch, .wait = engine_wait, .stop = engine_stop,
    .teardown = engine_teardown, .budget = engine_budget, .sweep = dk_sweep, .describe = engine_describe,
    .procs = engine_procs,
};
