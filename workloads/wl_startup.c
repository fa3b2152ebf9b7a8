/* startup: does nothing but report ready, so the harness can time an
 * environment's launch-to-ready and teardown without workload noise. */
#include "wl.h"
#include "common/proto.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int startup_run(int argc, char **argv, FILE *out)
{
    if (wl_opts_parse(argc, argv, NULL, 0, out) < 0)
        return 2;
    wl_expect(out, 0, 0);
    proto_emit(out, "ready", (char *)NULL);
    /* What the environment looks like from inside (after ready, so it is
     * not timed): lets tests check isolation without another binary. */
    char pid[16], ncpu[16], host[65] = "";
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(ncpu, sizeof ncpu, "%d", wl_ncpus());
    gethostname(host, sizeof host - 1);
    /* The network namespace and the interfaces in it ("lo" alone in a
     * fresh one). */
    char netns[64] = "", ifaces[128] = "";
    ssize_t n = readlink("/proc/self/ns/net", netns, sizeof netns - 1);
    netns[n > 0 ? n : 0] = 0;
    struct if_nameindex *ifs = if_nameindex();
    for (struct if_nameindex *i = ifs; i && i->if_name; i++) {
        size_t used = strlen(ifaces);
        snprintf(ifaces + used, sizeof ifaces - used, "%s%s", used ? "," : "", i->if_name);
    }
    if (ifs)
        if_freenameindex(ifs);
    proto_emit(out, "info", "pid", pid, "cpus", ncpu, "hostname", host, "netns", netns, "ifaces", ifaces,
               (char *)NULL);
    return 0;
}

const struct wl_workload wl_startup = {
    .meta = &wlm_startup,
    .options = "",
    .run = startup_run,
};
