/* env.h - the environment ops table (design decision 2).
 *
 * The runner drives every environment through these calls and never asks
 * which one it is. A new environment is one harness/env_<name>.c defining a
 * `const struct env_ops` plus one line in env_table (env.c).
 *
 * Life cycle per run:  probe -> prepare -> { launch -> (runner reads the
 * protocol stream from inst->fd until `end` or EOF) -> wait -> stop }* ->
 * teardown.  stop() and teardown() are idempotent and are called on every
 * path (success, error, SIGINT), so each external resource has one owner. */
#ifndef VB_ENV_H
#define VB_ENV_H

#include "err.h"
#include "pin.h"

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
    long timeout_s;            /* per-launch limit before the instance is killed */
    struct pin_plan pin;       /* CPU sets chosen with hwloc */
};

/* One launch of wl. argv is the workload's own options (after its name). */
struct env_job {
    const char *workload;
    int argc;
    char **argv;
    int seq;                   /* unique within the run: names guests, cgroups */
    const char *disk;          /* NULL, or the host file the disk workload uses */
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
    int nextra;
    struct env_metric extra[ENV_EXTRA_MAX];
};

struct env_ops {
    const char *name;
    const char *summary;
    /* Can this env run here? 0, or <0 with e saying why and what to do. */
    int (*probe)(const struct run_cfg *cfg, struct vb_err *e);
    /* Once per run, after probe. *state is passed to the calls below. */
    int (*prepare)(const struct run_cfg *cfg, void **state, struct vb_err *e);
    /* Start wl for job. On failure nothing of the instance is left. */
    int (*launch)(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e);
    /* The stream has ended (end line or EOF): finish the instance and
     * collect extra metrics. *status = wl's exit status (0 ok), or -1 when
     * the instance was killed/crashed. <0 on an error the user must see. */
    int (*wait)(void *state, struct env_inst *inst, int *status, struct vb_err *e);
    /* Kill whatever is left of the instance and free it. Idempotent. */
    void (*stop)(void *state, struct env_inst *inst);
    /* Release what prepare() made. Idempotent, NULL-safe. */
    void (*teardown)(void *state);
};

extern const struct env_ops env_native, env_container, env_vm, env_oci_runc, env_oci_crun;

/* Look up an environment by name; NULL if unknown. */
const struct env_ops *env_find(const char *name);
/* The table, for listing. */
const struct env_ops *const *env_all(int *n);

/* Add an extra metric to inst (ignored past ENV_EXTRA_MAX). */
void env_inst_metric(struct env_inst *inst, const char *name, const char *unit,
                     const char *dir, double value);

#endif
