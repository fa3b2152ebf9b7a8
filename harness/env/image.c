#include "env/image.h"
#include "env/cpio.h"
#include "common/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Directories of the tree, in creation order. */
static const char *const tree_dirs[] = { "proc", "sys", "dev", "tmp", "mnt", "lib", "lib/vcb" };

static int spill(const char *path, const char *data, size_t len, unsigned mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t put = 0;
    while (put < len) {
        ssize_t w = write(fd, data + put, len - put);
        if (w <= 0)
            break;
        put += (size_t)w;
    }
    fchmod(fd, mode);
    return close(fd) == 0 && put == len ? 0 : -1;
}

/* Copy src into the tree at rel and into the archive. */
static int add_file(struct cpio *c, const char *root, const char *rel, const char *src,
                    unsigned mode, struct vb_err *e)
{
    size_t len;
    char *data = fs_slurp(src, &len);
    if (!data)
        return vb_errf(e, VB_EHOST, "cannot read %s: %s", src, strerror(errno));
    char dst[1024];
    snprintf(dst, sizeof dst, "%s/%s", root, rel);
    int rc = spill(dst, data, len, mode);
    if (rc == 0)
        cpio_file(c, rel, mode, data, (uint32_t)len);
    else
        vb_errf(e, VB_EHOST, "cannot write %s: %s", dst, strerror(errno));
    free(data);
    return rc;
}

int image_build(const char *dir, const char *wl_path, const char *kernel_dir,
                struct image *img, struct vb_err *e)
{
    snprintf(img->rootfs, sizeof img->rootfs, "%s/rootfs", dir);
    snprintf(img->initrd, sizeof img->initrd, "%s/initrd.cpio", dir);
    if (mkdir(img->rootfs, 0755) < 0 && errno != EEXIST)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", img->rootfs, strerror(errno));

    FILE *f = fopen(img->initrd, "wbe");
    if (!f)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", img->initrd, strerror(errno));
    struct cpio c;
    cpio_begin(&c, f);
    char path[1024];
    for (size_t i = 0; i < sizeof tree_dirs / sizeof tree_dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", img->rootfs, tree_dirs[i]);
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            fclose(f);
            return vb_errf(e, VB_EHOST, "cannot create %s: %s", path, strerror(errno));
        }
        cpio_dir(&c, tree_dirs[i], 0755);
    }
    /* Only in the archive: the kernel opens it as init's stdio before our
     * devtmpfs mount exists. The container gets its /dev from the runtime. */
    cpio_chardev(&c, "dev/console", 0600, 5, 1);

    if (add_file(&c, img->rootfs, "wl", wl_path, 0755, e) < 0)
        goto fail;

    if (kernel_dir) {
        char order[1024];
        snprintf(order, sizeof order, "%s/modules/modules.order", kernel_dir);
        FILE *o = fopen(order, "re");
        if (!o) {
            vb_errf(e, VB_EHOST, "no %s; run scripts/fetch-kernel.sh", order);
            goto fail;
        }
        char name[256];
        int rc = 0;
        while (rc == 0 && fgets(name, sizeof name, o)) {
            name[strcspn(name, "\n")] = '\0';
            if (!*name)
                continue;
            char src[1024], rel[300];
            snprintf(src, sizeof src, "%s/modules/%s", kernel_dir, name);
            snprintf(rel, sizeof rel, "lib/vcb/%s", name);
            rc = add_file(&c, img->rootfs, rel, src, 0644, e);
        }
        fclose(o);
        if (rc == 0)
            rc = add_file(&c, img->rootfs, "lib/vcb/modules.order", order, 0644, e);
        if (rc < 0)
            goto fail;
    }
    if (cpio_end(&c) < 0 || fclose(f) != 0) {
        f = NULL;
        vb_errf(e, VB_EHOST, "cannot write %s: disk full?", img->initrd);
        goto fail;
    }
    return 0;
fail:
    if (f)
        fclose(f);
    image_remove(img);
    return -1;
}

void image_remove(const struct image *img)
{
    if (img->initrd[0])
        unlink(img->initrd);
    if (img->rootfs[0])
        fs_rm_tree(img->rootfs);
}
