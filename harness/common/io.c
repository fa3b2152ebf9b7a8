#include "common/io.h"
#include "common/sig.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t io_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int io_read_lines(int fd, const uint64_t *deadline_ns, io_line_fn fn, void *arg, struct vb_err *e)
{
    char buf[8192];
    size_t have = 0;
    for (;;) {
        if (sig_stop)
            return vb_errf(e, VB_EINTR, "interrupted");
        uint64_t now = io_now_ns();
        if (now >= *deadline_ns)
            return vb_errf(e, VB_EFAIL, "timed out waiting for the workload; raise --timeout");
        /* Wake at least every 200 ms to notice a signal promptly. */
        uint64_t left_ms = (*deadline_ns - now) / 1000000 + 1;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, left_ms > 200 ? 200 : (int)left_ms);
        if (r < 0 && errno != EINTR)
            return vb_errf(e, VB_EFAIL, "poll: %s", strerror(errno));
        if (r <= 0)
            continue;
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return vb_errf(e, VB_EFAIL, "read: %s", strerror(errno));
        }
        uint64_t t = io_now_ns();
        if (n == 0) {
            if (have) {          /* last line without newline */
                buf[have] = '\0';
                if (fn(arg, buf, t))
                    return 0;
            }
            return 1;
        }
        have += (size_t)n;
        buf[have] = '\0';
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
            *nl = '\0';
            if (fn(arg, start, t))
                return 0;
            start = nl + 1;
        }
        have -= (size_t)(start - buf);
        memmove(buf, start, have);
        if (have == sizeof buf - 1)      /* an absurdly long line: drop it */
            have = 0;
    }
}
