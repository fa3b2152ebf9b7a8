/* own.h - what a run owns, recorded so that it survives kill -9.
 *
 * A run holds an flock on <state>/runs/<run id>.lock for its whole life
 * and appends to <state>/runs/<run id>.owns one line per kind of thing it
 * makes ("cgroup vcbench.<id>", "qemu <embed root> vcbench-<id>-", ...),
 * synced to disk before the thing exists. A clean end removes both files.
 * The next run (any state dir user) takes each other lock with
 * LOCK_NB: a lock it gets belongs to a dead run, whose record it replays
 * through a callback and then removes; a lock it cannot get belongs to a
 * live run, whose things it never touches. */
#ifndef VB_OWN_H
#define VB_OWN_H

#include "common/err.h"

/* Start this process's record. 0, or -1 with e. */
int own_begin(const char *state_dir, const char *run_id, struct vb_err *e);

/* Record one thing: kind (a word) and its value (one line). Safe to call
 * without own_begin (then it does nothing). */
void own_note(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The run ended: remove its record and lock. */
void own_end(void);

/* For every dead run's record under state_dir: fn(kind, value, arg) for
 * each line, then the record and lock are removed. Returns the number of
 * dead runs swept. */
int own_sweep(const char *state_dir, void (*fn)(const char *kind, const char *value, void *arg), void *arg);

#endif
