/* spawn.h - start a pinned child cheaply. clone(CLONE_VM|CLONE_VFORK), the
 * way posix_spawn does, so the cost does not grow with the harness's own
 * size (fork copies page tables: ~1 ms more per 64 MiB here), and the child
 * binds itself to the workload CPUs before exec so it never runs elsewhere. */
#ifndef VB_SPAWN_H
#define VB_SPAWN_H

#include "common/err.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/types.h>

struct spawn_req {
    const char *path;
    char *const *argv;
    const cpu_set_t *cpus;     /* NULL = inherit */
    int stdout_fd;             /* -1 = /dev/null */
    int stdin_null;            /* 1 = stdin from /dev/null */
    int stderr_null;           /* 1 = stderr to /dev/null */
    int stderr_out;            /* 1 = stderr to stdout_fd (for error messages) */
    int stderr_fd;             /* > 0: stderr to this file instead */
    int new_session;           /* 1 = setsid(): a terminal's Ctrl-C does not reach it */
    const char *cwd;           /* NULL = inherit; else chdir here first */
    /* Optional hook run in the child before exec (e.g. namespace set-up);
     * returns 0 or an errno. Runs in the shared address space: it must not
     * allocate or touch the parent's data beyond what it is given. */
    int (*pre_exec)(void *arg);
    void *pre_arg;
};

/* Returns the child's pid, or -1 with errno set (from fork, the hook, or
 * exec). The child is killed if the harness dies (PR_SET_PDEATHSIG), so a
 * kill -9 of vcbench leaves no workload running. */
pid_t spawn_start(const struct spawn_req *r);

/* Wait for child pid to end, retrying when a signal interrupts the wait
 * unless it was a stop signal (sig_stop). *status = its exit code, or -1
 * when a signal killed it; ru (may be NULL) gets its resource usage.
 * Returns 0, or -1 with e: VB_EINTR (pid not reaped: stop it) or VB_EFAIL. */
int proc_wait(pid_t pid, int *status, struct rusage *ru, struct vb_err *e);

/* Wait for pid whatever signals arrive: for clean-up, which must finish
 * even after a second Ctrl-C. Its exit code, or -1 when killed/unknown. */
int proc_reap(pid_t pid);

/* SIGKILL *pid when it is > 0, reap it, set *pid to 0. */
void proc_kill(pid_t *pid);

/* Run argv (argv[0] a path, no shell) with stdin and stderr on /dev/null
 * and put up to n-1 bytes of its output, NUL-terminated, in out.
 * 0, or -1 ("" in out) when it cannot run or prints nothing. */
int proc_output(char *const argv[], char *out, size_t n);

/* Run argv like proc_output, stderr into out too, in a session of its
 * own (a terminal's Ctrl-C reaches the harness only, which decides), and
 * return its exit code (-1 when it could not run or was killed). */
int proc_run(char *const argv[], char *out, size_t n);

/* A command with limits: run in cwd (NULL: the harness's), killed with its
 * whole session after limit_ms (0: none) or, when interruptible, as soon as
 * a signal stops the harness (clean-up commands are not interruptible: they
 * must finish). Its exit code; PROC_TIMEOUT or PROC_STOPPED when it was
 * killed for one of those; -1 when it could not run or died of a signal. */
#define PROC_TIMEOUT (-2)
#define PROC_STOPPED (-3)
struct proc_limits {
    const char *cwd;
    double limit_ms;
    int interruptible;
};
int proc_run_lim(char *const argv[], const struct proc_limits *l, char *out, size_t n);

/* The same, keeping only the first line (without its newline). */
int proc_first_line(char *const argv[], char *out, size_t n);

#endif
