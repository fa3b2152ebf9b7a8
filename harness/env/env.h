/* harness/env/ - the environments: the ops table below, one file per
 * environment, and what only environments use (cgroups, OCI config,
 * domain XML, image, pinning, accelerator). Includes common/ only.
 *
 * env.h - the environment ops table (design decision 2).
 *
 * The runner drives every environment through these calls and never asks
 * which one it is. A new environment is one harness/env_<name>.c defining a
 * `const struct env_ops` plus one line in env_table (env.c).
 *
 * Life cycle per run:  probe -> prepare -> { launch -> (runner reads the
 * protocol stream from inst->fd until `end` or EOF) -> wait -> stop }* ->
 * teardown.
 *
 * The contract every environment keeps, so each external resource has one
 * owner: the runner calls stop() after every launch() - also after a
 * failed one, whatever part of the instance launch left in *inst - and
 * teardown() after every prepare(), also after a failed one, on every path
 * (success, error, SIGINT). stop() and teardown() are idempotent, NULL-safe
 * and remove only what this instance or run made. */
#ifndef VB_ENV_H
#define VB_ENV_H

#include "common/err.h"
#include "env/pin.h"

#include <stdint.h>
#include <sys/types.h>

/* Everything an environment needs to know about the run; filled by the CLI
 * before prepare() and read-only afterwards. */
struct run_cfg {
    const char *run_id;        /* unique id of this run, used in resource names */
    const char *wl_path;       /* the host's copy of the static wl binary */
    const char *state_dir;     /* long-lived state: libvirt embed root, caches */
    const char *run_dir;       /* per-run scratch dir (removed at the end) */
    const char *rootfs;        /* container root: a tree holding /wl */
    const char *initrd;        /* the same tree as an uncompressed newc cpio */
    const char *kernel;        /* guest kernel (uncompressed vmlinux, PVH entry) */
    const char *libvirt_uri;   /* NULL or "" = qemu:///embed?root=<state_dir>/libvirt */
    const char *accel;         /* "kvm" or "tcg", already decided */
    uint64_t mem_bytes;        /* memory limit = guest memory size */
    long cpu_quota_pct;        /* container CPU quota in % of one CPU; 0 = none */
    int vcpus;                 /* guest vCPUs (= number of CPUs in pin.work) */
    long timeout_s;            /* fixed per-launch limit; 0 = from the workload's estimate */
    double host_slowdown;      /* deadlines x this: >1 when this host is itself emulated */
    const char *emulator;      /* the QEMU binary guests run on; NULL = libvirt's choice */
    const char *oci_runtime;   /* the runc/crun binary; NULL = the one on PATH */
    struct pin_plan pin;       /* CPU sets chosen with hwloc */
};

/* One launch of wl. argv is the workload's own options (after its name). */
struct env_job {
    const char *workload;
    int argc;
    char **argv;
    int seq;                   /* unique within the run: names guests, cgroups */
    const char *disk;          /* NULL, or the host file the disk workload uses */
    const char *cpus;          /* NULL: the run's workload CPUs; or where this one runs (a neighbour) */
};

#define ENV_EXTRA_MAX 12

/* An environment-specific measurement (e.g. cgroup CPU time, libvirt create
 * call duration) recorded as its own raw.csv row. */
struct env_metric {
    char name[32];
    char unit[16];
    char dir[8];               /* "higher" or "lower" */
    double value;
};

/* One running instance. launch() fills fd (a stream of protocol lines: a
 * stdout pipe or a guest serial socket); the env owns priv. */
struct env_inst {
    int fd;
    pid_t pid;                 /* host pid of the child, when there is one */
    void *priv;
    int oom;                   /* wait(): the memory limit killed something */
    int nextra;
    struct env_metric extra[ENV_EXTRA_MAX];
};

/* How long a launch may take, in two parts: start_s until wl says what it
 * expects (the launch call, a guest's boot, init), then slowdown times
 * wl's own estimate of its work (with the runner's margin on top). */
struct env_budget {
    double start_s;
    double slowdown;           /* how much slower than native work runs here, at worst */
};

/* What an environment needs the run to make before prepare(). */
enum env_need {
    ENV_NEEDS_ROOTFS = 1,      /* the rootfs tree (cfg->rootfs) */
    ENV_NEEDS_KERNEL = 2,      /* the guest kernel and the initramfs with its modules */
};

struct usage_proc;

struct env_ops {
    const char *name;
    const char *summary;
    unsigned needs;            /* enum env_need */
    int baseline;              /* the one others are compared with (native) */
    /* What inst->pid is, for the footprint (enum usage_role, env/usage.h):
     * wl itself (0), the runtime beside it, or the VMM; its descendants are
     * the workload. */
    int top;
    /* Can this env run here? 0, or <0 with e saying why and what to do. */
    int (*probe)(const struct run_cfg *cfg, struct vb_err *e);
    /* Once per run, after probe. *state is passed to the calls below. */
    int (*prepare)(const struct run_cfg *cfg, void **state, struct vb_err *e);
    /* Start wl for job. On failure, what was made stays in *inst for stop(). */
    int (*launch)(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e);
    /* The stream has ended (end line or EOF): finish the instance and
     * collect extra metrics. *status = wl's exit status (0 ok), or -1 when
     * the instance was killed/crashed. <0 on an error the user must see. */
    int (*wait)(void *state, struct env_inst *inst, int *status, struct vb_err *e);
    /* Kill whatever is left of the instance and free it. Idempotent. */
    void (*stop)(void *state, struct env_inst *inst);
    /* Release what prepare() made. Idempotent, NULL-safe. */
    void (*teardown)(void *state);
    /* This env's deadline budget for the run (struct env_budget); NULL:
     * 10 s to start, work at most 2x slower than native. */
    void (*budget)(const struct run_cfg *cfg, struct env_budget *b);
    /* Remove what a dead run left (a line of its ownership record, see
     * common/own.h) when the kind is this env's; NULL when it makes
     * nothing that outlives it. */
    void (*sweep)(const char *kind, const char *value);
    /* A peer a host may lack (an engine): when its probe fails the run goes
     * on without it and says why, instead of failing. */
    int optional;
    /* After prepare: versions and set-up for run.json; NULL: nothing. */
    void (*describe)(void *state, char *out, size_t n);
    /* The instance's host processes for the footprint, when they are not
     * inst->pid and its descendants (an engine's container is its daemon's
     * grandchild); NULL: usage_tree(inst->pid, top). Returns the count. */
    int (*procs)(void *state, const struct env_inst *inst, struct usage_proc *out, int max);
};

extern const struct env_ops env_native, env_container, env_vm, env_oci_runc, env_oci_crun, env_docker, env_podman,
    env_containerd;

/* Hand one line of a dead run's ownership record to every env's sweep. */
void env_sweep(const char *kind, const char *value);

/* Look up an environment by name; NULL if unknown. */
const struct env_ops *env_find(const char *name);
/* The table, for listing. */
const struct env_ops *const *env_all(int *n);
/* Position of name in the table ("env@arm" as env); unknown names come
 * after every known one. */
int env_rank(const char *name);
/* Is name the baseline environment (native, or native@arm)? */
int env_is_baseline(const char *name);

/* Add an extra metric to inst (ignored past ENV_EXTRA_MAX). */
void env_inst_metric(struct env_inst *inst, const char *name, const char *unit,
                     const char *dir, double value);

/* env's budget for a launch under cfg: 10 s to start and 2x native work
 * unless the env says otherwise, times cfg->host_slowdown. */
void env_budget_get(const struct env_ops *env, const struct run_cfg *cfg, struct env_budget *b);

/* Close inst's stream (stop()'s last step in every env). Idempotent. */
void env_inst_close(struct env_inst *inst);

/* wl's command line for job inside an environment: argv[0] = wl (its path
 * there), argv[1] = the workload, then its options with WL_DISK_ARG
 * replaced by disk_as (what the run's disk is called there) when the job
 * has a disk, and a NULL. argv has room for max pointers. Returns the
 * number of arguments, or -1 when they do not fit. */
int env_job_argv(const struct env_job *job, const char *wl, const char *disk_as, char **argv, int max);

#endif
