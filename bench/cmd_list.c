/* vcbench list: the environments and workloads this build knows. */
#include "cmd.h"
#include "../harness/env.h"
#include "../workloads/wl.h"

#include <stdio.h>

int cmd_list(int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return cmd_fail(2, "list takes no options");
    int n;
    const struct env_ops *const *envs = env_all(&n);
    printf("environments:\n");
    for (int i = 0; i < n; i++)
        printf("  %-12s %s\n", envs[i]->name, envs[i]->summary);
    printf("workloads:\n");
    for (int i = 0, m = wl_count(); i < m; i++)
        printf("  %-12s %s\n", wl_all()[i]->name, wl_all()[i]->summary);
    return 0;
}
