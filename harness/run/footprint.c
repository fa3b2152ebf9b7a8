/* footprint: what one idle instance costs the host. The instance is wl's
 * `hold` (ready, then idle) in the environment; once it has settled the
 * harness reads, from the host: the CPU time its processes use over a
 * window, their memory (PSS from smaps_rollup, so pages shared with other
 * processes count in part; a VMM's guest RAM and TCG translation cache
 * apart by mapping), their page tables, the memory of its cgroup, and how
 * far MemAvailable fell from before the launch (which also catches slab
 * and other kernel memory no process is charged with). Bytes on disk are
 * what the environment starts from. */
#include "run/held.h"
#include "common/fsutil.h"
#include "common/sig.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Options (their struct is an array of longs for hostwl_check). */
enum { FP_SETTLE, FP_WINDOW, FP_KSM_WAIT, FP_NOPT };

static int fp_table(void *opts, struct hostwl_opt *t)
{
    long *o = opts;
    t[FP_SETTLE] = (struct hostwl_opt){ .name = "settle-ms", .dst = &o[FP_SETTLE], .def = 1000, .min = 0, .max = 600000,
      .help = "wait after ready before measuring" };
    t[FP_WINDOW] = (struct hostwl_opt){ .name = "window-ms", .dst = &o[FP_WINDOW], .def = 2000, .min = 100, .max = 600000,
      .help = "window over which idle CPU time is measured" };
    t[FP_KSM_WAIT] = (struct hostwl_opt){ .name = "ksm-wait-s", .dst = &o[FP_KSM_WAIT], .def = 60, .min = 0, .max = 3600,
      .help = "when KSM runs, wait at most this long for it to settle" };
    return FP_NOPT;
}

static double file_bytes(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? (double)st.st_size : 0;
}

/* What an instance of env starts from: the guest's kernel and initramfs,
 * the container's root tree, or the wl binary itself. */
static double deploy_bytes(const struct env_ops *env, const struct run_cfg *cfg)
{
    if (env->needs & ENV_NEEDS_KERNEL)
        return file_bytes(cfg->kernel) + file_bytes(cfg->initrd);
    if ((env->needs & ENV_NEEDS_ROOTFS) && cfg->rootfs)
        return (double)fs_tree_bytes(cfg->rootfs);
    return file_bytes(cfg->wl_path);
}

/* How long after the instance is gone MemAvailable is read again. */
#define FP_AFTER_MS 250.0

#define MIB(kib) ((kib) / 1024.0)

static void fp_rows(const struct hostwl_ctx *c, const struct held_cost *k, double host_kib, const double ksm_kib[2],
                    struct hostwl_out *o)
{
    hostwl_metric(o, "host_mib", "MiB", "lower", MIB(host_kib));
    hostwl_metric(o, "pss_mib", "MiB", "lower", MIB(k->pss_total));
    hostwl_metric(o, "pss_anon_mib", "MiB", "lower", MIB(k->pss_anon));
    hostwl_metric(o, "pss_file_mib", "MiB", "lower", MIB(k->pss_file));
    hostwl_metric(o, "rss_mib", "MiB", "lower", MIB(k->rss));
    hostwl_metric(o, "uss_mib", "MiB", "lower", MIB(k->uss));
    hostwl_metric(o, "pagetables_mib", "MiB", "lower", MIB(k->pte));
    if (k->nrole[USAGE_WORKLOAD])
        hostwl_metric(o, "workload_mib", "MiB", "lower", MIB(k->pss[USAGE_WORKLOAD]));
    if (k->nrole[USAGE_RUNTIME])
        hostwl_metric(o, "runtime_mib", "MiB", "lower", MIB(k->pss[USAGE_RUNTIME]));
    if (k->nvmm) {
        hostwl_metric(o, "guest_ram_mib", "MiB", "lower", MIB(k->guest_pss));
        /* THP hands a guest its RAM 2 MiB at a time where QEMU asks for
         * it: a touched byte can cost the host a huge page. */
        hostwl_metric(o, "guest_thp_mib", "MiB", "lower", MIB(k->guest_thp));
        hostwl_metric(o, "tcg_cache_mib", "MiB", "lower", MIB(k->tcg_pss));
        /* The rest of the VMM: its own anonymous memory (device state,
         * heap, stacks) apart from the file pages it maps (the QEMU binary
         * and libraries, the kernel image it loads), which are page cache
         * and shared by every guest that maps them. */
        double rest = k->pss[USAGE_VMM] - k->guest_pss - k->tcg_pss;
        hostwl_metric(o, "vmm_mib", "MiB", "lower", MIB(rest));
        hostwl_metric(o, "vmm_anon_mib", "MiB", "lower", MIB(rest - k->vmm_file));
        hostwl_metric(o, "vmm_file_mib", "MiB", "lower", MIB(k->vmm_file));
    }
    if (k->ncg) {
        hostwl_metric(o, "cgroup_mib", "MiB", "lower", MIB(k->cg_current));
        hostwl_metric(o, "cgroup_kernel_mib", "MiB", "lower", MIB(k->cg_kernel));
    }
    if (held_ksm_on()) {
        hostwl_metric(o, "ksm_shared_mib", "MiB", "lower", MIB(ksm_kib[0]));
        hostwl_metric(o, "ksm_saved_mib", "MiB", "higher", MIB(ksm_kib[1]));
    }
    hostwl_metric(o, "idle_cpu_ms_s", "ms/s", "lower", k->cpu_ms_s);
    hostwl_metric(o, "threads", "", "lower", k->threads);
    hostwl_metric(o, "deploy_mib", "MiB", "lower", deploy_bytes(c->env, c->cfg) / 1048576.0);
}

static int fp_run(const struct hostwl_ctx *c, struct hostwl_out *o, struct vb_err *e)
{
    long opt[FP_NOPT];
    if (hostwl_args(&hostwl_footprint, c, opt, o, e) < 0)
        return -1;
    struct held_avail before, during, after;
    held_avail_read(&before);
    struct held h;
    struct vb_err le = { 0 };
    struct held_cost k;
    double ksm[2] = { 0, 0 };
    struct held *one = &h;
    if (held_start(c, 1, &h, &le) < 0 || held_pause((double)opt[FP_SETTLE]) < 0 ||
        (ksm[0] = held_ksm_settle((double)opt[FP_KSM_WAIT], &ksm[1])) < 0 ||
        held_cost(c, &one, 1, (double)opt[FP_WINDOW], &k, &le) < 0) {
        held_stop(c, &h);
        o->interrupted = le.code == VB_EINTR || sig_stop != 0;
        hostwl_fail(o, o->interrupted ? "interrupted" : "fail", "%s", le.msg[0] ? le.msg : "interrupted");
        return 0;
    }
    held_avail_read(&during);
    held_stop(c, &h);
    /* The host after, once what the instance freed is counted again:
     * MemAvailable drifts, and the drop is measured against the line
     * through before and after. */
    if (held_pause(FP_AFTER_MS) < 0) {
        o->interrupted = 1;
        hostwl_fail(o, "interrupted", "interrupted");
        return 0;
    }
    held_avail_read(&after);
    fp_rows(c, &k, held_avail_drop(&before, &during, &after), ksm, o);
    if (k.nvmm && !k.guest_found)
        snprintf(o->note, sizeof o->note, "no mapping of the guest's size in the VMM's smaps: its RAM is counted "
                 "as VMM overhead");
    return 0;
}

const struct hostwl hostwl_footprint = { "footprint", fp_table, fp_run };
