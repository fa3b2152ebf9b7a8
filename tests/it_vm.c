/* Integration: real guests through libvirt's embedded driver (TCG here,
 * KVM where the host has it): wl's results come back over the serial
 * console, the vCPU thread runs on the CPU asked for, the disk workload
 * reaches the host file, and no guest is left. Skips without root or the
 * guest kernel (scripts/fetch-kernel.sh). */
#include "itutil.h"
#include "../harness/accel.h"
#include "../harness/image.h"

#include <dirent.h>
#include <fcntl.h>

#define KDIR "/var/cache/vcbench/kernel"

static char dir[64];
static struct image img;
static struct run_cfg cfg;
static void *state;
static char skip_why[600];

static int setup(void **st)
{
    (void)st;
    const char *wl = getenv("VCB_WL");
    if (geteuid() != 0) {
        snprintf(skip_why, sizeof skip_why, "needs root");
        return 0;
    }
    if (!wl || access(wl, X_OK) != 0) {
        snprintf(skip_why, sizeof skip_why, "VCB_WL does not name the wl binary; run through 'make test'");
        return 0;
    }
    struct vb_err e = { 0 };
    snprintf(dir, sizeof dir, "/var/tmp/vcbench/it-vm.XXXXXX");
    assert_int_equal(system("mkdir -p /var/tmp/vcbench"), 0);
    assert_non_null(mkdtemp(dir));
    if (image_build(dir, wl, KDIR, &img, &e) < 0) {
        snprintf(skip_why, sizeof skip_why, "no guest kernel modules (%s); run scripts/fetch-kernel.sh", e.msg);
        return 0;
    }
    static char why[512];
    cfg = (struct run_cfg){ .run_id = "itvm", .wl_path = wl, .state_dir = "/var/tmp/vcbench", .run_dir = dir,
                            .rootfs = img.rootfs, .initrd = img.initrd, .kernel = KDIR "/vmlinux",
                            .mem_bytes = 256 << 20, .vcpus = 1, .timeout_s = 120 };
    cfg.accel = accel_probe(why, sizeof why);
    assert_int_equal(pin_pick(1, NULL, &cfg.pin, &e), 0);
    if (env_vm.probe(&cfg, &e) < 0) {
        snprintf(skip_why, sizeof skip_why, "%s", e.msg);
        return 0;
    }
    if (env_vm.prepare(&cfg, &state, &e) < 0)
        fail_msg("prepare: %s", e.msg);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    if (state)
        env_vm.teardown(state);
    if (dir[0]) {
        char cmd[128];
        image_remove(&img);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
    return 0;
}

#define NEED_VM()                                   \
    do {                                            \
        if (!state)                                 \
            SKIP_BECAUSE("%s", skip_why);           \
    } while (0)

/* The CPU list the vCPU 0 thread of QEMU pid may run on ("" if none). */
static void vcpu_affinity(pid_t pid, char *out, size_t n)
{
    out[0] = '\0';
    char path[128];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        char p[300], comm[64] = "";
        snprintf(p, sizeof p, "%s/%s/comm", path, de->d_name);
        FILE *f = fopen(p, "r");
        if (!f)
            continue;
        if (!fgets(comm, sizeof comm, f))
            comm[0] = '\0';
        fclose(f);
        if (strncmp(comm, "CPU 0/", 6) != 0)
            continue;
        snprintf(p, sizeof p, "%s/%s/status", path, de->d_name);
        f = fopen(p, "r");
        char line[256];
        while (f && fgets(line, sizeof line, f))
            if (!strncmp(line, "Cpus_allowed_list:", 18)) {
                char *v = line + 18;
                v += strspn(v, " \t");
                v[strcspn(v, "\n")] = '\0';
                snprintf(out, n, "%s", v);
            }
        if (f)
            fclose(f);
    }
    closedir(d);
}

static int qemu_running(const char *name)
{
    char cmd[160];
    /* [v]: the shell running pgrep must not match its own command line. */
    snprintf(cmd, sizeof cmd, "pgrep -f 'guest=[%c]%s,' >/dev/null", name[0], name + 1);
    return system(cmd) == 0;
}

static void cpu_in_guest(void **st)
{
    (void)st;
    NEED_VM();
    struct vb_err e = { 0 };
    char *args[] = { "--int-bytes", "1M", "--fp-reps", "1", NULL };
    struct env_job job = { .workload = "cpu", .argc = 4, .argv = args, .seq = 1 };
    struct env_inst inst = { .fd = -1 };
    if (env_vm.launch(state, &job, &inst, &e) < 0)
        fail_msg("launch: %s", e.msg);
    /* While the guest boots: its vCPU thread is bound to the workload CPU. */
    assert_true(inst.pid > 0);
    char aff[64];
    vcpu_affinity(inst.pid, aff, sizeof aff);
    assert_string_equal(aff, cfg.pin.work);
    assert_true(qemu_running("vcbench-itvm-1"));

    struct seen s = { 0 };
    if (io_read_lines(inst.fd, io_now_ns() + 120000000000ull, seen_line, &s, &e) < 0)
        fail_msg("read: %s", e.msg);
    int status = -1;
    assert_int_equal(env_vm.wait(state, &inst, &status, &e), 0);
    env_vm.stop(state, &inst);
    assert_int_equal(status, 0);
    assert_string_equal(s.status, "ok");
    char native[16] = "";
    it_native_crc(cfg.wl_path, "--int-bytes 1M --fp-reps 1", native, sizeof native);
    assert_string_equal(s.crc, native);
    assert_false(qemu_running("vcbench-itvm-1"));
}

static void disk_in_guest_reaches_host_file(void **st)
{
    (void)st;
    NEED_VM();
    char disk[128];
    snprintf(disk, sizeof disk, "%s/disk.img", dir);
    int fd = open(disk, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4 << 20), 0);
    close(fd);
    char *args[] = { "--file", "@disk", "--size", "4M", "--bs", "4K", "--pattern", "seqwrite", "--ms", "200", NULL };
    struct env_job job = { .workload = "disk", .argc = 10, .argv = args, .seq = 2, .disk = disk };
    struct env_inst inst;
    struct seen s = { 0 };
    assert_int_equal(it_run(&env_vm, state, &job, &s, &inst), 0);
    assert_string_equal(s.status, "ok");
    char *text = tu_read_file(disk);
    assert_non_null(text);
    assert_memory_equal(text, "VCBDISK1", 8);
    free(text);
    assert_false(qemu_running("vcbench-itvm-2"));
}

/* Stopping a guest mid-boot (what Ctrl-C does) leaves nothing. */
static void stop_mid_boot(void **st)
{
    (void)st;
    NEED_VM();
    struct vb_err e = { 0 };
    char *args[] = { NULL };
    struct env_job job = { .workload = "startup", .argc = 0, .argv = args, .seq = 3 };
    struct env_inst inst = { .fd = -1 };
    if (env_vm.launch(state, &job, &inst, &e) < 0)
        fail_msg("launch: %s", e.msg);
    assert_true(qemu_running("vcbench-itvm-3"));
    env_vm.stop(state, &inst);
    assert_false(qemu_running("vcbench-itvm-3"));
    assert_int_equal(inst.fd, -1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(cpu_in_guest),
        cmocka_unit_test(disk_in_guest_reaches_host_file),
        cmocka_unit_test(stop_mid_boot),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
