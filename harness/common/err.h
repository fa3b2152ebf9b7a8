/* harness/common/ - the floor of the harness: small pieces that depend on
 * nothing above them (errors, the vcb1 protocol, units, the disk file, the
 * workload metadata, raw.csv, CSV and JSON helpers, I/O, spawning,
 * signals, SHA-256). Some are compiled into wl too; wl includes nothing
 * else of the harness.
 *
 * err.h - the error object every fallible harness call fills.
 *
 * Functions that can fail return < 0 and put one line, saying what is wrong
 * and what to do, into a struct vb_err; only main() prints it. The code is
 * the process exit status the CLI uses for that kind of failure. */
#ifndef VB_ERR_H
#define VB_ERR_H

#include <stddef.h>

enum vb_exit {
    VB_OK = 0,
    VB_EFAIL = 1,      /* a measurement failed or a regression was found */
    VB_EUSAGE = 2,     /* bad command line, bad input file */
    VB_EHOST = 3,      /* the host lacks something: root, packages, kernel, KVM */
    VB_EINCOMP = 4,    /* compare: the two sides are not the same thing (host, params, missing) */
    VB_EINCONCL = 5,   /* compare: the data cannot tell a threshold-sized change */
    VB_EINTR = 130,    /* interrupted by SIGINT/SIGTERM */
};

struct vb_err {
    int code;
    char msg[512];
};

/* Fill e (may be NULL) and return -1, so callers can `return vb_errf(...)`. */
int vb_errf(struct vb_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
