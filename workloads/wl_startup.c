/* startup: does nothing but report ready, so the harness can time an
 * environment's launch-to-ready and teardown without workload noise. */
#include "wl.h"
#include "../harness/proto.h"

#include <stdio.h>
#include <unistd.h>

static int startup_run(int argc, char **argv, FILE *out)
{
    if (wl_opts_parse(argc, argv, NULL, 0, out) < 0)
        return 2;
    proto_emit(out, "ready", (char *)NULL);
    /* What the environment looks like from inside (after ready, so it is
     * not timed): lets tests check isolation without another binary. */
    char pid[16], ncpu[16], host[65] = "";
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(ncpu, sizeof ncpu, "%d", wl_ncpus());
    gethostname(host, sizeof host - 1);
    proto_emit(out, "info", "pid", pid, "cpus", ncpu, "hostname", host, (char *)NULL);
    return 0;
}

const struct wl_workload wl_startup = {
    .name = "startup",
    .summary = "no-op: report ready at once (the harness times launch and teardown)",
    .options = "",
    .run = startup_run,
};
