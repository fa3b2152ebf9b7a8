/* containerd: the node data path Kubernetes uses (containerd, its runc
 * shim, the overlayfs snapshotter), driven through ctr: `ctr container
 * create`, `ctr task start` attached, `ctr container rm`. The daemon on
 * /run/containerd/containerd.sock is used; without one vcbench starts its
 * own (<state-dir>/containerd) and stops it at the end.
 *
 * Each run has a containerd namespace of its own, vcbench.<run>.containerd,
 * which is also the cgroup parent containerd puts its containers under;
 * ctr 1.6 sets no CPU set, so vcbench makes each container's cgroup with the
 * run's limits before runc joins it. The image is the run's rootfs as a
 * one-layer OCI image layout (ctr imports no plain tar); image and namespace
 * go at teardown. */
#include "env/engine.h"
#include "env/ocilayout.h"
#include "common/spawn.h"
#include "common/fsutil.h"

#include <stdio.h>
#include <string.h>

static void cd_global(const struct engine *en, struct eargv *a)
{
    eargv_add(a, "--address=%s", en->sock);
    eargv_add(a, "--namespace=%s", en->cgparent);
}

/* ctr with --namespace=ns instead of the run's. */
static void cd_in(const struct engine *en, const char *ns, struct eargv *a)
{
    a->n = 0;
    a->used = 0;
    a->overflow = 0;
    eargv_add(a, "%s", en->cli);
    eargv_add(a, "--address=%s", en->sock);
    eargv_add(a, "--namespace=%s", ns);
}

static void cd_daemon(const struct engine *en, struct eargv *a)
{
    /* An empty config of its own: /etc/containerd/config.toml belongs to
     * the host's containerd. */
    char cfg[PATH_MAX + 16];
    snprintf(cfg, sizeof cfg, "%s/config.toml", en->dir);
    FILE *f = fopen(cfg, "we");
    if (f) {
        fputs("version = 2\n", f);
        fclose(f);
    }
    eargv_add(a, "--config=%s", cfg);
    eargv_add(a, "--address=%s", en->sock);
    eargv_add(a, "--root=%s/root", en->dir);
    eargv_add(a, "--state=%s/state", en->dir);
}

static void cd_image_has(const struct engine *en, struct eargv *a)
{
    (void)en;
    eargv_add(a, "images");
    eargv_add(a, "ls");
    eargv_add(a, "--quiet");
}

static int cd_import(struct engine *en, const char *tar, struct eargv *a, struct vb_err *e)
{
    char dir[PATH_MAX], out[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/containerd-oci", en->cfg->run_dir);
    snprintf(out, sizeof out, "%s.tar", dir);
    char tarbin[PATH_MAX], msg[256];
    char *argv[] = { tarbin, "-C", dir, "-cf", out, ".", NULL };
    int rc = ocilayout_write(tar, en->image, dir, e);
    if (rc == 0 && fs_which("tar", tarbin, sizeof tarbin) < 0)
        rc = vb_errf(e, VB_EHOST, "tar not found: apt-get install tar");
    if (rc == 0 && proc_run(argv, msg, sizeof msg) != 0)
        rc = vb_errf(e, VB_EHOST, "cannot pack the OCI layout: %s", msg);
    fs_rm_tree(dir);
    snprintf(en->import_tmp, sizeof en->import_tmp, "%s", out);
    if (rc < 0)
        return -1;
    eargv_add(a, "images");
    eargv_add(a, "import");
    eargv_add(a, "%s", out);
    return 0;
}

static void cd_create(const struct engine *en, const struct env_job *job, const char *name, const char *cgroup,
                      struct eargv *a)
{
    (void)cgroup;          /* /<namespace>/<name>: where containerd puts it */
    const struct run_cfg *cfg = en->cfg;
    eargv_add(a, "containers");
    eargv_add(a, "create");
    eargv_add(a, "--read-only");
    if (cfg->mem_bytes)
        eargv_add(a, "--memory-limit=%llu", (unsigned long long)cfg->mem_bytes);
    if (cfg->cpu_quota_pct) {
        eargv_add(a, "--cpu-period=100000");
        eargv_add(a, "--cpu-quota=%ld", cfg->cpu_quota_pct * 1000);
    }
    if (job->disk)
        eargv_add(a, "--mount=type=bind,src=%s,dst=/mnt/disk,options=rbind:rw", job->disk);
    /* ctr's default spec: a network namespace with lo only, Docker's 14
     * capabilities, a read-only root as asked. */
    eargv_add(a, "%s", en->image);
    eargv_add(a, "%s", name);
    engine_command(job, NULL, a);
}

static void cd_start(const struct engine *en, const char *name, struct eargv *a)
{
    (void)en;
    eargv_add(a, "tasks");
    eargv_add(a, "start");
    eargv_add(a, "%s", name);
}

static int cd_remove(const struct engine *en, const char *name, int force, int step, struct eargv *a)
{
    (void)en;
    /* An attached `tasks start` deletes the task when it ends; a forced
     * removal kills and deletes a task that is still there first. */
    if (force && step == 0) {
        eargv_add(a, "tasks");
        eargv_add(a, "delete");
        eargv_add(a, "--force");
        eargv_add(a, "%s", name);
        return 1;
    }
    if (step > (force ? 1 : 0))
        return 0;
    eargv_add(a, "containers");
    eargv_add(a, "delete");
    eargv_add(a, "%s", name);
    return 1;
}

static int cd_cleanup(const struct engine *en, int step, struct eargv *a)
{
    if (step == 0) {
        eargv_add(a, "images");
        eargv_add(a, "remove");
        eargv_add(a, "--sync");
        eargv_add(a, "%s", en->image);
        return 1;
    }
    if (step == 1) {
        /* The namespace itself, named from outside it. */
        cd_in(en, "default", a);
        eargv_add(a, "namespaces");
        eargv_add(a, "remove");
        eargv_add(a, "%s", en->cgparent);
        return 1;
    }
    return 0;
}

/* The ids of what's `what` in namespace ns (`ctr ... ls --quiet`). */
static int cd_list(const struct engine *en, const char *ns, const char *what, char *out, size_t n)
{
    struct eargv a;
    cd_in(en, ns, &a);
    eargv_add(&a, "%s", what);
    eargv_add(&a, "ls");
    eargv_add(&a, "--quiet");
    return engine_cli(en, &a, 1, out, n) == 0 ? 0 : -1;
}

/* A dead run's namespace (or every vcbench one, run NULL): its tasks
 * killed, its containers, image and the namespace removed. */
static void cd_stale(struct engine *en, const char *run)
{
    char nss[4096], want[128], list[8192], out[512];
    snprintf(want, sizeof want, "vcbench.%s%s", run ? run : "", run ? ".containerd" : "");
    if (cd_list(en, "default", "namespaces", nss, sizeof nss) < 0)
        return;
    for (char *s1, *ns = strtok_r(nss, "\n", &s1); ns; ns = strtok_r(NULL, "\n", &s1)) {
        if (run ? strcmp(ns, want) != 0 : strncmp(ns, want, strlen(want)) != 0)
            continue;
        struct eargv a;
        if (cd_list(en, ns, "tasks", list, sizeof list) == 0)
            for (char *s2, *id = strtok_r(list, "\n", &s2); id; id = strtok_r(NULL, "\n", &s2)) {
                cd_in(en, ns, &a);
                eargv_add(&a, "tasks");
                eargv_add(&a, "delete");
                eargv_add(&a, "--force");
                eargv_add(&a, "%s", id);
                engine_cli(en, &a, 1, out, sizeof out);
            }
        const char *kinds[] = { "containers", "images" };
        for (int k = 0; k < 2; k++) {
            if (cd_list(en, ns, kinds[k], list, sizeof list) < 0 || !list[0])
                continue;
            cd_in(en, ns, &a);
            eargv_add(&a, "%s", kinds[k]);
            eargv_add(&a, "delete");
            if (k == 1)
                eargv_add(&a, "--sync");
            for (char *s2, *id = strtok_r(list, "\n", &s2); id; id = strtok_r(NULL, "\n", &s2))
                eargv_add(&a, "%s", id);
            engine_cli(en, &a, 1, out, sizeof out);
        }
        cd_in(en, "default", &a);
        eargv_add(&a, "namespaces");
        eargv_add(&a, "remove");
        eargv_add(&a, "%s", ns);
        engine_cli(en, &a, 1, out, sizeof out);
    }
}

static void cd_init(const struct engine *en, const char *name, struct eargv *a)
{
    (void)en;
    eargv_add(a, "tasks");
    eargv_add(a, "ps");
    eargv_add(a, "%s", name);
}

static void cd_version(const struct engine *en, struct eargv *a)
{
    (void)en;
    eargv_add(a, "version");
}

static const struct engine_kind containerd = {
    .name = "containerd", .cli = "ctr", .package = "containerd", .daemon = "containerd",
    .sock = "/run/containerd/containerd.sock",
    .global = cd_global, .daemon_args = cd_daemon, .image_has = cd_image_has, .image_import = cd_import,
    .create = cd_create, .start = cd_start, .remove = cd_remove, .cleanup = cd_cleanup, .init_pid = cd_init,
    .version = cd_version, .stale = cd_stale, .own_cgroup = 1,
};

static int cd_probe(const struct run_cfg *cfg, struct vb_err *e) { return engine_probe(&containerd, cfg, e); }
static int cd_prepare(const struct run_cfg *c, void **s, struct vb_err *e)
{
    return engine_prepare(&containerd, c, s, e);
}
static void cd_sweep(const char *kind, const char *value) { engine_sweep(&containerd, kind, value); }

const struct env_ops env_containerd = {
    .name = "containerd",
    .summary = "containerd (runc shim, overlayfs; Kubernetes' node path): ctr create/task start/delete (peer)",
    .needs = ENV_NEEDS_ROOTFS, .top = USAGE_RUNTIME, .optional = 1,
    .probe = cd_probe, .prepare = cd_prepare, .launch = engine_launch, .wait = engine_wait, .stop = engine_stop,
    .teardown = engine_teardown, .budget = engine_budget, .sweep = cd_sweep, .describe = engine_describe,
    .procs = engine_procs,
};
