/* vm: a KVM (or TCG) guest started through libvirt.
 *
 * Default URI qemu:///embed?root=<state>/lv: libvirt's QEMU driver runs
 * inside vcbench, no daemon. The embed root (and QEMU's capability cache in
 * it) is kept across runs; the one-time connection cost is measured in
 * prepare and recorded apart (vm_connect_ms, on the first launch only).
 *
 * Boot path (measured under TCG here, see README "The guest"): direct
 * kernel boot of Debian's uncompressed vmlinux through its PVH entry, the
 * 'pc' machine with qboot as firmware, an initramfs whose /wl is init, and
 * a command line that skips probing the guest never needs. wl reports on
 * ttyS0; QEMU connects the serial port to a unix socket the harness listens
 * on before the domain exists, so nothing printed early is lost.
 *
 * Embedded QEMU outlives the process that started it (no autodestroy in
 * embed mode), so every guest is destroyed on every path: wait/stop here,
 * SIGINT via the runner, and a sweep of leftover vcbench-* guests in
 * prepare. */
#include "env.h"
#include "domxml.h"
#include "sig.h"

#include <errno.h>
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VM_FIRMWARE "/usr/share/qemu/qboot.rom"
#define VM_QEMU "/usr/bin/qemu-system-x86_64"
/* Boot-time only options: they skip probes for hardware this guest does
 * not have (PS/2 aux, legacy keyboard controller checks) and trust the TSC
 * and CPU RNG so the kernel does not calibrate or wait for entropy. None
 * changes how the workload runs (mitigations stay as the kernel defaults). */
#define VM_CMDLINE "console=ttyS0 quiet loglevel=0 panic=-1 rdinit=/wl tsc=reliable no_timer_check " \
                   "i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd random.trust_cpu=on"
#define CMDLINE_MAX 2048       /* x86 COMMAND_LINE_SIZE */

struct vm {
    const struct run_cfg *cfg;
    char root[600];            /* embed root, "" for another URI */
    virConnectPtr conn;
    char uri[700];
    double connect_ms;
    int reported_connect;
    pthread_t loop;
    int loop_started;
    int timer;
    atomic_int quit;
    char errmsg[512];          /* libvirt's last message, from the error hook */
};

struct vm_inst {
    virDomainPtr dom;
    pid_t qemu;                /* QEMU's pid when we reap it (embed) */
    pthread_t reaper;
    int reaping;
    int lfd;
    char sock[300];
    char name[128];
};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* libvirt prints errors on stderr by default; keep the text for our own
 * one-line message instead. */
static void vm_error_hook(void *arg, virErrorPtr err)
{
    struct vm *v = arg;
    if (v && err && err->message)
        snprintf(v->errmsg, sizeof v->errmsg, "%s", err->message);
}

static const char *last_error(struct vm *v)
{
    virErrorPtr err = virGetLastError();
    if (err && err->message)
        return err->message;
    return v->errmsg[0] ? v->errmsg : "unknown libvirt error";
}

/* The embedded driver needs a running event loop (QEMU monitor I/O goes
 * through it). A 100 ms timer lets the thread notice quit. */
static pthread_once_t event_once = PTHREAD_ONCE_INIT;
static int event_rc;
static char log_outputs[700];
static void event_init(void)
{
    /* libvirt logs warnings on stderr; keep them in the state dir instead
     * (the user's own LIBVIRT_LOG_OUTPUTS wins). */
    if (log_outputs[0])
        setenv("LIBVIRT_LOG_OUTPUTS", log_outputs, 0);
    event_rc = virInitialize();
    if (event_rc == 0)
        event_rc = virEventRegisterDefaultImpl();
}

static void tick(int timer, void *arg)
{
    (void)timer;
    (void)arg;
}

static void *loop_main(void *arg)
{
    struct vm *v = arg;
    while (!atomic_load(&v->quit))
        if (virEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "we");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int mkdirs(const char *path)
{
    char buf[700];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* qemu.conf of the embed root (libvirt reads only this one, never
 * /etc/libvirt/qemu.conf, and it must exist before the connection opens). */
static int embed_config(const char *root, struct vb_err *e)
{
    char dir[700], path[760];
    snprintf(dir, sizeof dir, "%s/etc/qemu", root);
    if (mkdirs(dir) < 0)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s; pass --state-dir", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/etc/qemu.conf", root);
    /* file: QEMU writes its log itself (no virtlogd daemon). root and no
     * security driver: QEMU reads the kernel cache and the disk file as
     * the harness does. No namespaces, no ownership bookkeeping: nothing
     * per guest that is not the guest. */
    const char *conf = "# written by vcbench: embedded libvirt for benchmark guests\n"
                       "stdio_handler = \"file\"\n"
                       "user = \"root\"\n"
                       "group = \"root\"\n"
                       "security_driver = \"none\"\n"
                       "namespaces = [ ]\n"
                       "remember_owner = 0\n";
    if (write_file(path, conf) != 0)
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* Guests a previous, killed run left behind. */
static void sweep(struct vm *v)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(v->conn, &doms, 0);
    for (int i = 0; i < n; i++) {
        const char *name = virDomainGetName(doms[i]);
        if (name && !strncmp(name, "vcbench-", 8)) {
            if (virDomainIsActive(doms[i]) == 1)
                virDomainDestroy(doms[i]);
            if (virDomainIsPersistent(doms[i]) == 1)
                virDomainUndefine(doms[i]);
        }
        virDomainFree(doms[i]);
    }
    free(doms);
}

static int vm_probe(const struct run_cfg *cfg, struct vb_err *e)
{
    if (!cfg->kernel || access(cfg->kernel, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "guest kernel %s missing; run 'make setup' (scripts/fetch-kernel.sh)",
                       cfg->kernel ? cfg->kernel : "(none)");
    if (!cfg->initrd || access(cfg->initrd, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "guest initramfs missing");
    if ((!cfg->libvirt_uri || !*cfg->libvirt_uri) && access(VM_QEMU, X_OK) != 0)
        return vb_errf(e, VB_EHOST, "%s missing; apt-get install qemu-system-x86 libvirt-daemon-driver-qemu",
                       VM_QEMU);
    if (!strcmp(cfg->accel, "kvm") && access("/dev/kvm", R_OK | W_OK) != 0)
        return vb_errf(e, VB_EHOST, "--accel kvm but /dev/kvm is not usable: %s; use --accel tcg",
                       strerror(errno));
    return 0;
}

static void vm_teardown(void *state)
{
    struct vm *v = state;
    if (!v)
        return;
    if (v->conn) {
        sweep(v);
        virConnectClose(v->conn);
    }
    if (v->loop_started) {
        atomic_store(&v->quit, 1);
        pthread_join(v->loop, NULL);
    }
    if (v->timer >= 0)
        virEventRemoveTimeout(v->timer);
    /* As a subreaper we also inherit QEMUs libvirt started for its own
     * capability probes; no instance of any env runs at teardown, so every
     * child left now is such a stray: reap it rather than leave zombies. */
    if (v->root[0])
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    virSetErrorFunc(NULL, NULL);
    free(v);
}

static int vm_prepare(const struct run_cfg *cfg, void **state, struct vb_err *e)
{
    if (!log_outputs[0] && mkdirs(cfg->state_dir) == 0)
        snprintf(log_outputs, sizeof log_outputs, "3:file:%s/libvirt.log", cfg->state_dir);
    pthread_once(&event_once, event_init);
    if (event_rc != 0)
        return vb_errf(e, VB_EHOST, "libvirt cannot initialise; apt-get install libvirt0");
    struct vm *v = calloc(1, sizeof *v);
    if (!v)
        return vb_errf(e, VB_EFAIL, "out of memory");
    v->cfg = cfg;
    v->timer = -1;
    virSetErrorFunc(v, vm_error_hook);
    if (cfg->libvirt_uri && *cfg->libvirt_uri) {
        snprintf(v->uri, sizeof v->uri, "%s", cfg->libvirt_uri);
    } else {
        char root[600];
        snprintf(root, sizeof root, "%s/lv", cfg->state_dir);
        if (root[0] != '/') {
            free(v);
            return vb_errf(e, VB_EUSAGE, "--state-dir must be an absolute path for libvirt's embed root");
        }
        if (embed_config(root, e) < 0) {
            free(v);
            return -1;
        }
        snprintf(v->uri, sizeof v->uri, "qemu:///embed?root=%s", root);
        snprintf(v->root, sizeof v->root, "%s", root);
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    v->timer = virEventAddTimeout(100, tick, NULL, NULL);
    if (pthread_create(&v->loop, NULL, loop_main, v) != 0) {
        vm_teardown(v);
        return vb_errf(e, VB_EFAIL, "cannot start the libvirt event loop thread");
    }
    v->loop_started = 1;
    double t0 = now_ms();
    v->conn = virConnectOpen(v->uri);
    v->connect_ms = now_ms() - t0;
    if (!v->conn) {
        const char *why = last_error(v);
        if (v->root[0] && strstr(why, "pid file"))
            vb_errf(e, VB_EHOST, "another vcbench is using the libvirt root %s; wait for it or pass another "
                    "--state-dir", v->root);
        else
            vb_errf(e, VB_EHOST, "cannot open libvirt %s: %s; run 'vcbench doctor'", v->uri, why);
        vm_teardown(v);
        return -1;
    }
    sweep(v);
    *state = v;
    return 0;
}

/* qboot when installed (boots faster than SeaBIOS here, see README);
 * VCBENCH_VM_FIRMWARE=seabios selects libvirt's default BIOS, for the
 * comparison bench/vm_boot.sh makes. */
static const char *vm_firmware(void)
{
    const char *want = getenv("VCBENCH_VM_FIRMWARE");
    if (want && !strcmp(want, "seabios"))
        return NULL;
    return access(VM_FIRMWARE, R_OK) == 0 ? VM_FIRMWARE : NULL;
}

/* The kernel command line: fixed options, then wl's own argv after "--"
 * (the kernel hands everything after it to init). */
static int cmdline_build(const struct env_job *job, char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "%s -- init%s %s", VM_CMDLINE, job->disk ? " --modules" : "",
                                  job->workload);
    for (int i = 0; i < job->argc && len < n; i++) {
        const char *a = job->disk && !strcmp(job->argv[i], "@disk") ? "/dev/vda" : job->argv[i];
        if (strpbrk(a, " \t\n\"") || !*a)
            return -1;
        len += (size_t)snprintf(out + len, n - len, " %s", a);
    }
    return len < n ? 0 : -1;
}

static int serial_listen(struct vm_inst *vi, struct vb_err *e)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(vi->sock) >= sizeof a.sun_path)
        return vb_errf(e, VB_EUSAGE, "socket path %s too long; use a shorter --state-dir", vi->sock);
    strcpy(a.sun_path, vi->sock);
    unlink(vi->sock);
    vi->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (vi->lfd < 0 || bind(vi->lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(vi->lfd, 1) < 0)
        return vb_errf(e, VB_EHOST, "cannot listen on %s: %s", vi->sock, strerror(errno));
    return 0;
}

/* QEMU connects while it starts; wait for it (bounded, Ctrl-C aware). */
static int serial_accept(struct vm_inst *vi, long timeout_s, struct vb_err *e)
{
    double end = now_ms() + (double)timeout_s * 1e3;
    for (;;) {
        struct pollfd p = { .fd = vi->lfd, .events = POLLIN };
        int r = poll(&p, 1, 200);
        if (r > 0) {
            int fd = accept4(vi->lfd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0)
                return fd;
            if (errno != EINTR && errno != EAGAIN)
                return vb_errf(e, VB_EHOST, "accept on %s: %s", vi->sock, strerror(errno));
        }
        if (sig_stop)
            return vb_errf(e, VB_EINTR, "interrupted");
        if (now_ms() > end)
            return vb_errf(e, VB_EFAIL, "QEMU did not connect the serial console within %ld s", timeout_s);
    }
}

/* Embedded QEMU daemonizes; its parent becomes init, and libvirt's
 * destroy waits until the pid is gone. An init that reaps slowly (this
 * sandbox's takes ~1.4 s) would then count as guest teardown. vcbench is a
 * child subreaper, so QEMU is re-parented to it and this thread reaps it
 * the moment it exits. */
static void *reap_main(void *arg)
{
    struct vm_inst *vi = arg;
    while (waitpid(vi->qemu, NULL, 0) < 0 && errno == EINTR)
        ;
    return NULL;
}

static void reaper_start(struct vm *v, struct vm_inst *vi)
{
    if (!v->root[0])
        return;
    char path[800];
    snprintf(path, sizeof path, "%s/run/qemu/%s.pid", v->root, vi->name);
    FILE *f = fopen(path, "re");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    /* Only a process that is really our child (re-parented to us). */
    if (pid <= 0 || waitpid(pid, NULL, WNOHANG) < 0)
        return;
    vi->qemu = pid;
    vi->reaping = pthread_create(&vi->reaper, NULL, reap_main, vi) == 0;
}

static void reaper_join(struct vm_inst *vi)
{
    if (vi->reaping) {
        pthread_join(vi->reaper, NULL);
        vi->reaping = 0;
    }
}

static void inst_free(struct vm_inst *vi)
{
    if (!vi)
        return;
    if (vi->dom) {
        virDomainDestroy(vi->dom);
        virDomainFree(vi->dom);
    }
    if (vi->reaping && vi->qemu > 0) {
        kill(vi->qemu, SIGKILL);       /* only if destroy failed; it is ours */
        reaper_join(vi);
    }
    if (vi->lfd >= 0)
        close(vi->lfd);
    if (vi->sock[0])
        unlink(vi->sock);
    free(vi);
}

static int vm_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e)
{
    struct vm *v = state;
    const struct run_cfg *cfg = v->cfg;
    struct vm_inst *vi = calloc(1, sizeof *vi);
    if (!vi)
        return vb_errf(e, VB_EFAIL, "out of memory");
    vi->lfd = -1;
    snprintf(vi->name, sizeof vi->name, "vcbench-%s-%d", cfg->run_id, job->seq);
    snprintf(vi->sock, sizeof vi->sock, "%s/s%d.sock", cfg->run_dir, job->seq);

    char cmdline[CMDLINE_MAX];
    if (cmdline_build(job, cmdline, sizeof cmdline) < 0) {
        inst_free(vi);
        return vb_errf(e, VB_EUSAGE, "workload arguments do not fit the guest kernel command line "
                       "(no spaces or quotes, %d bytes in all)", CMDLINE_MAX);
    }
    /* vCPU i on the i-th workload CPU. */
    char cpus[DOMXML_VCPUS_MAX][16];
    struct domxml d = { .name = vi->name, .kvm = !strcmp(cfg->accel, "kvm"), .machine = "pc",
                        .mem_bytes = cfg->mem_bytes, .vcpus = cfg->vcpus > 0 ? cfg->vcpus : 1,
                        .emulator_cpus = cfg->pin.emulator[0] ? cfg->pin.emulator : NULL,
                        .firmware = vm_firmware(),
                        .kernel = cfg->kernel, .initrd = cfg->initrd, .cmdline = cmdline,
                        .serial_socket = vi->sock, .disk = job->disk };
    cpu_set_t set;
    if (pin_mask(cfg->pin.work, &set) == 0) {
        int k = 0;
        for (int c = 0; c < CPU_SETSIZE && k < d.vcpus && k < DOMXML_VCPUS_MAX; c++)
            if (CPU_ISSET(c, &set)) {
                snprintf(cpus[k], sizeof cpus[k], "%d", c);
                d.vcpu_cpus[k] = cpus[k];
                k++;
            }
    }
    char *xml = domxml_string(&d);
    if (!xml) {
        inst_free(vi);
        return vb_errf(e, VB_EFAIL, "cannot build the domain XML");
    }
    if (serial_listen(vi, e) < 0) {
        free(xml);
        inst_free(vi);
        return -1;
    }
    double t0 = now_ms();
    vi->dom = virDomainCreateXML(v->conn, xml, 0);
    double t1 = now_ms();
    free(xml);
    if (!vi->dom) {
        vb_errf(e, VB_EHOST, "libvirt cannot start the guest: %s", last_error(v));
        inst_free(vi);
        return -1;
    }
    reaper_start(v, vi);
    int fd = serial_accept(vi, cfg->timeout_s > 0 ? cfg->timeout_s : 60, e);
    if (fd < 0) {
        inst_free(vi);
        return -1;
    }
    close(vi->lfd);
    vi->lfd = -1;
    unlink(vi->sock);
    vi->sock[0] = '\0';
    inst->fd = fd;
    inst->pid = vi->qemu;      /* 0 when QEMU is not ours (another URI) */
    inst->priv = vi;
    env_inst_metric(inst, "vm_create_ms", "ms", "lower", t1 - t0);
    if (!v->reported_connect) {
        env_inst_metric(inst, "vm_connect_ms", "ms", "lower", v->connect_ms);
        v->reported_connect = 1;
    }
    return 0;
}

/* wl's end line is the last thing the guest has to say, and its disk
 * writes (O_DIRECT, cache='none') are already in the host file. Waiting
 * for the guest kernel's own power-off costs ~1.4 s under TCG here and
 * measures nothing the user runs, so the guest is destroyed at once; the
 * time until libvirt reports it gone is vm_destroy_ms. */
static int vm_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    struct vm *v = state;
    struct vm_inst *vi = inst->priv;
    double t0 = now_ms();
    int st = VIR_DOMAIN_NOSTATE, reason;
    if (virDomainGetState(vi->dom, &st, &reason, 0) == 0 && st != VIR_DOMAIN_SHUTOFF &&
        virDomainDestroy(vi->dom) < 0 && virDomainIsActive(vi->dom) == 1)
        return vb_errf(e, VB_EHOST, "cannot destroy guest %s: %s", vi->name, last_error(v));
    virDomainFree(vi->dom);
    vi->dom = NULL;
    reaper_join(vi);
    env_inst_metric(inst, "vm_destroy_ms", "ms", "lower", now_ms() - t0);
    *status = 0;
    return 0;
}

static void vm_stop(void *state, struct env_inst *inst)
{
    (void)state;
    inst_free(inst->priv);
    inst->priv = NULL;
    if (inst->fd >= 0) {
        close(inst->fd);
        inst->fd = -1;
    }
}

const struct env_ops env_vm = {
    .name = "vm",
    .summary = "a guest through libvirt (embedded QEMU driver by default), KVM or TCG",
    .probe = vm_probe,
    .prepare = vm_prepare,
    .launch = vm_launch,
    .wait = vm_wait,
    .stop = vm_stop,
    .teardown = vm_teardown,
};
