/* noise-fork: the process antagonist - fork, exec this same binary to
 * print its version, wait: the kernel's process, exec and page-table
 * paths (and their locks), which every process on a kernel shares. */
#include "wl.h"
#include "wl_noise.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static int fork_setup(struct noise_arg *a, FILE *out)
{
    (void)out;
    a->work_per_unit = 1;
    a->fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return 0;
}

static void fork_unit(struct noise_arg *a)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (a->fd >= 0)
            dup2(a->fd, 1);
        else
            close(1);
        char arg0[] = "wl", arg1[] = "--version";
        char *argv[] = { arg0, arg1, NULL }, *envp[] = { NULL };
        execve("/proc/self/exe", argv, envp);
        _exit(0);              /* no /proc: fork alone */
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

static void fork_done(struct noise_arg *a)
{
    if (a->fd >= 0)
        close(a->fd);
}

static const struct noise_ops ops = { "forks/s", fork_setup, fork_unit, fork_done };

static int run(int argc, char **argv, FILE *out)
{
    return noise_main(&ops, argc, argv, out);
}

const struct wl_workload wl_noise_fork = { .meta = &wlm_noise_fork, .options = NOISE_OPTIONS, .run = run };
