/* native: the baseline. fork + exec of wl, bound to the workload CPUs, its
 * stdout a pipe the runner reads. */
#include "env/env.h"
#include "common/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct native {
    const struct run_cfg *cfg;
    cpu_set_t cpus;            /* parsed once: nothing but exec on the launch path */
};

static int native_probe(const struct run_cfg *cfg, struct vb_err *e)
{
    if (access(cfg->wl_path, X_OK) != 0)
        return vb_errf(e, VB_EHOST, "workload binary %s missing; run 'make'", cfg->wl_path);
    return 0;
}

static int native_prepare(const struct run_cfg *cfg, void **state, struct vb_err *e)
{
    struct native *n = calloc(1, sizeof *n);
    if (!n)
        return vb_errf(e, VB_EFAIL, "out of memory");
    n->cfg = cfg;
    if (pin_mask(cfg->pin.work, &n->cpus) < 0) {
        free(n);
        return vb_errf(e, VB_EUSAGE, "bad workload CPU list '%s'", cfg->pin.work);
    }
    *state = n;
    return 0;
}

static int native_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e)
{
    struct native *n = state;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return vb_errf(e, VB_EFAIL, "pipe: %s", strerror(errno));

    char *argv[job->argc + 3];
    /* Natively the run's shared disk is the host file itself. */
    env_job_argv(job, n->cfg->wl_path, job->disk, argv, job->argc + 3);

    cpu_set_t other;
    if (job->cpus && pin_mask(job->cpus, &other) < 0) {
        close(p[0]);
        close(p[1]);
        return vb_errf(e, VB_EUSAGE, "bad CPU list '%s'", job->cpus);
    }
    struct spawn_req req = { .path = argv[0], .argv = argv, .cpus = job->cpus ? &other : &n->cpus, .stdout_fd = p[1] };
    pid_t pid = spawn_start(&req);
    if (pid < 0) {
        int err = errno;
        close(p[0]);
        close(p[1]);
        return vb_errf(e, VB_EFAIL, "cannot start %s: %s", argv[0], strerror(err));
    }
    close(p[1]);
    inst->fd = p[0];
    inst->pid = pid;
    return 0;
}

static int native_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    (void)state;
    struct rusage ru;
    if (proc_wait(inst->pid, status, &ru, e) < 0)
        return -1;
    inst->pid = 0;
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    env_inst_metric(inst, "env_cpu_time", "s", "lower", cpu);
    return 0;
}

static void native_stop(void *state, struct env_inst *inst)
{
    (void)state;
    proc_kill(&inst->pid);
    env_inst_close(inst);
}

static void native_teardown(void *state)
{
    free(state);
}

const struct env_ops env_native = {
    .name = "native",
    .summary = "wl run directly on the host (the baseline)",
    .baseline = 1,
    .probe = native_probe,
    .prepare = native_prepare,
    .launch = native_launch,
    .wait = native_wait,
    .stop = native_stop,
    .teardown = native_teardown,
};
