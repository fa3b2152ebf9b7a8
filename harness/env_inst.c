/* Helpers on struct env_inst shared by every environment. */
#include "env.h"

#include <stdio.h>

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
