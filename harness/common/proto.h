/* proto.h - the result-line protocol spoken by `wl` in every environment.
 *
 * One line per event, the same bytes on a pipe or on a guest serial console:
 *
 *     vcb1 <kind> key=value key=value ...
 *
 * "vcb1" is the protocol tag and version. Values are percent-encoded (space,
 * '=', '%' and control bytes), so a line splits on spaces. Kinds:
 *     hello   wl=<version> workload=<name>           wl started
 *     boot    uptime_ns=<n>                          (guest only) kernel handed over to init
 *     expect  ms=<n> fixed_ms=<m>                    the workload's estimate of its duration
 *     ready   t_ns=<n>                               workload about to start its timed part
 *     param   <name>=<value>                         a workload parameter, as used
 *     metric  name= unit= dir=higher|lower value=    one measured value
 *     check   name= value=                           a checksum of the work done
 *     info    pid= cpus= hostname= netns= ifaces=    (startup) the environment seen from inside
 *     tick    work=<total> ns=<clock>                (antagonists) work done so far, every 100 ms
 *     error   msg=                                   what went wrong
 *     end     status=ok|fail                         last line
 * Anything else on the stream (kernel messages on a console) is ignored. */
#ifndef VB_PROTO_H
#define VB_PROTO_H

#include <stddef.h>
#include <stdio.h>

#define PROTO_TAG "vcb1"
#define PROTO_MAX_FIELDS 16
#define PROTO_KEY_MAX 32
#define PROTO_VAL_MAX 256

struct proto_field {
    char key[PROTO_KEY_MAX];
    char val[PROTO_VAL_MAX];
};

struct proto_line {
    char kind[16];
    int nfield;
    struct proto_field f[PROTO_MAX_FIELDS];
};

/* Parse one line (trailing \r\n allowed, text before the tag ignored so a
 * console prefix does not hide a line).
 * Returns 1 for a protocol line, 0 for a line that is not one (ignore it),
 * -1 for a line that carries the tag but is malformed. */
int proto_parse(const char *line, struct proto_line *out);

/* The decoded value of key, or NULL. */
const char *proto_get(const struct proto_line *l, const char *key);

/* Write one line: kind followed by NULL-terminated key, value pairs.
 * Flushes, so a line is never half-sent when the process dies.
 * Returns 0, or -1 when the line does not fit or the write fails. */
int proto_emit(FILE *f, const char *kind, ...);

/* Shorthand for a metric line; dir is "higher" or "lower". */
int proto_metric(FILE *f, const char *name, const char *unit, const char *dir, double value);

#endif
