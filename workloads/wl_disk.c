/* disk: O_DIRECT I/O on one backing file or block device, the way fio's
 * psync engine at queue depth 1 does it (one pread/pwrite at a time), so the
 * difference between environments is the I/O path, not the file:
 *   native     the host file
 *   container  the same file bind-mounted at /mnt/disk
 *   vm         the same file as a raw virtio-blk disk (cache=none, io=native)
 * For each pattern: --seconds of I/O of --bs bytes over the first --size
 * bytes; MB/s, IOPS and per-I/O latency percentiles (p50, p99, p99.9) are
 * reported. Creating and filling the file happens before `ready`, untimed. */
#include "wl.h"
#include "wl_disk.h"
#include "common/diskfile.h"
#include "common/proto.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mount.h>  /* BLKSSZGET, BLKGETSIZE64 (glibc and musl) */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PATTERNS 4
static const char *const patterns[MAX_PATTERNS] = { "seqread", "seqwrite", "randread", "randwrite" };

uint64_t disk_percentile(const uint64_t *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    /* ceil(p/100 * n), minus a hair so 99.9% of 1000 is rank 999, not the
     * 1000 that 0.999 * 1000 = 999.0000000000001 would give. */
    double rank = p / 100.0 * (double)n - 1e-9;
    size_t k = (size_t)rank;
    if ((double)k < rank)
        k++;
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return sorted[k - 1];
}

const char *disk_check_geometry(uint64_t bs, uint64_t size, unsigned lbs)
{
    if (bs == 0)
        return "--bs must be at least one block (e.g. 4K)";
    if (bs % lbs)
        return "--bs must be a multiple of the device block size for O_DIRECT (e.g. 4K)";
    if (bs > (64u << 20))
        return "--bs must be at most 64M";
    if (size < bs)
        return "--size must be at least --bs";
    return NULL;
}

void disk_stamp(uint8_t *buf, size_t bs, uint64_t offset)
{
    memcpy(buf, "VCBDISK1", 8);
    for (int i = 0; i < 8 && 8 + i < (int)bs; i++)
        buf[8 + i] = (uint8_t)(offset >> (8 * i));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

struct disk_run {
    int fd;
    uint64_t size, bs;
    double seconds;
    uint8_t *buf;
    uint64_t *lat;
    size_t nlat, cap;
};

/* One pattern; returns 0 or a wl_fail code. */
static int disk_pattern(struct disk_run *d, const char *pat, FILE *out)
{
    int write_ = strstr(pat, "write") != NULL, rand_ = !strncmp(pat, "rand", 4);
    uint64_t blocks = d->size / d->bs, x = 0x2545F4914F6CDD1Dull, seq = 0;
    uint64_t t_end = wl_now_ns() + (uint64_t)(d->seconds * 1e9), t_start = wl_now_ns(), bytes = 0;
    d->nlat = 0;
    for (;;) {
        uint64_t blk;
        if (rand_) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            blk = x % blocks;
        } else {
            blk = seq++ % blocks;
        }
        uint64_t off = blk * d->bs;
        if (write_)
            disk_stamp(d->buf, d->bs, off);
        uint64_t t0 = wl_now_ns();
        ssize_t r = write_ ? pwrite(d->fd, d->buf, d->bs, (off_t)off) : pread(d->fd, d->buf, d->bs, (off_t)off);
        uint64_t t1 = wl_now_ns();
        if (r != (ssize_t)d->bs)
            return wl_fail(out, 1, "%s at offset %" PRIu64 ": %s", pat, off,
                           r < 0 ? strerror(errno) : "short transfer");
        if (d->nlat == d->cap) {
            size_t cap = d->cap ? d->cap * 2 : 1 << 16;
            uint64_t *l = realloc(d->lat, cap * sizeof *l);
            if (!l)
                return wl_fail(out, 1, "out of memory for latency samples");
            d->lat = l;
            d->cap = cap;
        }
        d->lat[d->nlat++] = t1 - t0;
        bytes += d->bs;
        if (t1 >= t_end)
            break;
    }
    double secs = (double)(wl_now_ns() - t_start) / 1e9;
    double sum = 0;
    for (size_t i = 0; i < d->nlat; i++)
        sum += (double)d->lat[i];
    qsort(d->lat, d->nlat, sizeof *d->lat, cmp_u64);

    char name[40];
#define M(suffix, unit, dir, v) \
    (snprintf(name, sizeof name, "%s_%s", pat, suffix), proto_metric(out, name, unit, dir, v))
    M("mbps", "MB/s", "higher", (double)bytes / secs / 1e6);
    M("iops", "IO/s", "higher", (double)d->nlat / secs);
    M("lat_mean", "us", "lower", sum / (double)d->nlat / 1e3);
    M("lat_p50", "us", "lower", (double)disk_percentile(d->lat, d->nlat, 50) / 1e3);
    M("lat_p99", "us", "lower", (double)disk_percentile(d->lat, d->nlat, 99) / 1e3);
    M("lat_p999", "us", "lower", (double)disk_percentile(d->lat, d->nlat, 99.9) / 1e3);
#undef M
    return 0;
}

static int disk_run(int argc, char **argv, FILE *out)
{
    const char *file = NULL, *pattern = "randread";
    uint64_t size = 256ull << 20, bs = 4096;
    long seconds_ms = 0, seconds = 5;
    const struct wl_opt opts[] = {
        { "file", WL_OPT_STR, &file, 0, 0 },
        { "size", WL_OPT_SIZE, &size, 0, 0 },
        { "bs", WL_OPT_SIZE, &bs, 0, 0 },
        { "pattern", WL_OPT_STR, &pattern, 0, 0 },
        { "seconds", WL_OPT_LONG, &seconds, 1, 3600 },
        { "ms", WL_OPT_LONG, &seconds_ms, 1, 3600000 },
    };
    if (wl_opts_parse(argc, argv, opts, 6, out) < 0)
        return 2;
    if (!file)
        return wl_fail(out, 2, "--file PATH is required (a file or block device)");

    /* The pattern list: one or more of the four, or "all". */
    const char *chosen[MAX_PATTERNS];
    int np = 0;
    char plist[128];
    snprintf(plist, sizeof plist, "%s", !strcmp(pattern, "all") ? "seqread,seqwrite,randread,randwrite" : pattern);
    for (char *save, *t = strtok_r(plist, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k = 0;
        while (k < MAX_PATTERNS && strcmp(patterns[k], t))
            k++;
        if (k == MAX_PATTERNS || np == MAX_PATTERNS)
            return wl_fail(out, 2, "bad --pattern '%s'; use seqread, seqwrite, randread, randwrite, "
                                   "a comma list of them, or all", t);
        chosen[np++] = patterns[k];
    }

    int fd = open(file, O_RDWR | O_CREAT | O_DIRECT | O_CLOEXEC, 0644);
    if (fd < 0)
        return wl_fail(out, 2, "cannot open %s with O_DIRECT: %s%s", file, strerror(errno),
                       errno == ENOENT ? " (does its directory exist?)" :
                       errno == EINVAL ? " (the file system does not support O_DIRECT)" : "");
    unsigned lbs = 512;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
        int s = 0;
        uint64_t dev = 0;
        if (ioctl(fd, BLKSSZGET, &s) == 0 && s > 0)
            lbs = (unsigned)s;
        if (ioctl(fd, BLKGETSIZE64, &dev) == 0 && dev < size) {
            close(fd);
            return wl_fail(out, 2, "device %s has %" PRIu64 " bytes, less than --size", file, dev);
        }
    }
    const char *bad = disk_check_geometry(bs, size, lbs);
    if (bad) {
        close(fd);
        return wl_fail(out, 2, "%s", bad);
    }
    struct disk_run d = { .fd = fd, .size = size - size % bs, .bs = bs,
                          .seconds = seconds_ms ? (double)seconds_ms / 1e3 : (double)seconds };
    /* Each pattern runs for its duration; filling a short file ~1 GB/s. */
    wl_expect(out, (double)size / 1e6, (double)np * d.seconds * 1e3);
    char why[256];
    int rc = diskfile_fill(fd, size, why, sizeof why) < 0 ? wl_fail(out, 1, "%s", why) : 0;
    if (rc == 0 && posix_memalign((void **)&d.buf, 4096, bs) != 0)
        rc = wl_fail(out, 1, "out of memory");
    if (rc == 0) {
        memset(d.buf, 0xA5, bs);
        wl_param_str(out, "pattern", pattern);
        wl_param_u64(out, "size", d.size);
        wl_param_u64(out, "bs", bs);
        wl_param_str(out, "seconds", seconds_ms ? "ms" : "s");
        wl_param_u64(out, seconds_ms ? "duration_ms" : "duration_s", seconds_ms ? (uint64_t)seconds_ms : (uint64_t)seconds);
        proto_emit(out, "ready", (char *)NULL);
        for (int i = 0; i < np && rc == 0; i++)
            rc = disk_pattern(&d, chosen[i], out);
    }
    free(d.buf);
    free(d.lat);
    close(fd);
    return rc;
}

const struct wl_workload wl_disk = {
    .meta = &wlm_disk,
    .options = "             --file PATH           file or block device (required; @disk = the run's shared disk)\n"
               "             --size SIZE           bytes of the file used (256M)\n"
               "             --bs SIZE             bytes per I/O, multiple of the block size (4K)\n"
               "             --pattern P[,P...]    seqread|seqwrite|randread|randwrite|all (randread)\n"
               "             --seconds S           seconds per pattern (5)\n"
               "             --ms MS               milliseconds per pattern (overrides --seconds)\n",
    .run = disk_run,
};
