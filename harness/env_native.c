/* native: the baseline. fork + exec of wl, bound to the workload CPUs, its
 * stdout a pipe the runner reads. */
#include "env.h"
#include "sig.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
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
    argv[0] = (char *)n->cfg->wl_path;
    argv[1] = (char *)job->workload;
    /* "@disk" is the run's shared disk; natively that is the host file. */
    for (int i = 0; i < job->argc; i++)
        argv[2 + i] = job->disk && !strcmp(job->argv[i], "@disk") ? (char *)job->disk : job->argv[i];
    argv[job->argc + 2] = NULL;

    struct spawn_req req = { .path = argv[0], .argv = argv, .cpus = &n->cpus, .stdout_fd = p[1] };
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
    int st;
    struct rusage ru;
    pid_t r;
    while ((r = wait4(inst->pid, &st, 0, &ru)) < 0 && errno == EINTR)
        if (sig_stop)
            return vb_errf(e, VB_EINTR, "interrupted");
    if (r < 0)
        return vb_errf(e, VB_EFAIL, "wait: %s", strerror(errno));
    inst->pid = 0;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    env_inst_metric(inst, "env_cpu_time", "s", "lower", cpu);
    return 0;
}

static void native_stop(void *state, struct env_inst *inst)
{
    (void)state;
    if (inst->pid > 0) {
        kill(inst->pid, SIGKILL);
        while (waitpid(inst->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        inst->pid = 0;
    }
    if (inst->fd >= 0) {
        close(inst->fd);
        inst->fd = -1;
    }
}

static void native_teardown(void *state)
{
    free(state);
}

const struct env_ops env_native = {
    .name = "native",
    .summary = "wl run directly on the host (the baseline)",
    .probe = native_probe,
    .prepare = native_prepare,
    .launch = native_launch,
    .wait = native_wait,
    .stop = native_stop,
    .teardown = native_teardown,
};
