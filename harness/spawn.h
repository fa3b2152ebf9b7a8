/* spawn.h - start a pinned child cheaply. clone(CLONE_VM|CLONE_VFORK), the
 * way posix_spawn does, so the cost does not grow with the harness's own
 * size (fork copies page tables: ~1 ms more per 64 MiB here), and the child
 * binds itself to the workload CPUs before exec so it never runs elsewhere. */
#ifndef VB_SPAWN_H
#define VB_SPAWN_H

#include <sched.h>
#include <sys/types.h>

struct spawn_req {
    const char *path;
    char *const *argv;
    const cpu_set_t *cpus;     /* NULL = inherit */
    int stdout_fd;             /* -1 = /dev/null */
    int stdin_null;            /* 1 = stdin from /dev/null */
    /* Optional hook run in the child before exec (e.g. namespace set-up);
     * returns 0 or an errno. Runs in the shared address space: it must not
     * allocate or touch the parent's data beyond what it is given. */
    int (*pre_exec)(void *arg);
    void *pre_arg;
};

/* Returns the child's pid, or -1 with errno set (from fork, the hook, or exec). */
pid_t spawn_start(const struct spawn_req *r);

#endif
