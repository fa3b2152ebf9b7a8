/* harness/run/ - a run from the user's request to raw.csv: this module,
 * the plan, the runner, run.json (meta), host info and profiles. Includes
 * env/ and common/.
 *
 * prepare.h - one run from the user's request to raw.csv: check every
 * input without creating anything (run_check), make what the run needs -
 * state and scratch directories, the rootfs and initramfs, the shared disk,
 * the environments' probes, raw.csv, order.csv and run.json (run_prepare) -
 * run the interleaved plan (run_execute, and run_rerun for more of part of
 * it), and remove what was made (run_free). The CLI calls these and
 * nothing else of a run.
 *
 * An A/B run has two arms: the same environments and workloads, set up two
 * ways (another wl build, guest kernel, QEMU binary, libvirt URI, OCI
 * runtime, limits or workload options), interleaved in one plan so that
 * drift on the host hits both alike; every row says its arm. A plain run
 * is one arm without a label. */
#ifndef VB_PREPARE_H
#define VB_PREPARE_H

#include "common/raw.h"
#include "env/env.h"
#include "env/image.h"
#include "run/meta.h"
#include "run/profile.h"
#include "run/runner.h"

#include <limits.h>

#define RUN_ARM_KEYS_MAX 32

/* What the user asked for, as given (the CLI's option table fills it). */
struct run_request {
    const char *envs, *workloads, *profile, *out, *accel, *libvirt_uri;
    const char *state_dir, *kernel_dir, *wl, *disk_file, *disk_size;
    long runs, warmup, seed, mem_mib, vcpus, cpu_quota, timeout;  /* runs 0, warmup -1: the profile's */
    const char *const *sets;   /* "WORKLOAD.OPTION=VALUE" overrides */
    int nsets;
    /* An A/B run: each arm's "KEY=VALUE" settings (label, wl, kernel-dir,
     * libvirt-uri, emulator, runtime, mem, cpu-quota, set); narms 0 = a
     * plain run. */
    struct {
        const char *const *kv;
        int nkv;
    } arm[RUN_MAX_ARMS];
    int narms;
};

/* One arm: the run's settings with its own on top, and what it made. */
struct run_arm {
    char label[16];            /* "" in a plain run */
    struct run_cfg cfg;
    struct run_workload wls[RUN_MAX_WLS];
    struct run_workload aux[RUN_MAX_AUX];
    int naux;
    struct image img;
    const char *kernel_dir;
    const char *sets[RUN_ARM_KEYS_MAX];
    int nsets;
    char settings[512];        /* its KEY=VALUE list, for run.json */
    char run_id[80], run_dir[PATH_MAX], wl_path[PATH_MAX], sha[65], kernel[PATH_MAX];
    char libvirt_uri[512], emulator[PATH_MAX], runtime[PATH_MAX];
};

/* A run: everything made for it has its owner here. */
struct run {
    struct run_spec spec;
    struct run_arm arms[RUN_MAX_ARMS];
    int narms;
    const struct env_ops *envs[RUN_MAX_ENVS];
    int nenv;
    struct run_meta meta;
    struct raw raw;
    const struct profile *prof;
    const char *state_dir, *disk_file;
    uint64_t disk_size;
    unsigned needs;            /* union of the chosen envs' enum env_need */
    int owned;                 /* the ownership record (common/own.h) is ours */
    struct runner *runner;     /* between run_execute and run_free: for run_rerun */
    const char *accel;
    struct pin_plan pin;
    char run_id[64], accel_why[512];
    double host_slowdown;      /* see accel_host_slowdown() */
    char out[PATH_MAX], run_dir[PATH_MAX], disk[PATH_MAX], disk2[PATH_MAX];
    char meta_path[PATH_MAX + 16], state_real[PATH_MAX];
    struct meta_skip skipped[META_MAX_ENVS];   /* optional envs the host lacks */
    int nskipped;
};

/* The workload binary vcbench uses without --wl: wl beside the
 * executable, else ../libexec/vcbench/wl from it (an installed copy). */
void run_wl_default(char *out, size_t n);

/* Check q and fill r; nothing is created. 0, or -1 with e (VB_EUSAGE for
 * bad input, VB_EHOST for what the host lacks). Call run_free either way. */
int run_check(const struct run_request *q, struct run *r, struct vb_err *e);

/* Make what the run needs (SIGINT/SIGTERM only set a flag from here on)
 * and write run.json. 0, or -1 with e; what was made is removed by
 * run_free. */
int run_prepare(struct run *r, struct vb_err *e);

/* Run the plan (raw.csv rows as they are measured) and rewrite run.json
 * with the totals. The environments stay prepared for run_rerun until
 * run_free. Returns the runner's result. */
int run_execute(struct run *r, struct run_totals *t, struct vb_err *e);

/* More repetitions (runs each, no warm-up) of the (slot, workload) pairs
 * in want, numbered after the ones before, reshuffled with another seed;
 * rows appended to the same raw.csv. */
int run_rerun(struct run *r, const unsigned char want[RUN_MAX_SLOTS][RUN_MAX_WLS], int runs, int rep_base,
              struct run_totals *t, struct vb_err *e);

/* Tear the environments down, close the files, remove the scratch
 * directory and images, free. Safe on a zeroed or partly made run. */
void run_free(struct run *r);

#endif
