#include "common/diskfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int diskfile_fill(int fd, uint64_t size, char *why, unsigned n)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(why, n, "stat: %s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size >= size)
        return 0;
    const size_t chunk = 1 << 20;
    uint8_t *buf;
    if (posix_memalign((void **)&buf, 4096, chunk) != 0) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < chunk; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    int rc = 0;
    /* Aligned offsets and lengths, so this also works on an O_DIRECT fd. */
    for (uint64_t off = (uint64_t)st.st_size & ~(uint64_t)4095; off < size; off += chunk) {
        size_t len = size - off < chunk ? (size_t)(size - off) : chunk;
        len = (len + 4095) & ~(size_t)4095;
        if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len) {
            snprintf(why, n, "cannot fill the file to %llu bytes: %s", (unsigned long long)size,
                     errno ? strerror(errno) : "short write");
            rc = -1;
            break;
        }
    }
    free(buf);
    if (rc == 0 && fsync(fd) < 0) {
        snprintf(why, n, "fsync: %s", strerror(errno));
        rc = -1;
    }
    return rc;
}
