/* vcbench - what does a workload cost in a KVM guest, in a container and
 * natively on this host? Sub-command dispatch. */
#include "cmd.h"
#include "run/hostinfo.h"

#include <stdio.h>
#include <string.h>

int cmd_fail(int code, const char *msg)
{
    fprintf(stderr, "vcbench: %s\n", msg);
    return code;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vcbench <command> [options]   (vcbench <command> --help for its options)\n\n"
               "commands:\n");
    int n;
    const struct cmd_def *cmds = cmd_all(&n);
    for (int i = 0; i < n; i++)
        fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
    fprintf(f, "\nexit codes: 0 ok, 1 a measurement failed or regressed, 2 bad usage or input,\n"
               "            3 the host lacks something (root, package, kernel), 4 incomparable and\n"
               "            5 inconclusive (compare, ab), 130 interrupted\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vcbench %s (commit %s)\n", VCB_VERSION, hostinfo_commit());
        return 0;
    }
    int n;
    const struct cmd_def *cmds = cmd_all(&n);
    for (int i = 0; i < n; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "vcbench: unknown command '%s'; run 'vcbench --help'\n", argv[1]);
    return 2;
}
