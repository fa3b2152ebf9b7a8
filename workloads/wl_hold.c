/* hold: report ready, then stay alive - for --seconds, or until the
 * harness stops the instance. An idle instance whose cost the host pays
 * (footprint), and a workload that never ends on its own (the deadline
 * tests: a hung instance is killed and recorded as timeout). */
#include "wl.h"
#include "common/proto.h"

#include <time.h>
#include <unistd.h>

static int hold_run(int argc, char **argv, FILE *out)
{
    long seconds = 0;
    const struct wl_opt opts[] = { { "seconds", WL_OPT_LONG, &seconds, 0, 86400 } };
    if (wl_opts_parse(argc, argv, opts, 1, out) < 0)
        return 2;
    wl_param_u64(out, "seconds", (uint64_t)seconds);
    /* Holding is not work: only a set time counts, forever counts nothing. */
    wl_expect(out, 0, (double)seconds * 1e3);
    proto_emit(out, "ready", (char *)NULL);
    if (seconds == 0)
        for (;;)
            pause();
    struct timespec t = { seconds, 0 };
    while (nanosleep(&t, &t) != 0)
        ;
    return 0;
}

const struct wl_workload wl_hold = {
    .meta = &wlm_hold,
    .options = "             --seconds N           how long to stay (0 = until stopped) (0)\n",
    .run = hold_run,
};
