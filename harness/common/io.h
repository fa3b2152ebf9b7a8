/* io.h - reading protocol lines from an instance's stream with a deadline,
 * honouring SIGINT (sig_stop). The same code reads a pipe and a socket. */
#ifndef VB_IO_H
#define VB_IO_H

#include "common/err.h"

#include <stdint.h>

/* Called for each complete line (without the newline). Return 1 to stop
 * reading (e.g. after the `end` line), 0 to go on. */
typedef int (*io_line_fn)(void *arg, const char *line, uint64_t t_ns);

/* Read lines from fd until the callback stops (returns 0), EOF (returns 1),
 * or failure: deadline passed (VB_EFAIL, "timed out"), signal (VB_EINTR) or a
 * read error; those return -1 with e filled. *deadline_ns is CLOCK_MONOTONIC
 * and read again after every line, so the callback may move it. */
int io_read_lines(int fd, const uint64_t *deadline_ns, io_line_fn fn, void *arg, struct vb_err *e);

/* The same for fd, while lines of fd2 (another instance's stream, -1 for
 * none) go to fn2 as they come, so that instance never blocks on a full
 * stream; fd2's end or lines do not stop the reading. */
int io_read_lines2(int fd, io_line_fn fn, void *arg, int fd2, io_line_fn fn2, void *arg2,
                   const uint64_t *deadline_ns, struct vb_err *e);

/* Read lines from fd until until_ns: 2 then, 0 when fn stopped, 1 at EOF,
 * -1 on a signal (VB_EINTR) or read error. */
int io_read_for(int fd, uint64_t until_ns, io_line_fn fn, void *arg, struct vb_err *e);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t io_now_ns(void);

#endif
