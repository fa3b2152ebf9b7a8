/* Integration: real guests through libvirt's embedded driver (TCG here,
 * KVM where the host has it), driven through the env_vm ops under a
 * temporary state dir: wl's results come back over the serial console, the
 * vCPU and emulator threads run on the CPUs asked for, the guest powers off
 * by itself (status 0), the disk workload reaches the host file, and no
 * guest or QEMU is left - after stop, after Ctrl-C of `vcbench run`, and
 * after a `vcbench run` killed with SIGKILL (the next run sweeps it).
 * Skips without root or the guest kernel (scripts/fetch-kernel.sh). */
#include "itutil.h"
#include "env/accel.h"
#include "env/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
    if (mkdir("/var/tmp/vcbench", 0755) < 0 && errno != EEXIST)
        fail_msg("mkdir /var/tmp/vcbench: %s", strerror(errno));
    snprintf(dir, sizeof dir, "/var/tmp/vcbench/itvm.XXXXXX");
    assert_non_null(mkdtemp(dir));
    if (image_build(dir, wl, KDIR, &img, &e) < 0) {
        snprintf(skip_why, sizeof skip_why, "no guest kernel modules (%s); run scripts/fetch-kernel.sh", e.msg);
        return 0;
    }
    /* A brand-new state dir: libvirt probes QEMU into an empty cache, as on
     * a fresh machine (CI must see what a new user sees). */
    static char why[512];
    cfg = (struct run_cfg){ .run_id = "itvm", .wl_path = wl, .state_dir = dir, .run_dir = dir,
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

/* Cpus_allowed_list of /proc/<pid>/task/<tid> ("" if unreadable). */
static void task_affinity(pid_t pid, const char *tid, char *out, size_t n)
{
    char p[300], line[256];
    out[0] = '\0';
    snprintf(p, sizeof p, "/proc/%d/task/%s/status", (int)pid, tid);
    FILE *f = fopen(p, "r");
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

/* The CPU list the vCPU 0 thread of QEMU pid may run on ("" if none).
 * QEMU names it "CPU 0/TCG" or "CPU 0/KVM" (libvirt sets debug-threads). */
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
        if (!strncmp(comm, "CPU 0/", 6))
            task_affinity(pid, de->d_name, out, n);
    }
    closedir(d);
}

/* Is any QEMU whose command line contains pattern running? */
static int qemu_running(const char *pattern)
{
    char cmd[400];
    /* [q]: the shell running pgrep must not match its own command line. */
    snprintf(cmd, sizeof cmd, "pgrep -f '[q]emu-system.*%s' >/dev/null", pattern);
    return system(cmd) == 0;
}

/* The pid of the (first) QEMU whose command line contains pattern, 0. */
static pid_t qemu_pid(const char *pattern)
{
    char cmd[400], line[32] = "";
    snprintf(cmd, sizeof cmd, "pgrep -f '[q]emu-system.*%s'", pattern);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    pclose(f);
    return (pid_t)atoi(line);
}

static int pid_gone(pid_t pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

static const struct env_metric *extra(const struct env_inst *inst, const char *name)
{
    for (int i = 0; i < inst->nextra; i++)
        if (!strcmp(inst->extra[i].name, name))
            return &inst->extra[i];
    return NULL;
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
    /* While the guest boots: its vCPU thread is bound to the workload CPU
     * and QEMU's main (emulator) thread to the emulator CPU. */
    pid_t qemu = inst.pid;
    assert_true(qemu > 0);
    char aff[64], tid[16];
    vcpu_affinity(qemu, aff, sizeof aff);
    assert_string_equal(aff, cfg.pin.work);
    snprintf(tid, sizeof tid, "%d", (int)qemu);
    task_affinity(qemu, tid, aff, sizeof aff);
    if (cfg.pin.emulator[0])
        assert_string_equal(aff, cfg.pin.emulator);
    assert_true(qemu_running("guest=vcbench-itvm-1,"));

    struct seen s = { 0 };
    if (io_read_lines(inst.fd, &(uint64_t){ io_now_ns() + 120000000000ull }, seen_line, &s, &e) < 0)
        fail_msg("read: %s", e.msg);
    int status = -2;
    if (env_vm.wait(state, &inst, &status, &e) < 0)
        fail_msg("wait: %s", e.msg);
    /* The guest powered itself off; libvirt reaped QEMU in wait(). */
    assert_int_equal(status, 0);
    assert_true(pid_gone(qemu));
    assert_non_null(extra(&inst, "vm_create_ms"));
    assert_non_null(extra(&inst, "vm_connect_ms"));
    const struct env_metric *d = extra(&inst, "vm_destroy_ms");
    assert_non_null(d);
    assert_true(d->value > 0 && d->value < 10000);
    env_vm.stop(state, &inst);
    env_vm.stop(state, &inst);          /* idempotent */
    assert_int_equal(inst.fd, -1);
    assert_string_equal(s.status, "ok");
    char native[16] = "";
    it_native_crc(cfg.wl_path, "--int-bytes 1M --fp-reps 1", native, sizeof native);
    assert_string_equal(s.crc, native);
    assert_false(qemu_running("guest=vcbench-itvm-1,"));
    /* A clean guest's QEMU log is dropped from the embed root. */
    char log[200];
    snprintf(log, sizeof log, "%s/lv/log/qemu/vcbench-itvm-1.log", dir);
    assert_int_equal(access(log, F_OK), -1);
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
    char *args[] = { "--file", "@disk", "--size", "4M", "--bs", "4K", "--pattern", "seqwrite", "--seconds", "1", NULL };
    struct env_job job = { .workload = "disk", .argc = 10, .argv = args, .seq = 2, .disk = disk };
    struct env_inst inst;
    struct seen s = { 0 };
    assert_int_equal(it_run(&env_vm, state, &job, &s, &inst), 0);
    assert_string_equal(s.status, "ok");
    char *text = tu_read_file(disk);
    assert_non_null(text);
    assert_memory_equal(text, "VCBDISK1", 8);
    free(text);
    assert_false(qemu_running("guest=vcbench-itvm-2,"));
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
    pid_t qemu = inst.pid;
    assert_true(qemu_running("guest=vcbench-itvm-3,"));
    env_vm.stop(state, &inst);
    assert_false(qemu_running("guest=vcbench-itvm-3,"));
    assert_true(qemu <= 0 || pid_gone(qemu));
    assert_int_equal(inst.fd, -1);
}

/* A launch that fails before the guest exists (an argument the kernel
 * command line cannot carry) leaves its instance for stop(), which
 * removes it: no socket, no guest. */
static void failed_launch_then_stop(void **st)
{
    (void)st;
    NEED_VM();
    struct vb_err e = { 0 };
    char *args[] = { "--int-bytes", "1 M", NULL };
    struct env_job job = { .workload = "cpu", .argc = 2, .argv = args, .seq = 4 };
    struct env_inst inst = { .fd = -1 };
    assert_int_equal(env_vm.launch(state, &job, &inst, &e), -1);
    assert_int_equal(e.code, VB_EUSAGE);
    assert_non_null(strstr(e.msg, "kernel command line"));
    env_vm.stop(state, &inst);
    assert_null(inst.priv);
    assert_int_equal(inst.fd, -1);
    char sock[200];
    snprintf(sock, sizeof sock, "%s/s4.sock", dir);
    assert_int_equal(access(sock, F_OK), -1);
    assert_false(qemu_running("guest=vcbench-itvm-4,"));
}

/* Two instances in one process (an A/B run has one per arm): guests of
 * both run, and when one is torn down the other still works (the event
 * loop and the reaper are shared). */
static void two_instances_one_process(void **st)
{
    (void)st;
    NEED_VM();
    struct vb_err e = { 0 };
    struct run_cfg c2 = cfg;
    c2.run_id = "itvm2";
    void *s2 = NULL;
    if (env_vm.prepare(&c2, &s2, &e) < 0)
        fail_msg("second prepare: %s", e.msg);
    char *args[] = { NULL };
    struct env_job a = { .workload = "startup", .argv = args, .seq = 20 }, b = { .workload = "startup", .argv = args, .seq = 21 };
    struct env_inst inst;
    struct seen s1 = { 0 }, s2s = { 0 };
    assert_int_equal(it_run(&env_vm, state, &a, &s1, &inst), 0);
    assert_int_equal(it_run(&env_vm, s2, &b, &s2s, &inst), 0);
    assert_string_equal(s1.status, "ok");
    assert_string_equal(s2s.status, "ok");
    env_vm.teardown(s2);
    struct seen s3 = { 0 };
    a.seq = 22;
    assert_int_equal(it_run(&env_vm, state, &a, &s3, &inst), 0);
    assert_string_equal(s3.status, "ok");
    assert_false(qemu_running("guest=vcbench-itvm"));
}

/* `vcbench run` with a state dir of its own, in the background. */
static pid_t cli_start(const char *state_dir, const char *out)
{
    const char *bin = getenv("VCB_BIN");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(bin, bin, "run", "--envs", "vm", "--workloads", "startup", "--runs", "20", "--warmup", "0",
              "--state-dir", state_dir, "--out", out, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Wait (up to 90 s) until a guest of that embed root runs. */
static int guest_up(const char *root)
{
    for (int i = 0; i < 900; i++) {
        if (qemu_running(root))
            return 1;
        usleep(100000);
    }
    return 0;
}

static int wait_exit(pid_t pid, int secs)
{
    int ws;
    for (int i = 0; i < secs * 10; i++) {
        if (waitpid(pid, &ws, WNOHANG) == pid)
            return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
        usleep(100000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &ws, 0);
    return -1;
}

/* Ctrl-C while a guest runs: exit 130, no QEMU left. SIGKILL instead: the
 * guest survives (embedded QEMU is daemonized), and the next run with the
 * same state dir destroys it before it starts. */
static void cli_interrupt_and_sweep(void **st)
{
    (void)st;
    NEED_VM();
    const char *bin = getenv("VCB_BIN");
    if (!bin || access(bin, X_OK) != 0)
        SKIP_BECAUSE("VCB_BIN does not name vcbench; run through 'make test'");
    /* This process is a subreaper since prepare(): orphans of the killed
     * vcbench would become our zombies, which libvirt waits on. */
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    char sd[128], root[160], out[160];
    snprintf(sd, sizeof sd, "%s/cli", dir);
    snprintf(root, sizeof root, "%s/lv/", sd);

    snprintf(out, sizeof out, "%s/out-int", dir);
    pid_t p = cli_start(sd, out);
    assert_true(guest_up(root));
    kill(p, SIGINT);
    assert_int_equal(wait_exit(p, 60), 130);
    assert_false(qemu_running(root));

    /* Killed while QEMU still waits for libvirt's start handshake, QEMU
     * exits by itself; 1.5 s after it appears the guest is up (create
     * takes ~0.7 s). Between two guests nothing is left: try again. */
    pid_t left = 0;
    for (int try = 0; try < 3 && left <= 0; try++) {
        snprintf(out, sizeof out, "%s/out-kill%d", dir, try);
        p = cli_start(sd, out);
        assert_true(guest_up(root));
        usleep(1500000);
        kill(p, SIGKILL);
        assert_int_equal(wait_exit(p, 30), 128 + SIGKILL);
        left = qemu_pid(root);           /* left behind */
    }
    assert_true(left > 0);
    snprintf(out, sizeof out, "%s/out-sweep", dir);
    p = cli_start(sd, out);
    for (int i = 0; i < 600 && !pid_gone(left); i++)
        usleep(100000);
    assert_true(pid_gone(left));
    kill(p, SIGINT);
    assert_int_equal(wait_exit(p, 60), 130);
    assert_false(qemu_running(root));
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(cpu_in_guest),
        cmocka_unit_test(disk_in_guest_reaches_host_file),
        cmocka_unit_test(stop_mid_boot),
        cmocka_unit_test(failed_launch_then_stop),
        cmocka_unit_test(two_instances_one_process),
        cmocka_unit_test(cli_interrupt_and_sweep),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
