/* vcbench list: the environments and workloads this build knows. */
#include "cmd.h"
#include "common/wlmeta.h"
#include "env/env.h"
#include "run/hostwl.h"

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
    const struct wl_meta *const *wls = wl_meta_all(&n);
    printf("workloads:\n");
    for (int i = 0; i < n; i++) {
        printf("  %-12s %s\n", wls[i]->name, wls[i]->summary);
        /* The harness measures these itself: their options are its own
         * (wl's are in `wl <workload> --help`). */
        const struct hostwl *hw = hostwl_find(wls[i]->name);
        if (hw) {
            char text[1024];
            hostwl_describe(hw, text, sizeof text);
            printf("%s", text);
        }
    }
    printf("options: --set WORKLOAD.OPTION=VALUE, e.g. --set density.max=16\n");
    return 0;
}
