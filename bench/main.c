/* vcbench - what does a workload cost in a KVM guest, in a container and
 * natively on this host? Sub-command dispatch. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} cmds[] = {
    { "run", cmd_run, "run workloads in environments and write raw.csv" },
    { "ab", cmd_ab, "run two setups (arms) interleaved and gate B against A (for CI)" },
    { "doctor", cmd_doctor, "say what this host can run, and why not" },
    { "list", cmd_list, "list environments and workloads" },
    { "check", cmd_check, "read DIR/raw.csv and say what it holds (or what is wrong)" },
    { "summary", cmd_summary, "recompute DIR/summary.csv and summary.json from DIR/raw.csv" },
    { "plot", cmd_plot, "draw the charts of DIR into DIR/plots (PNG and SVG)" },
    { "compare", cmd_compare, "compare two runs; exit 1 on a significant slowdown (for CI)" },
    { "report", cmd_report, "print REPORT.md (markdown) for DIR on stdout" },
    { "history", cmd_history, "headline metrics over many runs, with change points (for CI)" },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

int cmd_fail(int code, const char *msg)
{
    fprintf(stderr, "vcbench: %s\n", msg);
    return code;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vcbench <command> [options]   (vcbench <command> --help for its options)\n\n"
               "commands:\n");
    for (size_t i = 0; i < NCMDS; i++)
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
    for (size_t i = 0; i < NCMDS; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "vcbench: unknown command '%s'; run 'vcbench --help'\n", argv[1]);
    return 2;
}
