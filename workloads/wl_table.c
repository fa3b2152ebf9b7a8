/* The workload table: a new workload is a file plus a line here (and its
 * entry in harness/common/wlmeta.c, which names it). */
#include "wl.h"
#include "common/proto.h"

#include <string.h>

static const struct wl_workload *const wl_table[] = {
    &wl_cpu,
    &wl_mem,
    &wl_disk,
    &wl_startup,
    &wl_hold,
    &wl_audit,
    &wl_noise_spin,
    &wl_noise_llc,
    &wl_noise_bw,
    &wl_noise_alloc,
    &wl_noise_io,
    &wl_noise_fork,
};
#define WL_N (sizeof wl_table / sizeof wl_table[0])

const struct wl_workload *wl_find(const char *name)
{
    for (size_t i = 0; i < WL_N; i++)
        if (strcmp(wl_table[i]->meta->name, name) == 0)
            return wl_table[i];
    return NULL;
}

int wl_run(const struct wl_workload *w, int argc, char **argv, FILE *out)
{
    proto_emit(out, "hello", "wl", WL_VERSION, "workload", w->meta->name, (char *)NULL);
    int rc = w->run(argc, argv, out);
    if (rc < 0)
        rc = 2;
    proto_emit(out, "end", "status", rc == 0 ? "ok" : "fail", (char *)NULL);
    return rc;
}

const struct wl_workload *const *wl_all(void)
{
    return wl_table;
}

int wl_count(void)
{
    return (int)WL_N;
}
