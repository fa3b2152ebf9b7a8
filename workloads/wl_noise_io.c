/* noise-io: the storage antagonist - a 4 KiB write and an fdatasync, over
 * and over, on a disk file of its own on the host's file system (through
 * the page cache: the flush, the journal and the device queue are what it
 * shares with a neighbour's I/O). */
#include "wl.h"
#include "wl_noise.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define BS 4096
#define SPAN (64u << 20)

static int io_setup(struct noise_arg *a, FILE *out)
{
    if (!a->file)
        return wl_fail(out, -1, "noise-io needs --file (the harness gives it a disk of its own)");
    a->fd = open(a->file, O_RDWR | O_CLOEXEC);
    if (a->fd < 0)
        return wl_fail(out, -1, "cannot open %s: %s", a->file, strerror(errno));
    a->bytes = a->size && a->size < SPAN ? a->size / BS * BS : SPAN;
    if (a->bytes < BS)
        return wl_fail(out, -1, "--size must be at least 4K");
    static char block[BS];
    memset(block, 0x5a, sizeof block);
    a->buf = block;
    a->work_per_unit = 1;      /* one synchronised write */
    return 0;
}

static void io_unit(struct noise_arg *a)
{
    if (pwrite(a->fd, a->buf, BS, (off_t)a->pos) == BS)
        fdatasync(a->fd);
    a->pos += BS;
    if (a->pos >= a->bytes)
        a->pos = 0;
}

static void io_done(struct noise_arg *a)
{
    close(a->fd);
}

static const struct noise_ops ops = { "syncs/s", io_setup, io_unit, io_done };

static int run(int argc, char **argv, FILE *out)
{
    return noise_main(&ops, argc, argv, out);
}

const struct wl_workload wl_noise_io = { .meta = &wlm_noise_io, .options = NOISE_OPTIONS, .run = run };
