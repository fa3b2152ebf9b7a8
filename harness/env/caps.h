/* caps.h - Docker's default capability set (moby's oci/caps/defaults.go),
 * the isolation vcbench's container and the OCI peers' config.json both
 * keep: one list, as numbers for capset() and as names for OCI. */
#ifndef VB_CAPS_H
#define VB_CAPS_H

struct cap_name {
    int cap;                   /* CAP_* number */
    const char *name;          /* "CAP_CHOWN" */
};

extern const struct cap_name caps_docker[];
extern const int caps_ndocker;

#endif
