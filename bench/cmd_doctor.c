/* vcbench doctor: tell a new user what this host can run and why not. Every
 * check is the same probe `run` uses, so doctor and run never disagree; an
 * environment whose probe passes is also prepared and torn down for real
 * (for the vm that opens libvirt and runs QEMU). */
#include "common/pmu.h"
#include "cmd.h"
#include "common/fsutil.h"
#include "env/accel.h"
#include "env/cg.h"
#include "env/env.h"
#include "env/image.h"
#include "env/pin.h"
#include "run/prepare.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void line(int ok, const char *what, const char *detail)
{
    printf("%-4s %-10s %s\n", ok ? "ok" : "no", what, detail);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Root, cgroups, accelerator, topology, pinning, kernel, tools. Returns
 * 1 when root (the environments need it). */
static int host_checks(const char *kernel, const char **accel, struct pin_plan *pin)
{
    char buf[600], acc[700];
    struct vb_err e = { 0 };
    int root = geteuid() == 0;
    line(root, "root", root ? "running as root" : "not root: containers and guests need root; use sudo");
    enum cg_version v;
    if (cg_detect(&v, &e) == 0)
        line(1, "cgroups", v == CG_V2 ? "cgroup v2 (unified)" : "cgroup v1 (legacy or hybrid layout)");
    else
        line(0, "cgroups", e.msg);
    *accel = accel_probe(buf, sizeof buf);
    snprintf(acc, sizeof acc, "guests use %s: %s", !strcmp(*accel, "kvm") ? "KVM" : "TCG", buf);
    line(!strcmp(*accel, "kvm"), "kvm", acc);
    if (pin_describe(buf, sizeof buf, &e) == 0)
        line(1, "hwloc", buf);
    else
        line(0, "hwloc", e.msg);
    if (pin_pick(1, NULL, pin, &e) == 0) {
        line(1, "pinning", pin->why);
        /* Where a noisy neighbour goes, and what it shares with the
         * workload (the isolation measurements). */
        char both[160] = "";
        pin_union(pin->neighbour, pin->harness, both, sizeof both);
        snprintf(buf, sizeof buf, "a noisy neighbour on CPU %s%s, sharing %s", pin->neighbour,
                 !strcmp(pin->neighbour, pin->work) ? " (the workload's own: no other core)"
                 : !strcmp(both, pin->harness) ? " (the harness's and emulator's too: no core to spare)" : "",
                 pin->shares);
        line(1, "neighbour", buf);
    }
    char why[128];
    pmu_probe(why, sizeof why);
    snprintf(buf, sizeof buf, "%s%s", *why ? "none, so no instruction or cycle counts are recorded: " :
             "instructions and cycles recorded with the cpu workload's times", why);
    line(!*why, "counters", buf);
    int kok = access(kernel, R_OK) == 0;
    snprintf(buf, sizeof buf, kok ? "guest kernel %s" : "no guest kernel at %s: run 'make setup'", kernel);
    line(kok, "kernel", buf);
    static const struct { const char *prog, *yes, *no; } tools[] = {
        { "gnuplot", "charts can be drawn", "install gnuplot-nox for charts" },
        { "runc", "OCI peer available", "not installed (optional peer)" },
        { "crun", "OCI peer available", "not installed (optional peer)" },
    };
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        int have = fs_which(tools[i].prog, buf, sizeof buf) == 0;
        line(have, tools[i].prog, have ? tools[i].yes : tools[i].no);
    }
    return root;
}

/* Each environment's probe, then prepare + teardown. 1 when all passed. */
static int env_checks(const struct run_cfg *cfg)
{
    int n, all = 1;
    char buf[600];
    const struct env_ops *const *envs = env_all(&n);
    for (int i = 0; i < n; i++) {
        struct vb_err pe = { 0 };
        void *st = NULL;
        int ok = envs[i]->probe(cfg, &pe) == 0;
        if (ok) {
            double t0 = now_ms();
            char about[256] = "";
            ok = envs[i]->prepare(cfg, &st, &pe) == 0;
            if (ok && envs[i]->describe)
                envs[i]->describe(st, about, sizeof about);
            envs[i]->teardown(st);
            snprintf(buf, sizeof buf, "can run here (set up and torn down in %.0f ms)%s%s", now_ms() - t0,
                     about[0] ? ": " : "", about);
        }
        /* A peer engine the host lacks is skipped by runs, with the reason:
         * not a fault of this host. */
        if (!ok && envs[i]->optional)
            snprintf(buf, sizeof buf, "%s (optional: a run that asks for it goes on without it)", pe.msg);
        else
            all &= ok;
        line(ok, envs[i]->name, ok || envs[i]->optional ? buf : pe.msg);
    }
    return all;
}

int cmd_doctor(int argc, char **argv)
{
    const char *kernel_dir = "/var/cache/vcbench/kernel", *state = "/var/tmp/vcbench";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: vcbench doctor [--kernel-dir DIR]\n");
            return 0;
        } else if (!strcmp(argv[i], "--kernel-dir") && i + 1 < argc) {
            kernel_dir = argv[++i];
        } else {
            return cmd_fail(2, "doctor: unknown option; see 'vcbench doctor --help'");
        }
    }
    char kernel[PATH_MAX];
    snprintf(kernel, sizeof kernel, "%s/vmlinux", kernel_dir);
    const char *accel;
    struct pin_plan pin = { 0 };
    int all_ok = host_checks(kernel, &accel, &pin);

    /* The environments' own probes, on a scratch image like a run uses. */
    char dir[] = "/tmp/vcbench-doctor.XXXXXX", wl[PATH_MAX];
    struct image img = { { 0 }, { 0 } };
    struct vb_err e = { 0 };
    run_wl_default(wl, sizeof wl);
    if (mkdtemp(dir) && image_build(dir, wl, access(kernel, R_OK) == 0 ? kernel_dir : NULL, &img, &e) == 0) {
        struct run_cfg cfg = { .run_id = "doctor", .wl_path = wl, .state_dir = state, .run_dir = dir,
                               .rootfs = img.rootfs, .initrd = img.initrd, .kernel = kernel,
                               .libvirt_uri = "", .accel = accel, .mem_bytes = 512ull << 20,
                               .vcpus = 1, .timeout_s = 60, .pin = pin };
        all_ok &= env_checks(&cfg);
        image_remove(&img);
    } else {
        line(0, "image", e.msg[0] ? e.msg : "cannot create a scratch directory in /tmp");
        all_ok = 0;
    }
    rmdir(dir);
    return all_ok ? 0 : 3;
}
