/* cmd.h - the sub-commands of vcbench. Each returns the process exit code. */
#ifndef VB_CMD_H
#define VB_CMD_H

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

/* Print "vcbench: <msg>" on stderr and return code (only main-level code prints). */
int cmd_fail(int code, const char *msg);

struct cmp_report;
/* A verdict (compare, ab) in format to stdout, or to output when given:
 * written whole through a temporary file, or not at all. Returns the
 * gate's exit code, or cmd_fail's when it cannot be written. */
int cmd_verdict_out(const struct cmp_report *rep, const char *format, const char *output);

#endif
