/* engine.h - what the container engines people run (docker, podman,
 * containerd) share as vcbench environments:
 *
 *  - a CLI run with the engine's global options (which daemon, which store);
 *  - a daemon: the running one when its socket answers, else a private one
 *    vcbench starts under <state-dir>/<engine>/ and stops at teardown;
 *  - the run's rootfs (the same tree vcbench's container and the OCI runtimes
 *    use, wl in it) imported once as a local image named by the tree's hash
 *    - no registry;
 *  - one launch shape: create (the launch call: the engine's own work before
 *    anything runs), start attached (the attached CLI's stdout is the
 *    protocol stream), remove (timed, in wait()).
 *
 * Daemon start and image import are one-time costs: they are reported
 * apart (<engine>_daemon_ms, <engine>_import_ms) as vm_connect_ms is, and
 * each launch adds <engine>_create_ms and <engine>_rm_ms to the start-up
 * phases every environment has. Each engine's file (env_docker.c,
 * env_podman.c, env_containerd.c) gives the words of each command. */
#ifndef VB_ENGINE_H
#define VB_ENGINE_H

#include "env/env.h"
#include "env/usage.h"

#include <limits.h>

#define EARGV_MAX 112

/* An argv whose strings live in its own buffer. */
struct eargv {
    char *v[EARGV_MAX + 1];
    int n;
    int overflow;              /* something did not fit: do not run it */
    size_t used;
    char buf[8192];
};

void eargv_add(struct eargv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct engine;
struct cg;

struct engine_kind {
    const char *name;          /* the env's name and metric prefix */
    const char *cli;           /* its CLI program */
    const char *package;       /* the Debian package that has it */
    const char *daemon;        /* its daemon program; NULL: daemonless */
    const char *sock;          /* where a running daemon listens */
    /* Global options after the CLI, before every command. */
    void (*global)(const struct engine *en, struct eargv *a);
    /* The private daemon's options (after the daemon's path). */
    void (*daemon_args)(const struct engine *en, struct eargv *a);
    /* Commands: exit 0 = the image is there; import tar as en->image. */
    void (*image_has)(const struct engine *en, struct eargv *a);
    int (*image_import)(struct engine *en, const char *tar, struct eargv *a, struct vb_err *e);
    /* Create container `name` for job (not started). */
    void (*create)(const struct engine *en, const struct env_job *job, const char *name, const char *cgroup,
                   struct eargv *a);
    /* Start it with its stdout and exit code on this command's. */
    void (*start)(const struct engine *en, const char *name, struct eargv *a);
    /* Remove it (force: also when still running), in steps from 0: 1 when
     * step is a command, 0 when there are no more. */
    int (*remove)(const struct engine *en, const char *name, int force, int step, struct eargv *a);
    /* At teardown, in steps as remove (NULL: nothing). */
    int (*cleanup)(const struct engine *en, int step, struct eargv *a);
    /* Ask whether its memory limit killed it (after exit 137); NULL: the
     * cgroup vcbench made for it tells. */
    void (*oom_query)(const struct engine *en, const char *name, struct eargv *a);
    /* Remove what a dead run left: containers named vcbench-<run>-*
     * (run as engine_run_name made it; NULL: every vcbench container), and
     * for containerd its namespace vcbench.<run>.containerd. */
    void (*stale)(struct engine *en, const char *run);
    /* Print the host pid of the container's first process. */
    void (*init_pid)(const struct engine *en, const char *name, struct eargv *a);
    /* Versions, for run.json (the command prints them, first line kept). */
    void (*version)(const struct engine *en, struct eargv *a);
    /* For engines whose CLI sets no CPU set: each container's cgroup is
     * made by vcbench before the engine's runtime joins it, as
     * <cgparent>/<name> (where the engine puts it), under a parent that
     * counts OOM kills; else the engine places it under --cgroup-parent
     * (vcbench's daemon) or where it likes (a user's). */
    int own_cgroup;
};

struct engine {
    const struct engine_kind *k;
    const struct run_cfg *cfg;
    char cli[PATH_MAX];
    char dir[PATH_MAX];        /* <state-dir>/<engine>: private daemon and store */
    char sock[PATH_MAX];       /* the daemon socket in use ("" daemonless) */
    int private_daemon;        /* the daemon is vcbench's (ours to configure) */
    pid_t daemon_pid;          /* > 0: this run started it and stops it */
    int lock_fd;               /* dir's lock, held from prepare to teardown (-1: none) */
    int lock_shared;           /* another slot of this run took it first */
    double daemon_ms, import_ms;
    char image[96];            /* vcbench/wl:<tree hash> */
    char run[64];              /* the run id as engines accept it in names */
    char cgparent[160];        /* "vcbench.<run>.<engine>" */
    struct cg *parent;         /* own_cgroup engines: the run's parent */
    long nofile, nproc;        /* the harness's hard limits (podman asks for them) */
    char about[256];           /* versions and set-up, for run.json */
    char import_tmp[PATH_MAX]; /* a file image_import made for its command: removed after it */
};

/* Probe: the CLI (and daemon) installed, root. 0 or -1 with e. */
int engine_probe(const struct engine_kind *k, const struct run_cfg *cfg, struct vb_err *e);
/* Prepare: the daemon, the image, the run's cgroup parent. */
int engine_prepare(const struct engine_kind *k, const struct run_cfg *cfg, void **state, struct vb_err *e);
int engine_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e);
int engine_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e);
void engine_stop(void *state, struct env_inst *inst);
void engine_teardown(void *state);
void engine_budget(const struct run_cfg *cfg, struct env_budget *b);
void engine_describe(void *state, char *out, size_t n);
int engine_procs(void *state, const struct env_inst *inst, struct usage_proc *out, int max);
/* A dead run's daemon, containers and store records (kind "engine"). */
void engine_sweep(const struct engine_kind *k, const char *kind, const char *value);
/* Commands for an engine's hooks: the CLI with its global options, then
 * run it (cleanup: not cut short by Ctrl-C). */
void engine_cli_begin(const struct engine *en, struct eargv *a);
int engine_cli(const struct engine *en, const struct eargv *a, int cleanup, char *out, size_t n);
/* docker's and podman's stale hook: `ps --all --quiet --filter
 * name=vcbench-<run>` (every vcbench container when run is NULL), then
 * `rm --force [rm_opt]` of them. */
void engine_stale_named(struct engine *en, const char *run, const char *rm_opt);

/* A run id as container names and containerd namespaces accept it
 * (letters and digits, single '-' between): an A/B arm's label may hold
 * '+' or ':'. */
void engine_run_name(const char *run_id, char *out, size_t n);
/* The job's CPU list, or the run's. */
const char *engine_cpus(const struct engine *en, const struct env_job *job);
/* The options docker and podman share for a container like vcbench's: no
 * network, CPU set, NUMA nodes, memory limit without swap, CPU quota,
 * read-only root, no_new_privs, Docker's 14 capabilities, the disk file
 * bind-mounted, the run's cgroup parent. */
void engine_limits(const struct engine *en, const struct env_job *job, struct eargv *a);
/* Hooks docker and podman share (the same words): `image inspect`,
 * `start --attach`, `inspect` for OOMKilled and the first process's pid. */
void engine_dl_inspect(const char *format, const char *name, struct eargv *a);
void engine_dl_image_has(const struct engine *en, struct eargv *a);
void engine_dl_start(const struct engine *en, const char *name, struct eargv *a);
void engine_dl_oom(const struct engine *en, const char *name, struct eargv *a);
void engine_dl_init(const struct engine *en, const char *name, struct eargv *a);
/* image (if not NULL), then /wl, the workload and its options. */
void engine_command(const struct env_job *job, const char *image, struct eargv *a);

#endif
