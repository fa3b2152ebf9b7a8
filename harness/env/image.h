/* image.h - the one tree both isolated environments run from.
 *
 * image_build() makes <dir>/rootfs (the container root: /wl, empty /proc,
 * /sys, /dev, /tmp, /mnt and the guest's virtio modules in /lib/vcb) and
 * <dir>/initrd.cpio, the same tree as a newc archive plus /dev/console, which
 * the guest kernel unpacks and runs as `rdinit=/wl`. */
#ifndef VB_IMAGE_H
#define VB_IMAGE_H

#include "common/err.h"

struct image {
    char rootfs[512];
    char initrd[512];
};

/* kernel_dir holds modules/ from scripts/fetch-kernel.sh; NULL skips the
 * modules (container-only runs). Returns 0 or -1. */
int image_build(const char *dir, const char *wl_path, const char *kernel_dir,
                struct image *img, struct vb_err *e);

/* Remove what image_build() made (ignores missing parts). */
void image_remove(const struct image *img);

#endif
