/* podman: daemonless - `podman create` with vcbench's limits, `podman start
 * --attach` (conmon and the OCI runtime beside the container), `podman rm`.
 * Its store is vcbench's own (<state-dir>/podman), cgroupfs.
 *
 * Two things this host kind taught (Debian 12, podman 4.3):
 *  - root here lacks CAP_SYS_RESOURCE, and podman asks for RLIMIT_NOFILE
 *    and RLIMIT_NPROC of 1048576 by default: "setrlimit RLIMIT_NOFILE:
 *    Operation not permitted". The container gets the harness's own hard
 *    limit for open files instead, and for processes at most 32768, the
 *    hard limit podman itself runs conmon with (/proc/<conmon>/limits).
 *  - crun refuses a cgroup v1/hybrid host ("cgroups in hybrid mode not
 *    supported"): there podman runs runc, as Docker does. */
#include "env/engine.h"
#include "env/cg.h"
#include "common/fsutil.h"

#include <stdio.h>
#include <string.h>

#define PODMAN_NPROC_MAX 32768

static void pm_global(const struct engine *en, struct eargv *a)
{
    eargv_add(a, "--root=%s/root", en->dir);
    eargv_add(a, "--runroot=%s/run", en->dir);
    eargv_add(a, "--tmpdir=%s/tmp", en->dir);
    eargv_add(a, "--cgroup-manager=cgroupfs");
    eargv_add(a, "--events-backend=none");
    enum cg_version v;
    char runc[PATH_MAX];
    if (cg_detect(&v, NULL) == 0 && v == CG_V1 && fs_which("runc", runc, sizeof runc) == 0)
        eargv_add(a, "--runtime=%s", runc);
}

static int pm_import(struct engine *en, const char *tar, struct eargv *a, struct vb_err *e)
{
    (void)e;
    eargv_add(a, "import");
    eargv_add(a, "--quiet");
    eargv_add(a, "%s", tar);
    eargv_add(a, "%s", en->image);
    return 0;
}

static void pm_create(const struct engine *en, const struct env_job *job, const char *name, const char *cgroup,
                      struct eargv *a)
{
    (void)cgroup;
    eargv_add(a, "create");
    eargv_add(a, "--name=%s", name);
    engine_limits(en, job, a);
    /* vcbench's container has no tmpfs on /tmp, /run and /var/tmp. */
    eargv_add(a, "--read-only-tmpfs=false");
    eargv_add(a, "--ulimit=nofile=%ld:%ld", en->nofile, en->nofile);
    long nproc = en->nproc < PODMAN_NPROC_MAX ? en->nproc : PODMAN_NPROC_MAX;
    eargv_add(a, "--ulimit=nproc=%ld:%ld", nproc, nproc);
    engine_command(job, en->image, a);
}

static int pm_remove(const struct engine *en, const char *name, int force, int step, struct eargv *a)
{
    (void)en;
    if (step > 0)
        return 0;
    eargv_add(a, "rm");
    if (force) {
        eargv_add(a, "--force");
        eargv_add(a, "--time=0");
    }
    eargv_add(a, "%s", name);
    return 1;
}

/* Containers of a dead run (or every vcbench one, run NULL) in vcbench's
 * store, removed without the 10 s stop grace. */
static void pm_stale(struct engine *en, const char *run)
{
    engine_stale_named(en, run, "--time=0");
}

static void pm_version(const struct engine *en, struct eargv *a)
{
    (void)en;
    eargv_add(a, "info");
    eargv_add(a, "--format=podman {{.Version.Version}}, {{.Store.GraphDriverName}}, cgroup {{.Host.CgroupManager}} "
                 "{{.Host.CgroupsVersion}}, runtime {{.Host.OCIRuntime.Name}}");
}

static const struct engine_kind podman = {
    .name = "podman", .cli = "podman", .package = "podman",
    .global = pm_global, .image_has = engine_dl_image_has, .image_import = pm_import, .create = pm_create,
    .start = engine_dl_start, .remove = pm_remove, .oom_query = engine_dl_oom, .init_pid = engine_dl_init, .version = pm_version,
    .stale = pm_stale,
};

static int pm_probe(const struct run_cfg *cfg, struct vb_err *e) { return engine_probe(&podman, cfg, e); }
static int pm_prepare(const struct run_cfg *c, void **s, struct vb_err *e) { return engine_prepare(&podman, c, s, e); }
static void pm_sweep(const char *kind, const char *value) { engine_sweep(&podman, kind, value); }

const struct env_ops env_podman = {
    .name = "podman",
    .summary = "Podman (conmon, runc on cgroup v1 / crun on v2, overlay): podman create/start -a/rm (peer)",
    .needs = ENV_NEEDS_ROOTFS, .top = USAGE_RUNTIME, .optional = 1,
    .probe = pm_probe, .prepare = pm_prepare, .launch = engine_launch, .wait = engine_wait, .stop = engine_stop,
    .teardown = engine_teardown, .budget = engine_budget, .sweep = pm_sweep, .describe = engine_describe,
    .procs = engine_procs,
};
