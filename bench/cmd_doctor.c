/* vcbench doctor: tell a new user what this host can run and why not. Every
 * check is the same probe `run` uses, so doctor and run never disagree. */
#include "cmd.h"
#include "../harness/accel.h"
#include "../harness/cg.h"
#include "../harness/env.h"
#include "../harness/image.h"
#include "../harness/pin.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void line(int ok, const char *what, const char *detail)
{
    printf("%-4s %-10s %s\n", ok ? "ok" : "no", what, detail);
}

/* Is prog on PATH? */
static int have(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];
    if (!path)
        path = "/usr/sbin:/usr/bin:/sbin:/bin";
    for (const char *p = path; *p; ) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
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
    char buf[600];
    struct vb_err e = { 0 };

    int root = geteuid() == 0;
    line(root, "root", root ? "running as root" : "not root: containers and guests need root; use sudo");

    enum cg_version v;
    if (cg_detect(&v, &e) == 0)
        line(1, "cgroups", v == CG_V2 ? "cgroup v2 (unified)" : "cgroup v1 (legacy or hybrid layout)");
    else
        line(0, "cgroups", e.msg);

    const char *accel = accel_probe(buf, sizeof buf);
    char acc[700];
    snprintf(acc, sizeof acc, "guests use %s: %s", !strcmp(accel, "kvm") ? "KVM" : "TCG", buf);
    line(!strcmp(accel, "kvm"), "kvm", acc);

    if (pin_describe(buf, sizeof buf, &e) == 0)
        line(1, "hwloc", buf);
    else
        line(0, "hwloc", e.msg);

    struct pin_plan pin;
    if (pin_pick(1, NULL, &pin, &e) == 0)
        line(1, "pinning", pin.why);

    char kernel[PATH_MAX];
    snprintf(kernel, sizeof kernel, "%s/vmlinux", kernel_dir);
    int kok = access(kernel, R_OK) == 0;
    snprintf(buf, sizeof buf, kok ? "guest kernel %s" : "no guest kernel at %s: run 'make setup'", kernel);
    line(kok, "kernel", buf);

    line(have("gnuplot"), "gnuplot", have("gnuplot") ? "charts can be drawn" : "install gnuplot-nox for charts");
    line(have("runc"), "runc", have("runc") ? "OCI peer available" : "not installed (optional peer)");
    line(have("crun"), "crun", have("crun") ? "OCI peer available" : "not installed (optional peer)");

    /* The environments' own probes, on a scratch image like a run uses. */
    char dir[] = "/tmp/vcbench-doctor.XXXXXX";
    struct image img = { { 0 }, { 0 } };
    char wl[PATH_MAX];
    ssize_t r = readlink("/proc/self/exe", wl, sizeof wl - 4);
    wl[r > 0 ? r : 0] = '\0';
    char *slash = strrchr(wl, '/');
    snprintf(slash ? slash + 1 : wl, 4, "wl");
    int all_ok = root;
    if (mkdtemp(dir) && image_build(dir, wl, kok ? kernel_dir : NULL, &img, &e) == 0) {
        struct run_cfg cfg = { .run_id = "doctor", .wl_path = wl, .state_dir = state, .run_dir = dir,
                               .rootfs = img.rootfs, .initrd = img.initrd, .kernel = kernel,
                               .libvirt_uri = "", .accel = accel, .mem_bytes = 512ull << 20,
                               .vcpus = 1, .timeout_s = 60, .pin = pin };
        int n;
        const struct env_ops *const *envs = env_all(&n);
        for (int i = 0; i < n; i++) {
            struct vb_err pe = { 0 };
            int ok = envs[i]->probe(&cfg, &pe) == 0;
            all_ok &= ok;
            line(ok, envs[i]->name, ok ? "can run here" : pe.msg);
            /* For the guest, really open libvirt (the embedded driver by
             * default): the first time this also probes QEMU (~40 s). */
            if (ok && envs[i] == &env_vm) {
                void *st = NULL;
                struct timespec t0, t1;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                ok = env_vm.prepare(&cfg, &st, &pe) == 0;
                clock_gettime(CLOCK_MONOTONIC, &t1);
                if (ok) {
                    env_vm.teardown(st);
                    snprintf(buf, sizeof buf, "embedded driver (qemu:///embed?root=%s/lv) opens and runs QEMU "
                             "(%.0f ms)", state, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                             (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
                }
                all_ok &= ok;
                line(ok, "libvirt", ok ? buf : pe.msg);
            }
        }
        image_remove(&img);
    } else {
        line(0, "image", e.msg[0] ? e.msg : "cannot create a scratch directory in /tmp");
        all_ok = 0;
    }
    rmdir(dir);
    return all_ok ? 0 : 3;
}
