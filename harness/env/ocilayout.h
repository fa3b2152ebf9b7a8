/* ocilayout.h - an OCI image layout (image-spec v1: oci-layout, index.json,
 * blobs/sha256/) of one uncompressed layer: how a plain rootfs tar becomes
 * an image `ctr images import` takes, with no registry and no builder. */
#ifndef VB_OCILAYOUT_H
#define VB_OCILAYOUT_H

#include "common/err.h"

/* This machine's architecture as OCI names it ("amd64", "arm64", ...). */
const char *ocilayout_arch(void);

/* Make dir (created) hold layer_tar as the one layer of a linux
 * image named ref. The layer is hard-linked, not copied. 0, or -1 with e. */
int ocilayout_write(const char *layer_tar, const char *ref, const char *dir, struct vb_err *e);

#endif
