/* cmd.h - the sub-commands of vcbench. Each returns the process exit code. */
#ifndef VB_CMD_H
#define VB_CMD_H

#include "opts.h"

/* The release (debian/changelog carries the same). */
#define VCB_VERSION "1.0.0"

int cmd_run(int argc, char **argv);
int cmd_ab(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_history(int argc, char **argv);

int cmd_man(int argc, char **argv);

/* The option tables --help prints (and the manual page, from the same). */
const struct opt_def *cmd_run_opts(int *n);
const struct opt_def *cmd_ab_opts(int *n);         /* ab's own; it takes run's too */
const struct opt_def *cmd_compare_opts(int *n);
const struct opt_def *cmd_history_opts(int *n);

/* The sub-commands, in the order --help lists them. */
struct cmd_def {
    const char *name;
    int (*fn)(int, char **);
    const char *args;          /* what follows the name, for the synopsis */
    const char *help;
    const struct opt_def *(*opts)(int *n);   /* NULL: no options */
};
const struct cmd_def *cmd_all(int *n);

/* Print "vcbench: <msg>" on stderr and return code (only main-level code prints). */
int cmd_fail(int code, const char *msg);

struct cmp_report;
/* A verdict (compare, ab) in format to stdout, or to output when given:
 * written whole through a temporary file, or not at all. Returns the
 * gate's exit code, or cmd_fail's when it cannot be written. */
int cmd_verdict_out(const struct cmp_report *rep, const char *format, const char *output);

#endif
