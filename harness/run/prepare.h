/* harness/run/ - a run from the user's request to raw.csv: this module,
 * the plan, the runner, run.json (meta), host info and profiles. Includes
 * env/ and common/.
 *
 * prepare.h - one run from the user's request to raw.csv: check every
 * input without creating anything (run_check), make what the run needs -
 * state and scratch directories, the rootfs and initramfs, the shared disk,
 * the environments' probes, raw.csv, order.csv and run.json (run_prepare) -
 * run the interleaved plan (run_execute), and remove what was made
 * (run_free). The CLI calls these four and nothing else of a run. */
#ifndef VB_PREPARE_H
#define VB_PREPARE_H

#include "common/raw.h"
#include "env/env.h"
#include "env/image.h"
#include "run/meta.h"
#include "run/profile.h"
#include "run/runner.h"

#include <limits.h>

/* What the user asked for, as given (the CLI's option table fills it). */
struct run_request {
    const char *envs, *workloads, *profile, *out, *accel, *libvirt_uri;
    const char *state_dir, *kernel_dir, *wl, *disk_file, *disk_size;
    long runs, warmup, seed, mem_mib, vcpus, cpu_quota, timeout;  /* runs 0, warmup -1: the profile's */
    const char *const *sets;   /* "WORKLOAD.OPTION=VALUE" overrides */
    int nsets;
};

/* A run: everything made for it has its owner here. */
struct run {
    struct run_spec spec;
    struct run_cfg cfg;
    struct run_meta meta;
    struct image img;
    struct raw raw;
    const struct profile *prof;
    const char *state_dir, *kernel_dir, *disk_file;
    uint64_t disk_size;
    unsigned needs;            /* union of the chosen envs' enum env_need */
    int owned;                 /* the ownership record (common/own.h) is ours */
    char run_id[64], accel_why[512];
    char out[PATH_MAX], run_dir[PATH_MAX], wl_path[PATH_MAX], sha[65], kernel[PATH_MAX], disk[PATH_MAX];
    char state_real[PATH_MAX];
    char meta_path[PATH_MAX + 16];
};

/* Check q and fill r; nothing is created. 0, or -1 with e (VB_EUSAGE for
 * bad input, VB_EHOST for what the host lacks). Call run_free either way. */
int run_check(const struct run_request *q, struct run *r, struct vb_err *e);

/* Make what the run needs (SIGINT/SIGTERM only set a flag from here on)
 * and write run.json. 0, or -1 with e; what was made is removed by
 * run_free. */
int run_prepare(struct run *r, struct vb_err *e);

/* Run the plan (raw.csv rows as they are measured) and rewrite run.json
 * with the totals. Returns runner_run's result. */
int run_execute(struct run *r, struct run_totals *t, struct vb_err *e);

/* Close the files, remove the scratch directory and image, free. Safe on
 * a zeroed or partly made run. */
void run_free(struct run *r);

#endif
