#include "env/cpio.h"

#include <string.h>
#include <sys/stat.h>

static void put(struct cpio *c, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, c->f) != n)
        c->err = 1;
}

static void pad4(struct cpio *c)
{
    static const char zero[4];
    long pos = ftell(c->f);
    if (pos < 0)
        c->err = 1;
    else if (pos & 3)
        put(c, zero, 4 - (size_t)(pos & 3));
}

static void entry(struct cpio *c, const char *name, unsigned mode, uint32_t size,
                  unsigned rmaj, unsigned rmin, const void *data)
{
    char hdr[111];
    size_t namesize = strlen(name) + 1;
    snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             ++c->ino, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u,
             rmaj, rmin, (unsigned)namesize, 0u);
    put(c, hdr, 110);
    put(c, name, namesize);
    pad4(c);
    put(c, data, size);
    pad4(c);
}

void cpio_begin(struct cpio *c, FILE *f)
{
    c->f = f;
    c->ino = 0;
    c->err = 0;
}

void cpio_dir(struct cpio *c, const char *name, unsigned mode)
{
    entry(c, name, S_IFDIR | (mode & 07777), 0, 0, 0, NULL);
}

void cpio_file(struct cpio *c, const char *name, unsigned mode, const void *data, uint32_t size)
{
    entry(c, name, S_IFREG | (mode & 07777), size, 0, 0, data);
}

void cpio_chardev(struct cpio *c, const char *name, unsigned mode, unsigned major, unsigned minor)
{
    entry(c, name, S_IFCHR | (mode & 07777), 0, major, minor, NULL);
}

int cpio_end(struct cpio *c)
{
    entry(c, "TRAILER!!!", 0, 0, 0, 0, NULL);
    if (fflush(c->f) != 0)
        c->err = 1;
    return c->err ? -1 : 0;
}
