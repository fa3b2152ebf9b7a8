#include "common/pmu.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int counter_open(uint64_t config, int inherit)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_HARDWARE;
    a.config = config;
    a.disabled = 1;
    a.inherit = (unsigned)inherit;
    a.exclude_kernel = 1;      /* allowed at perf_event_paranoid 2, and the kernel is not the workload */
    a.exclude_hv = 1;
    a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

int pmu_open(struct pmu *p, int inherit, char *why, size_t n)
{
    static const uint64_t cfg[2] = { PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CPU_CYCLES };
    static const char *name[2] = { "instructions", "cycles" };
    p->fd[0] = p->fd[1] = -1;
    for (int i = 0; i < 2; i++)
        if ((p->fd[i] = counter_open(cfg[i], inherit)) < 0) {
            int err = errno;
            snprintf(why, n, "%s: %s", name[i],
                     err == ENOENT || err == EOPNOTSUPP ? "no hardware counters here (no PMU exposed)"
                     : err == EACCES || err == EPERM ? "not permitted (kernel.perf_event_paranoid)"
                     : err == ENOSYS ? "perf_event_open not in this kernel"
                                     : strerror(err));
            pmu_close(p);
            return -1;
        }
    return 0;
}

void pmu_start(struct pmu *p)
{
    for (int i = 0; i < 2; i++) {
        ioctl(p->fd[i], PERF_EVENT_IOC_RESET, 0);
        ioctl(p->fd[i], PERF_EVENT_IOC_ENABLE, 0);
    }
}

void pmu_stop(struct pmu *p)
{
    for (int i = 0; i < 2; i++)
        ioctl(p->fd[i], PERF_EVENT_IOC_DISABLE, 0);
}

int pmu_read(const struct pmu *p, uint64_t v[2])
{
    for (int i = 0; i < 2; i++) {
        uint64_t r[3];         /* value, time enabled, time running */
        if (read(p->fd[i], r, sizeof r) != (ssize_t)sizeof r || r[2] < r[1])
            return -1;
        v[i] = r[0];
    }
    return 0;
}

void pmu_close(struct pmu *p)
{
    for (int i = 0; i < 2; i++)
        if (p->fd[i] >= 0) {
            close(p->fd[i]);
            p->fd[i] = -1;
        }
}

void pmu_probe(char *why, size_t n)
{
    struct pmu p;
    if (pmu_open(&p, 0, why, n) == 0) {
        pmu_close(&p);
        snprintf(why, n, "%s", "");
    }
}
