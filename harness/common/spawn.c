#include "common/spawn.h"
#include "common/sig.h"

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct child {
    const struct spawn_req *r;
    int null_fd;
    volatile int err;          /* written by the child, read after vfork returns */
};

static int child_main(void *arg)
{
    struct child *c = arg;
    const struct spawn_req *r = c->r;
    /* The harness handles SIGINT by setting a flag; the child must die of it. */
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGPIPE, &dfl, NULL);
    /* Dies with the harness (even kill -9); CLONE_VFORK keeps the parent
     * alive until exec, so the parent cannot have died already. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (r->cpus && sched_setaffinity(0, sizeof *r->cpus, r->cpus) < 0)
        goto fail;
    if (r->stdin_null && dup2(c->null_fd, 0) < 0)
        goto fail;
    if (dup2(r->stdout_fd >= 0 ? r->stdout_fd : c->null_fd, 1) < 0)
        goto fail;
    if (r->stderr_null && dup2(c->null_fd, 2) < 0)
        goto fail;
    if (r->stderr_out && dup2(1, 2) < 0)
        goto fail;
    if (r->stderr_fd > 0 && dup2(r->stderr_fd, 2) < 0)
        goto fail;
    if (r->new_session && setsid() < 0)
        goto fail;
    if (r->cwd && chdir(r->cwd) < 0)
        goto fail;
    if (r->pre_exec) {
        int e = r->pre_exec(r->pre_arg);
        if (e) {
            c->err = e;
            _exit(127);
        }
    }
    execv(r->path, r->argv);
fail:
    c->err = errno ? errno : EINVAL;
    _exit(127);
}

pid_t spawn_start(const struct spawn_req *r)
{
    struct child c = { .r = r, .err = 0 };
    c.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (c.null_fd < 0)
        return -1;
    const size_t stack_size = 64 * 1024;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        close(c.null_fd);
        return -1;
    }
    /* CLONE_VFORK: we resume once the child has exec'd or exited, so c.err
     * is final and the stack can go. */
    pid_t pid = clone(child_main, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
    int saved = errno;
    munmap(stack, stack_size);
    close(c.null_fd);
    if (pid < 0) {
        errno = saved;
        return -1;
    }
    if (c.err) {
        waitpid(pid, NULL, 0);
        errno = c.err;
        return -1;
    }
    return pid;
}

int proc_wait(pid_t pid, int *status, struct rusage *ru, struct vb_err *e)
{
    int st;
    pid_t r;
    while ((r = wait4(pid, &st, 0, ru)) < 0 && errno == EINTR)
        if (sig_stop)
            return vb_errf(e, VB_EINTR, "interrupted");
    if (r < 0)
        return vb_errf(e, VB_EFAIL, "wait: %s", strerror(errno));
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return 0;
}

int proc_reap(pid_t pid)
{
    int st;
    pid_t r;
    while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
        ;
    return r == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void proc_kill(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGKILL);
    proc_reap(*pid);
    *pid = 0;
}

int proc_output(char *const argv[], char *out, size_t n)
{
    out[0] = '\0';
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    struct spawn_req req = { .path = argv[0], .argv = argv, .stdout_fd = p[1], .stdin_null = 1, .stderr_null = 1 };
    pid_t pid = spawn_start(&req);
    close(p[1]);
    size_t got = 0;
    ssize_t r;
    while (pid > 0 && got + 1 < n && (r = read(p[0], out + got, n - 1 - got)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        got += (size_t)r;
    }
    close(p[0]);
    out[got] = '\0';
    if (pid > 0)
        proc_reap(pid);
    return pid > 0 && got ? 0 : -1;
}

int proc_run(char *const argv[], char *out, size_t n)
{
    return proc_run_lim(argv, &(struct proc_limits){ 0 }, out, n);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int proc_run_lim(char *const argv[], const struct proc_limits *l, char *out, size_t n)
{
    out[0] = '\0';
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    struct spawn_req req = { .path = argv[0], .argv = argv, .stdout_fd = p[1], .stdin_null = 1,
                             .stderr_out = 1, .new_session = 1, .cwd = l->cwd };
    pid_t pid = spawn_start(&req);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    size_t got = 0;
    char sink[512];
    int killed = 0;
    double t0 = mono_ms(), t_kill = 0;
    /* Read to EOF (a full buffer must not block the child's writes),
     * waking at least every 100 ms to look at the clock and the flag. */
    for (;;) {
        if (!killed && ((l->limit_ms > 0 && mono_ms() - t0 > l->limit_ms) || (l->interruptible && sig_stop))) {
            killed = sig_stop && l->interruptible ? PROC_STOPPED : PROC_TIMEOUT;
            kill(-pid, SIGKILL);   /* its session: it and what it started */
            t_kill = mono_ms();
        }
        /* Something that left the session still holds the pipe. */
        if (killed && mono_ms() - t_kill > 5000)
            break;
        struct pollfd pf = { .fd = p[0], .events = POLLIN };
        int r = poll(&pf, 1, 100);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        ssize_t k = read(p[0], got + 1 < n ? out + got : sink, got + 1 < n ? n - 1 - got : sizeof sink);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        if (got + 1 < n)
            got += (size_t)k;
    }
    close(p[0]);
    out[got] = '\0';
    int rc = proc_reap(pid);
    return killed ? killed : rc;
}

int proc_first_line(char *const argv[], char *out, size_t n)
{
    int rc = proc_output(argv, out, n);
    out[strcspn(out, "\n")] = '\0';
    return rc == 0 && out[0] ? 0 : -1;
}
