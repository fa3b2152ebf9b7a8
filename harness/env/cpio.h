/* cpio.h - a writer for the "newc" cpio format the kernel unpacks as an
 * initramfs. Only what an initramfs needs: directories, regular files,
 * character devices. */
#ifndef VB_CPIO_H
#define VB_CPIO_H

#include <stdint.h>
#include <stdio.h>

struct cpio {
    FILE *f;
    uint32_t ino;
    int err;                   /* sticky: set on the first failed write */
};

void cpio_begin(struct cpio *c, FILE *f);
/* name is relative ("wl", "lib/vcb"); mode includes the type bits. */
void cpio_dir(struct cpio *c, const char *name, unsigned mode);
void cpio_file(struct cpio *c, const char *name, unsigned mode, const void *data, uint32_t size);
void cpio_chardev(struct cpio *c, const char *name, unsigned mode, unsigned major, unsigned minor);
/* Write the trailer. Returns 0, or -1 if any write failed. */
int cpio_end(struct cpio *c);

#endif
