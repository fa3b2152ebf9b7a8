#include "env/ocilayout.h"
#include "common/fsutil.h"
#include "common/sha256.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static int file_put(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "we");
    if (!f)
        return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* Write text as a blob: its name is its digest. */
static int blob_put(const char *dir, const char *text, char digest[65], size_t *size)
{
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, text, strlen(text));
    sha256_hex(&h, digest);
    char name[96];
    snprintf(name, sizeof name, "blobs/sha256/%s", digest);
    *size = strlen(text);
    return file_put(dir, name, text);
}


const char *ocilayout_arch(void)
{
    /* The platform names OCI (GOARCH) uses for uname's. */
    static const char *const names[][2] = { { "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" },
                                            { "armv7l", "arm" }, { "ppc64le", "ppc64le" }, { "s390x", "s390x" },
                                            { "riscv64", "riscv64" } };
    static struct utsname u;
    if (uname(&u) == 0)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (!strcmp(u.machine, names[i][0]))
                return names[i][1];
    return "amd64";
}

int ocilayout_write(const char *layer_tar, const char *ref, const char *dir, struct vb_err *e)
{
    char path[PATH_MAX + 96], ld[65], cd[65], md[65], text[2048];
    struct stat st;
    snprintf(path, sizeof path, "%s/blobs/sha256", dir);
    if (fs_mkdir_p(path, 0755) < 0)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", path, strerror(errno));
    if (stat(layer_tar, &st) < 0 || sha256_file(layer_tar, ld) < 0)
        return vb_errf(e, VB_EHOST, "cannot read %s: %s", layer_tar, strerror(errno));
    snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, ld);
    if (link(layer_tar, path) < 0 && errno != EEXIST)
        return vb_errf(e, VB_EHOST, "cannot link %s: %s", path, strerror(errno));
    size_t csize, msize;
    /* An uncompressed layer's diff_id is its own digest. */
    snprintf(text, sizeof text,
             "{\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{},"
             "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}", ocilayout_arch(), ld);
    if (blob_put(dir, text, cd, &csize) < 0)
        return vb_errf(e, VB_EHOST, "cannot write the image config in %s", dir);
    snprintf(text, sizeof text,
             "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
             "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%s\","
             "\"size\":%zu},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
             "\"digest\":\"sha256:%s\",\"size\":%lld}]}", cd, csize, ld, (long long)st.st_size);
    if (blob_put(dir, text, md, &msize) < 0)
        return vb_errf(e, VB_EHOST, "cannot write the image manifest in %s", dir);
    snprintf(text, sizeof text,
             "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
             "\"digest\":\"sha256:%s\",\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":"
             "\"%s\"}}]}\n", md, msize, ref);
    if (file_put(dir, "index.json", text) < 0 || file_put(dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}\n") < 0)
        return vb_errf(e, VB_EHOST, "cannot write the layout's index in %s", dir);
    return 0;
}
