#include "common/io.h"
#include "common/sig.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t io_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A stream's pending bytes and its line callback. */
struct io_stream {
    int fd;
    io_line_fn fn;
    void *arg;
    size_t have;
    int eof;
    int until;                 /* the deadline ends the reading, not as a failure */
    char buf[8192];
};

/* Read what fd has and hand each complete line to fn. 1 when fn stopped,
 * 2 at EOF, 0 to go on, -1 on a read error (e). */
static int stream_feed(struct io_stream *st, struct vb_err *e)
{
    ssize_t n = read(st->fd, st->buf + st->have, sizeof st->buf - 1 - st->have);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return 0;
        return vb_errf(e, VB_EFAIL, "read: %s", strerror(errno));
    }
    uint64_t t = io_now_ns();
    if (n == 0) {
        st->eof = 1;
        if (st->have) {          /* last line without newline */
            st->buf[st->have] = '\0';
            st->have = 0;
            if (st->fn(st->arg, st->buf, t))
                return 1;
        }
        return 2;
    }
    st->have += (size_t)n;
    st->buf[st->have] = '\0';
    char *start = st->buf, *nl;
    while ((nl = memchr(start, '\n', st->have - (size_t)(start - st->buf)))) {
        *nl = '\0';
        if (st->fn(st->arg, start, t)) {
            start = nl + 1;
            st->have -= (size_t)(start - st->buf);
            memmove(st->buf, start, st->have);
            return 1;
        }
        start = nl + 1;
    }
    st->have -= (size_t)(start - st->buf);
    memmove(st->buf, start, st->have);
    if (st->have == sizeof st->buf - 1)      /* an absurdly long line: drop it */
        st->have = 0;
    return 0;
}

/* Read the first stream (and the second, when there is one, on the side)
 * until the first's callback stops (0), its EOF (1) or an error (-1). */
static int read_streams(struct io_stream *a, struct io_stream *b, const uint64_t *deadline_ns, struct vb_err *e)
{
    for (;;) {
        if (sig_stop)
            return vb_errf(e, VB_EINTR, "interrupted");
        uint64_t now = io_now_ns();
        if (now >= *deadline_ns && !a->until)
            return vb_errf(e, VB_EFAIL, "timed out waiting for the workload; raise --timeout");
        if (now >= *deadline_ns)
            return 2;
        /* Wake at least every 200 ms to notice a signal promptly. */
        uint64_t left_ms = (*deadline_ns - now) / 1000000 + 1;
        struct pollfd p[2] = { { .fd = a->fd, .events = POLLIN }, { .fd = b && !b->eof ? b->fd : -1, .events = POLLIN } };
        int r = poll(p, 2, left_ms > 200 ? 200 : (int)left_ms);
        if (r < 0 && errno != EINTR)
            return vb_errf(e, VB_EFAIL, "poll: %s", strerror(errno));
        if (r <= 0)
            continue;
        if (b && p[1].revents && stream_feed(b, e) < 0)
            return -1;
        if (!p[0].revents)
            continue;
        int x = stream_feed(a, e);
        if (x < 0)
            return -1;
        if (x == 1)
            return 0;
        if (x == 2)
            return 1;
    }
}

int io_read_lines(int fd, const uint64_t *deadline_ns, io_line_fn fn, void *arg, struct vb_err *e)
{
    struct io_stream st = { .fd = fd, .fn = fn, .arg = arg };
    return read_streams(&st, NULL, deadline_ns, e);
}

int io_read_for(int fd, uint64_t until_ns, io_line_fn fn, void *arg, struct vb_err *e)
{
    struct io_stream *st = calloc(1, sizeof *st);
    if (!st)
        return vb_errf(e, VB_EFAIL, "out of memory");
    *st = (struct io_stream){ .fd = fd, .fn = fn, .arg = arg, .until = 1 };
    int rc = read_streams(st, NULL, &until_ns, e);
    free(st);
    return rc;
}

int io_read_lines2(int fd, io_line_fn fn, void *arg, int fd2, io_line_fn fn2, void *arg2,
                   const uint64_t *deadline_ns, struct vb_err *e)
{
    struct io_stream *st = calloc(2, sizeof *st);
    if (!st)
        return vb_errf(e, VB_EFAIL, "out of memory");
    st[0] = (struct io_stream){ .fd = fd, .fn = fn, .arg = arg };
    st[1] = (struct io_stream){ .fd = fd2, .fn = fn2, .arg = arg2, .eof = fd2 < 0 };
    int rc = read_streams(&st[0], &st[1], deadline_ns, e);
    free(st);
    return rc;
}
