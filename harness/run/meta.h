/* meta.h - run.json: what a reader needs to trust a run's figures (host,
 * versions, accelerator and why, CPU sets, limits, workload arguments,
 * seed, totals). Written at the start of a run and again with the totals
 * at its end; read back by everything after a run. This module is the
 * only one that knows the file's layout (schema vcbench-run-1). */
#ifndef VB_META_H
#define VB_META_H

#include "common/err.h"
#include "common/jsonio.h"

#include <stdint.h>

#define META_MAX_WLS 24
#define META_MAX_ENVS 16

/* An optional environment left out of a run, and why. */
struct meta_skip {
    char name[32];
    char why[256];
};

struct run_meta {
    char run_id[64], host[256], topology[256], cpu_model[128];
    unsigned long host_mem_mib;
    char host_kernel[128], cgroup[8];
    char libvirt_version[32], qemu_version[64], guest_kernel[64], runc_version[64], crun_version[64];
    char vcbench_commit[48];
    char accel[8], accel_reason[512];
    char wl_sha256[65], wl_build[64], profile[16];
    char pmu[160];                         /* hardware counters, or why none ("" in older runs) */
    char thp[48], ksm[64];                 /* memory policies that change footprints ("" in older runs) */
    char cpus_workload[128], cpus_harness[128], cpus_emulator[128], pinning[256];
    char cpus_neighbour[128], neighbour_shares[128];   /* a noisy neighbour's CPUs, what they share ("" before) */
    unsigned long long cache_bytes[4];     /* L1d, L2, L3, L4; 0 = absent */
    char kernel[512], libvirt_uri[512];
    unsigned long mem_mib;
    int vcpus, runs, warmup;
    unsigned long long seed;
    struct { char name[32]; char args[512]; } wl[META_MAX_WLS];   /* args space separated */
    int nwl;
    struct { char name[32]; double prepare_ms; char about[256]; } env[META_MAX_ENVS];
    int nenv;
    struct meta_skip skipped[META_MAX_ENVS];   /* asked for, but the host lacks them */
    int nskipped;
    struct { char label[16]; char settings[512]; char wl_sha256[65]; } arm[2];   /* an A/B run's arms */
    int narms;
    int has_totals;                        /* the run ended: ok, failed, not_run are set */
    int ok, failed, not_run;
};

/* The document as a json-c object (the caller puts it). */
json_object *meta_json(const struct run_meta *m);

/* Write path (run.json) atomically. 0 or -1 with e. */
int meta_write(const char *path, const struct run_meta *m, struct vb_err *e);

/* Read path into m. 0; 1 when the file does not exist (m zeroed); -1 with
 * e when it is not a vcbench run.json. */
int meta_read(const char *path, struct run_meta *m, struct vb_err *e);

/* The same from the document's text; name names it in messages. */
int meta_parse(const char *text, const char *name, struct run_meta *m, struct vb_err *e);

/* The last-level cache in m (0 when unknown). */
unsigned long long meta_llc(const struct run_meta *m);

#endif
