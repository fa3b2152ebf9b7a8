/* The sub-commands: one table for dispatch, --help, the manual page and
 * shell completion. */
#include "cmd.h"

static const struct cmd_def cmds[] = {
    { "run", cmd_run, "[options]", "run workloads in environments and write raw.csv", cmd_run_opts },
    { "ab", cmd_ab, "--a KEY=V... --b KEY=V... [run options] [options]",
      "run two setups (arms) interleaved and gate B against A (for CI)", cmd_ab_opts },
    { "doctor", cmd_doctor, "", "say what this host can run, and why not", NULL },
    { "list", cmd_list, "", "list environments and workloads", NULL },
    { "check", cmd_check, "DIR", "read DIR/raw.csv and say what it holds (or what is wrong)", NULL },
    { "summary", cmd_summary, "DIR", "recompute DIR/summary.csv and summary.json from DIR/raw.csv", NULL },
    { "plot", cmd_plot, "DIR", "draw the charts of DIR into DIR/plots (PNG and SVG)", NULL },
    { "compare", cmd_compare, "BASE CURRENT [options] | ABRUN [options]",
      "compare two runs; exit 1 on a significant slowdown (for CI)", cmd_compare_opts },
    { "report", cmd_report, "DIR", "print REPORT.md (markdown) for DIR on stdout", NULL },
    { "history", cmd_history, "DIR... [options]",
      "headline metrics over many runs, with change points (for CI)", cmd_history_opts },
    { "man", cmd_man, "", "print this manual page (roff) on stdout", NULL },
};

const struct cmd_def *cmd_all(int *n)
{
    *n = (int)(sizeof cmds / sizeof cmds[0]);
    return cmds;
}
