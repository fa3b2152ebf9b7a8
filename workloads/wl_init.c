/* The guest init role. The kernel runs `/wl init [--modules] <workload> ...`
 * as PID 1 (rdinit=/wl, arguments after "--" on the kernel command line).
 * It mounts what the workload needs, optionally loads the virtio modules
 * shipped in the initramfs, reports the guest uptime (so the harness can
 * split firmware + kernel time from the rest), runs the workload with the
 * same code as everywhere else, and powers the guest off. */
#include "wl.h"
#include "common/proto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MOD_DIR "/lib/vcb"

static int load_modules(FILE *out)
{
    FILE *order = fopen(MOD_DIR "/modules.order", "r");
    if (!order)
        return wl_fail(out, -1, "no " MOD_DIR "/modules.order in the initramfs");
    char name[128], path[256];
    int rc = 0;
    while (fgets(name, sizeof name, order)) {
        name[strcspn(name, "\n")] = '\0';
        if (!*name)
            continue;
        snprintf(path, sizeof path, MOD_DIR "/%s", name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
            /* EEXIST: built in or already loaded; that is fine. */
            if (errno != EEXIST) {
                rc = wl_fail(out, -1, "cannot load module %s: %s", name, strerror(errno));
                if (fd >= 0)
                    close(fd);
                break;
            }
        }
        close(fd);
    }
    fclose(order);
    return rc;
}

static void power_off(void)
{
    sync();
    reboot(RB_POWER_OFF);
    /* Some machine types halt instead of exiting; the harness destroys the
     * guest after the end line anyway, so just stop here. */
    for (;;)
        pause();
}

int wl_init_main(int argc, char **argv)
{
    /* Without /dev/console in the initramfs the kernel gives init no stdio;
     * devtmpfs provides it. */
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    if (fcntl(1, F_GETFD) < 0) {
        int fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2)
                close(fd);
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    mkdir("/sys", 0555);
    mount("sysfs", "/sys", "sysfs", 0, NULL);

    struct timespec up;
    clock_gettime(CLOCK_BOOTTIME, &up);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)up.tv_sec * 1000000000ll + up.tv_nsec);
    proto_emit(stdout, "boot", "uptime_ns", buf, (char *)NULL);

    int i = 1;
    int rc = 2;
    if (i < argc && strcmp(argv[i], "--modules") == 0) {
        i++;
        uint64_t t0 = wl_now_ns();
        if (load_modules(stdout) < 0)
            goto done;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)(wl_now_ns() - t0));
        proto_emit(stdout, "boot", "modules_ns", buf, (char *)NULL);
    }
    if (i >= argc) {
        wl_fail(stdout, 2, "init: no workload on the kernel command line");
        goto done;
    }
    const struct wl_workload *w = wl_find(argv[i]);
    if (!w) {
        wl_fail(stdout, 2, "init: unknown workload '%s'", argv[i]);
        goto done;
    }
    rc = wl_run(w, argc - i - 1, argv + i + 1, stdout);
    power_off();
done:
    proto_emit(stdout, "end", "status", "fail", (char *)NULL);
    power_off();
    return rc;
}
