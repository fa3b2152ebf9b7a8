/* The environment table and what every environment shares. */
#include "env/env.h"
#include "common/wlmeta.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The environment table: a new environment is a file plus a line here. */
static const struct env_ops *const env_table[] = {
    &env_native,
    &env_container,
    &env_vm,
    &env_oci_runc,
    &env_oci_crun,
    &env_docker,
    &env_podman,
    &env_containerd,
};
#define NENV (int)(sizeof env_table / sizeof env_table[0])

const struct env_ops *env_find(const char *name)
{
    int i = env_rank(name);
    return i < NENV && !strchr(name, '@') ? env_table[i] : NULL;
}

const struct env_ops *const *env_all(int *n)
{
    *n = NENV;
    return env_table;
}

void env_sweep(const char *kind, const char *value)
{
    for (int i = 0; i < NENV; i++)
        if (env_table[i]->sweep)
            env_table[i]->sweep(kind, value);
}

int env_rank(const char *name)
{
    /* "env@arm" (an A/B run's label) ranks as its env. */
    size_t len = strcspn(name, "@");
    int i = 0;
    while (i < NENV && (strlen(env_table[i]->name) != len || strncmp(env_table[i]->name, name, len) != 0))
        i++;
    return i;
}

int env_is_baseline(const char *name)
{
    int i = env_rank(name);
    return i < NENV && env_table[i]->baseline;
}

void env_inst_metric(struct env_inst *inst, const char *name, const char *unit,
                     const char *dir, double value)
{
    if (inst->nextra >= ENV_EXTRA_MAX)
        return;
    struct env_metric *m = &inst->extra[inst->nextra++];
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->unit, sizeof m->unit, "%s", unit);
    snprintf(m->dir, sizeof m->dir, "%s", dir);
    m->value = value;
}

void env_inst_close(struct env_inst *inst)
{
    if (inst->fd >= 0)
        close(inst->fd);
    inst->fd = -1;
}

int env_job_argv(const struct env_job *job, const char *wl, const char *disk_as, char **argv, int max)
{
    if (job->argc + 3 > max)
        return -1;
    argv[0] = (char *)wl;
    argv[1] = (char *)job->workload;
    for (int i = 0; i < job->argc; i++)
        argv[2 + i] = job->disk && !strcmp(job->argv[i], WL_DISK_ARG) ? (char *)disk_as : job->argv[i];
    argv[job->argc + 2] = NULL;
    return job->argc + 2;
}

void env_budget_get(const struct env_ops *env, const struct run_cfg *cfg, struct env_budget *b)
{
    *b = (struct env_budget){ 10, 2 };
    if (env->budget)
        env->budget(cfg, b);
    /* An emulated host runs everything slower, the harness included. */
    if (cfg->host_slowdown > 1) {
        b->start_s *= cfg->host_slowdown;
        b->slowdown *= cfg->host_slowdown;
    }
}
