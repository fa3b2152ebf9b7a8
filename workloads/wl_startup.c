/* startup: does nothing but report ready, so the harness can time an
 * environment's launch-to-ready and teardown without workload noise. */
#include "wl.h"
#include "../harness/proto.h"

static int startup_run(int argc, char **argv, FILE *out)
{
    if (wl_opts_parse(argc, argv, NULL, 0, out) < 0)
        return 2;
    proto_emit(out, "ready", (char *)NULL);
    return 0;
}

const struct wl_workload wl_startup = {
    .name = "startup",
    .summary = "no-op: report ready at once (the harness times launch and teardown)",
    .options = "",
    .run = startup_run,
};
