/* wl - the one static workload binary. The identical file runs natively, as
 * a container's entrypoint and as a guest's init, so every environment runs
 * the same instructions. Usage: wl <workload> [--option value]... */
#include "wl.h"
#include "common/proto.h"

#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: wl <workload> [--option value]...\n"
               "       wl init [--modules] <workload> [--option value]...   (guest init role)\n"
               "       wl --version\n\n"
               "Prints result lines of the vcb1 protocol (see README.md) on stdout.\n\n"
               "workloads:\n");
    for (int i = 0, n = wl_count(); i < n; i++)
        fprintf(f, "  %-10s %s\n%s", wl_all()[i]->meta->name, wl_all()[i]->meta->summary, wl_all()[i]->options);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        /* The libc is part of what a start-up figure means (README, "What
         * it runs"); recorded in run.json and REPORT.md. */
#ifdef __GLIBC__
        printf("wl %s, static, glibc %d.%d\n", WL_VERSION, __GLIBC__, __GLIBC_MINOR__);
#else
        printf("wl %s, static, musl\n", WL_VERSION);   /* musl defines no macro of its own */
#endif
        return 0;
    }
    if (strcmp(argv[1], "init") == 0)
        return wl_init_main(argc - 1, argv + 1);
    const struct wl_workload *w = wl_find(argv[1]);
    if (!w) {
        fprintf(stderr, "wl: unknown workload '%s'; run 'wl --help' for the list\n", argv[1]);
        return 2;
    }
    return wl_run(w, argc - 2, argv + 2, stdout);
}
