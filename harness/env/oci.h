/* oci.h - OCI runtime-spec config.json for the runc/crun peer environments,
 * made from the same rootfs, CPU set and memory limit as vcbench's own
 * container, so the peers run the same wl under the same resources. */
#ifndef VB_OCI_H
#define VB_OCI_H

#include <stdint.h>
#include <stdio.h>

struct oci_spec {
    const char *rootfs;        /* absolute path; mounted read-only */
    const char *const *args;   /* NULL-terminated argv of the process */
    const char *cpus, *mems;   /* cpuset lists; NULL = no cpu resources */
    uint64_t mem_bytes;        /* 0 = no memory limit */
    long quota_us, period_us;  /* 0 = no quota */
    const char *cgroups_path;  /* e.g. "/vcbench.<run>.<seq>"; NULL = runtime default */
    const char *disk;          /* host file bind-mounted at /mnt/disk, or NULL */
};

/* Write config.json for s to f. Returns 0 or -1 on a write error. */
int oci_config_write(FILE *f, const struct oci_spec *s);

#endif
