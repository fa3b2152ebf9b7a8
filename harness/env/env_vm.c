/* vm: a KVM (or TCG) guest started through libvirt.
 *
 * Default URI qemu:///embed?root=<state>/lv: libvirt's QEMU driver runs
 * inside vcbench, no daemon. The embed root (and QEMU's capability cache in
 * it) is kept across runs; the connection open is timed once in prepare
 * and reported apart as vm_connect_ms (repeated on every launch, because
 * the runner drops warm-up rows and the first launch is a warm-up).
 *
 * Boot path (measured under TCG here, see README "The guest" and
 * the command line in domxml.c): direct kernel boot of Debian's uncompressed vmlinux
 * through its PVH entry, the 'pc' machine with qboot as firmware, an
 * initramfs whose /wl is init, and a command line that skips work this
 * guest never needs. wl reports on ttyS0; QEMU connects the serial port to
 * a unix socket the harness listens on before the domain exists, so
 * nothing printed early is lost.
 *
 * What libvirt itself costs (libvirt 9.0, QEMU 7.2, read from its debug
 * log): virDomainCreateXML ~0.7 s under TCG here, of which ~0.45 s is
 * libvirt reading back the guest CPU's ~400 feature flags with one QMP
 * qom-get each (398 counted with strace; QEMU's monitor thread reads a
 * command one byte per recvmsg with ~7 system calls per byte, ~1.4 ms per
 * command on this host, whichever CPU libvirt's side runs on) - no domain
 * XML setting avoids it, as libvirt always gives x86 guests a CPU model. At the end, libvirt polls QEMU's
 * exit every 200 ms (virProcessKillPainfully), so vm_destroy_ms is ~210 ms
 * however fast the guest powers off.
 *
 * Embedded QEMU outlives the process that started it (no autodestroy in
 * embed mode), so every guest is destroyed on every path: wait/stop here,
 * SIGINT via the runner, and a sweep of leftover vcbench-* guests in
 * prepare. */
#include "env/env.h"
#include "env/usage.h"
#include "env/domxml.h"
#include "common/fsutil.h"
#include "common/own.h"
#include "common/sig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
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
/* wl's end line is followed by sync + power-off, which takes ~20 ms under
 * TCG; a guest still running this long after it is destroyed (halted
 * instead of powering off, or hung). */
#define VM_OFF_GRACE_MS 3000
/* A QEMU libvirt has given up on gets this long to exit before SIGKILL. */
#define VM_REAP_MS 5000
/* How often strays_main looks for a dead QEMU to reap: well under the
 * 200 ms at which libvirt polls for a killed QEMU to be gone. */
#define VM_STRAY_POLL_MS 20
#define VM_STRAY_ORPHAN_MS 2000

struct vm {
    const struct run_cfg *cfg;
    char root[600];            /* embed root, "" for another URI */
    virConnectPtr conn;
    char uri[700];
    double connect_ms;
    int shared;                /* holds a reference to the process-wide threads */
    int lifecycle_cb;          /* virConnectDomainEventRegisterAny id, -1 */
    int off[2];                /* lifecycle callback -> vm_wait */
    pthread_mutex_t mu;        /* guards cur and stopped (event thread) */
    char cur[128];             /* name of the guest being run */
    int stopped;               /* 1 + VIR_DOMAIN_EVENT_STOPPED_* of cur, 0 */
};

/* What every vm instance of the process shares (an A/B run has one per
 * arm): libvirt's event loop thread, and the thread that reaps QEMUs
 * re-parented to us. Started by the first prepare, stopped by the last
 * teardown. */
static struct {
    pthread_mutex_t mu;
    int users;
    pthread_t loop, strays;
    int loop_started, strays_started;
    int wake[2];               /* teardown -> event loop thread */
    int wake_watch;
    atomic_int quit;
} proc = { .mu = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 }, .wake_watch = -1 };

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

/* libvirt prints every error on stderr by default, from whichever thread
 * raised it; this hook keeps it quiet (NULL would restore printing). Our
 * one-line messages take the text from virGetLastError(), which is the
 * calling thread's own: nothing is shared between threads. */
static void quiet_hook(void *arg, virErrorPtr err)
{
    (void)arg;
    (void)err;
}

static const char *last_error(void)
{
    virErrorPtr err = virGetLastError();
    return err && err->message ? err->message : "unknown libvirt error";
}

/* The embedded driver needs a running event loop (libvirt's timers and
 * domain events go through it). Registered once per process, before the
 * first virConnectOpen. */
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

/* libvirt reads LIBVIRT_LOG_OUTPUTS once, when it first initialises -
 * which any libvirt call does, virGetVersion for run.json included - so
 * this runs from probe(), the first vm call of a run, before anything
 * else of the run touches libvirt. */
static int lib_init(const struct run_cfg *cfg, struct vb_err *e)
{
    if (!log_outputs[0] && cfg->state_dir && fs_mkdir_p(cfg->state_dir, 0755) == 0)
        snprintf(log_outputs, sizeof log_outputs, "3:file:%s/libvirt.log", cfg->state_dir);
    pthread_once(&event_once, event_init);
    return event_rc == 0 ? 0 : vb_errf(e, VB_EHOST, "libvirt cannot initialise; apt-get install libvirt0");
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

/* Teardown writes to the wake pipe so the loop returns at once. */
static void wake_cb(int watch, int fd, int events, void *arg)
{
    (void)watch;
    (void)events;
    (void)arg;
    drain(fd);
}

static void *loop_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&proc.quit))
        if (virEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

/* Runs on the event loop thread: note how the current guest stopped and
 * wake vm_wait. Other guests' events (a sweep) are ignored. */
static void lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *arg)
{
    (void)conn;
    struct vm *v = arg;
    if (event != VIR_DOMAIN_EVENT_STOPPED)
        return;
    const char *name = virDomainGetName(dom);
    pthread_mutex_lock(&v->mu);
    if (name && v->cur[0] && !strcmp(name, v->cur)) {
        v->stopped = 1 + detail;
        char b = 1;
        if (write(v->off[1], &b, 1) < 0) {
            /* full pipe: vm_wait re-reads the state anyway */
        }
    }
    pthread_mutex_unlock(&v->mu);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "we");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* qemu.conf of the embed root (libvirt reads only this one, never
 * /etc/libvirt/qemu.conf, and it must exist before the connection opens). */
static int embed_config(const char *root, struct vb_err *e)
{
    char dir[700], path[760];
    snprintf(dir, sizeof dir, "%s/etc/qemu", root);
    if (fs_mkdir_p(dir, 0755) < 0)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s; pass --state-dir", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/etc/qemu.conf", root);
    /* file: QEMU writes its log itself (no virtlogd daemon). root and no
     * security driver: QEMU reads the kernel cache and the disk file as
     * the harness does. No namespaces, no ownership bookkeeping, no
     * cgroups (vcpupin/emulatorpin are applied as CPU affinity, and the
     * guest's memory is its RAM size): nothing per guest that is not the
     * guest, and no machine/ cgroup left on the host. */
    const char *conf = "# written by vcbench: embedded libvirt for benchmark guests\n"
                       "stdio_handler = \"file\"\n"
                       "user = \"root\"\n"
                       "group = \"root\"\n"
                       "security_driver = \"none\"\n"
                       "namespaces = [ ]\n"
                       "remember_owner = 0\n"
                       "cgroup_controllers = [ ]\n";
    if (write_file(path, conf) != 0)
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* Destroy (and undefine) every guest on conn whose name starts with
 * prefix: "vcbench-<run id>-" for one run's, "vcbench-" for all. */
static void sweep(virConnectPtr conn, const char *prefix)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, 0);
    for (int i = 0; i < n; i++) {
        const char *name = virDomainGetName(doms[i]);
        if (name && !strncmp(name, prefix, strlen(prefix))) {
            if (virDomainIsActive(doms[i]) == 1)
                virDomainDestroy(doms[i]);
            if (virDomainIsPersistent(doms[i]) == 1)
                virDomainUndefine(doms[i]);
        }
        virDomainFree(doms[i]);
    }
    free(doms);
}

/* The socket QEMU's serial port dials is <run_dir>/s<seq>.sock, and the
 * embed root holds QEMU's monitor sockets: both must fit sun_path. */
static int path_fits(const char *dir, size_t extra)
{
    return strlen(dir) + extra < sizeof(((struct sockaddr_un *)0)->sun_path);
}

static int vm_probe(const struct run_cfg *cfg, struct vb_err *e)
{
    int embed = !cfg->libvirt_uri || !*cfg->libvirt_uri;
    if (lib_init(cfg, e) < 0)
        return -1;
    if (!cfg->kernel || access(cfg->kernel, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "guest kernel %s missing; run scripts/fetch-kernel.sh (or 'make setup')",
                       cfg->kernel ? cfg->kernel : "(none)");
    if (!cfg->initrd || access(cfg->initrd, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "guest initramfs %s missing; it is built at the start of 'vcbench run'",
                       cfg->initrd ? cfg->initrd : "(none)");
    if (embed && access(VM_QEMU, X_OK) != 0)
        return vb_errf(e, VB_EHOST, "%s missing; apt-get install qemu-system-x86 libvirt-daemon-driver-qemu",
                       VM_QEMU);
    /* The embedded driver resolves the distribution's QEMU user before it
     * reads our qemu.conf (user = "root"), and fails without it. */
    if (embed && !getpwnam("libvirt-qemu"))
        return vb_errf(e, VB_EHOST, "user libvirt-qemu missing (libvirt's QEMU driver needs it even to run "
                       "QEMU as root); apt-get install libvirt-daemon-system");
    if (embed && geteuid() != 0)
        return vb_errf(e, VB_EHOST, "the vm environment needs root (cgroups, pinning, /dev/kvm); run as root");
    if (!strcmp(cfg->accel, "kvm") && access("/dev/kvm", R_OK | W_OK) != 0)
        return vb_errf(e, VB_EHOST, "--accel kvm but /dev/kvm is not usable: %s; use --accel tcg",
                       strerror(errno));
    if ((cfg->run_dir && !path_fits(cfg->run_dir, sizeof "/s000000.sock")) ||
        (embed && cfg->state_dir && !path_fits(cfg->state_dir, 60)))
        return vb_errf(e, VB_EUSAGE, "--state-dir %s is too long for unix socket paths (108 bytes); "
                       "use a short one such as /var/tmp/vcbench", cfg->state_dir);
    return 0;
}

/* 1 when child pid is a dead QEMU that libvirt does not wait for itself:
 * one that daemonized and was re-parented to us. Such a QEMU has called
 * setsid() (QEMU's -daemonize, or libvirt's daemonizing fork for a guest)
 * and so sits in another session than ours, while the children libvirt
 * waitpid()s are either in our session (the QEMU it runs with -daemonize,
 * which exits once the daemon is up) or not QEMU (its daemonizing fork
 * never execs). Only descendants of this process can be re-parented to it,
 * so a QEMU found here belongs to our embed root. */
static int stray_qemu(pid_t pid, pid_t our_sid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* "pid (comm) state ppid pgrp session ...": comm may hold ')'. */
    char *l = strchr(buf, '('), *r = strrchr(buf, ')');
    char state;
    int ppid, pgrp, sid;
    if (!l || !r || r < l || sscanf(r + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4)
        return 0;
    *r = '\0';
    return state == 'Z' && ppid == getpid() && sid != our_sid && !strncmp(l + 1, "qemu-system", 11);
}

/* Every QEMU that daemonizes is re-parented to vcbench (a child subreaper,
 * see vm_uri), and libvirt then waits for it to vanish by polling
 * kill(pid, 0), which a zombie passes. reap_main reaps a guest's QEMU, but
 * nothing reaped the ones libvirt starts to probe QEMU's capabilities on a
 * fresh embed root (two: accel kvm:tcg, then tcg): libvirt sent each
 * SIGTERM, polled 10 s, sent SIGKILL, polled 30 s more and gave up with
 * "Failed to terminate process ... Device or resource busy" - 80 s in
 * virConnectGetDomainCapabilities that no signal could cut short (the
 * probes themselves take ~0.2 s). The same 40 s hit a guest QEMU that
 * dies inside virDomainCreateXML, before reaper_start. This thread reaps
 * such QEMUs for as long as the connection lives.
 *
 * waitid(WNOWAIT) only peeks, so children that others wait for (libvirt's
 * own, other environments') are left to them; it shows one zombie at a
 * time, and one that is not ours is reaped by its owner within
 * milliseconds, after which the next one shows. */
static void *strays_main(void *arg)
{
    (void)arg;
    pid_t our_sid = getsid(0), first = 0;
    double since = 0;
    while (!atomic_load(&proc.quit)) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid > 0) {
            /* waitid shows one zombie at a time: one that nobody reaps
             * (an orphan re-parented to us, e.g. a runtime's container
             * init) would hide the QEMUs behind it. Whoever owns a child
             * reaps it within milliseconds; one still first after
             * VM_STRAY_ORPHAN_MS is an orphan. */
            if (si.si_pid != first) {
                first = si.si_pid;
                since = now_ms();
            }
            if ((stray_qemu(si.si_pid, our_sid) || now_ms() - since > VM_STRAY_ORPHAN_MS) &&
                waitpid(si.si_pid, NULL, WNOHANG) > 0)
                continue;       /* there may be another one */
        }
        struct timespec t = { 0, VM_STRAY_POLL_MS * 1000000L };
        nanosleep(&t, NULL);
    }
    return NULL;
}

/* Stop the shared threads when the last user goes. */
static void proc_stop(void)
{
    atomic_store(&proc.quit, 1);
    if (proc.loop_started) {
        char b = 1;
        if (write(proc.wake[1], &b, 1) < 0) {
            /* the loop still wakes on libvirt's own timers */
        }
        pthread_join(proc.loop, NULL);
    }
    if (proc.strays_started)
        pthread_join(proc.strays, NULL);
    if (proc.wake_watch >= 0)
        virEventRemoveHandle(proc.wake_watch);
    for (int i = 0; i < 2; i++) {
        if (proc.wake[i] >= 0)
            close(proc.wake[i]);
        proc.wake[i] = -1;
    }
    proc.wake_watch = -1;
    proc.loop_started = proc.strays_started = 0;
    /* As a subreaper we also inherit QEMUs libvirt started for its own
     * capability probes; no instance of any env runs now, so every child
     * left is such a stray: reap it rather than leave zombies. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    atomic_store(&proc.quit, 0);
}

/* Take a reference to the shared threads (the reaper only for an embed
 * root), starting them the first time. 0 or -1 with e. */
static int proc_get(int embed, struct vb_err *e)
{
    pthread_mutex_lock(&proc.mu);
    int rc = 0;
    if (!proc.loop_started) {
        if (pipe2(proc.wake, O_CLOEXEC | O_NONBLOCK) < 0)
            rc = vb_errf(e, VB_EHOST, "pipe: %s", strerror(errno));
        else if ((proc.wake_watch = virEventAddHandle(proc.wake[0], VIR_EVENT_HANDLE_READABLE, wake_cb, NULL,
                                                      NULL)) < 0 || pthread_create(&proc.loop, NULL, loop_main, NULL) != 0)
            rc = vb_errf(e, VB_EFAIL, "cannot start the libvirt event loop thread");
        else
            proc.loop_started = 1;
    }
    if (rc == 0 && embed && !proc.strays_started) {
        if (pthread_create(&proc.strays, NULL, strays_main, NULL) != 0)
            rc = vb_errf(e, VB_EFAIL, "cannot start the thread that reaps libvirt's QEMUs");
        else
            proc.strays_started = 1;
    }
    if (rc == 0)
        proc.users++;
    else if (proc.users == 0)
        proc_stop();
    pthread_mutex_unlock(&proc.mu);
    return rc;
}

static void proc_put(void)
{
    pthread_mutex_lock(&proc.mu);
    if (--proc.users == 0)
        proc_stop();
    pthread_mutex_unlock(&proc.mu);
}

static void vm_teardown(void *state)
{
    struct vm *v = state;
    if (!v)
        return;
    if (v->conn) {
        char mine[128];                /* only this run's guests: never another run's */
        snprintf(mine, sizeof mine, "vcbench-%s-", v->cfg->run_id);
        sweep(v->conn, mine);
        if (v->lifecycle_cb >= 0)
            virConnectDomainEventDeregisterAny(v->conn, v->lifecycle_cb);
        virConnectClose(v->conn);
    }
    /* After virConnectClose: the sweep above may still kill a QEMU. */
    if (v->shared)
        proc_put();
    for (int i = 0; i < 2; i++)
        if (v->off[i] >= 0)
            close(v->off[i]);
    pthread_mutex_destroy(&v->mu);
    virSetErrorFunc(NULL, quiet_hook);
    free(v);
}

/* Where libvirt is: the embed root under the state dir (QEMU's capability
 * cache in it survives across runs), or the URI the user gave. */
static int vm_uri(struct vm *v, struct vb_err *e)
{
    const struct run_cfg *cfg = v->cfg;
    if (cfg->libvirt_uri && *cfg->libvirt_uri) {
        snprintf(v->uri, sizeof v->uri, "%s", cfg->libvirt_uri);
        return 0;
    }
    snprintf(v->root, sizeof v->root, "%s/lv", cfg->state_dir);
    if (v->root[0] != '/')
        return vb_errf(e, VB_EUSAGE, "--state-dir must be an absolute path for libvirt's embed root");
    if (embed_config(v->root, e) < 0)
        return -1;
    snprintf(v->uri, sizeof v->uri, "qemu:///embed?root=%s", v->root);
    /* See reap_main. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    return 0;
}

static int vm_prepare(const struct run_cfg *cfg, void **state, struct vb_err *e)
{
    if (lib_init(cfg, e) < 0)
        return -1;
    struct vm *v = calloc(1, sizeof *v);
    if (!v)
        return vb_errf(e, VB_EFAIL, "out of memory");
    v->cfg = cfg;
    v->off[0] = v->off[1] = -1;
    v->lifecycle_cb = -1;
    pthread_mutex_init(&v->mu, NULL);
    virSetErrorFunc(NULL, quiet_hook);
    if (vm_uri(v, e) < 0)
        goto fail;
    /* What outlives a kill -9 of vcbench: the guests' QEMUs. */
    if (v->root[0])
        own_note("qemu", "vcbench-%s- %s", cfg->run_id, v->root);
    else
        own_note("guests", "vcbench-%s- %s", cfg->run_id, v->uri);
    if (pipe2(v->off, O_CLOEXEC | O_NONBLOCK) < 0) {
        vb_errf(e, VB_EHOST, "pipe: %s", strerror(errno));
        goto fail;
    }
    if (proc_get(v->root[0] != 0, e) < 0)
        goto fail;
    v->shared = 1;
    /* Timed once here and reported apart. libvirt probes QEMU's
     * capabilities lazily, at the first domain start (~0.6 s with an empty
     * embed root, then read from its cache); asking for the domain
     * capabilities moves that into this measurement and out of the first
     * launch, and proves QEMU runs. A signal does not stop libvirt (a
     * Ctrl-C from the terminal can kill the QEMU it probes): failing after
     * one is an interruption, not a host problem. */
    double t0 = now_ms();
    v->conn = virConnectOpen(v->uri);
    if (!v->conn) {
        const char *why = last_error();
        if (sig_stop)
            vb_errf(e, VB_EINTR, "interrupted while opening libvirt");
        else if (v->root[0] && strstr(why, "pid file"))
            vb_errf(e, VB_EHOST, "another vcbench is using the libvirt root %s; wait for it or pass another "
                    "--state-dir", v->root);
        else
            vb_errf(e, VB_EHOST, "cannot open libvirt %s: %s; run 'vcbench doctor'", v->uri, why);
        goto fail;
    }
    char *caps = virConnectGetDomainCapabilities(v->conn, NULL, "x86_64", "pc",
                                                 strcmp(cfg->accel, "kvm") ? "qemu" : "kvm", 0);
    v->connect_ms = now_ms() - t0;
    if (!caps) {
        if (sig_stop)
            vb_errf(e, VB_EINTR, "interrupted while libvirt probed QEMU");
        else
            vb_errf(e, VB_EHOST, "libvirt cannot use QEMU for x86_64 %s guests: %s; apt-get install "
                    "qemu-system-x86", cfg->accel, last_error());
        goto fail;
    }
    free(caps);
    v->lifecycle_cb = virConnectDomainEventRegisterAny(v->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                       VIR_DOMAIN_EVENT_CALLBACK(lifecycle), v, NULL);
    /* Embedded QEMU outlives a killed vcbench; libvirt re-attaches to it
     * when the root is opened again, so it can be destroyed here: an embed
     * root has one user at a time (libvirt locks it), so every guest in it
     * is a dead run's. On a shared libvirtd other runs' guests may live:
     * dead runs' are found through their ownership records (vm_sweep). */
    if (v->root[0])
        sweep(v->conn, "vcbench-");
    *state = v;
    return 0;
fail:
    vm_teardown(v);
    return -1;
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

/* Embedded QEMU daemonizes: its parent would become init, and libvirt
 * waits until the pid is gone before it calls a guest stopped. An init
 * that reaps slowly (this sandbox's takes ~1.4 s) would then count as
 * guest teardown. vcbench is a child subreaper, so QEMU is re-parented to
 * it and this thread reaps it the moment it exits. */
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

/* QEMU is gone once libvirt says the guest is off; if it has not exited
 * VM_REAP_MS later it is ours and stuck: kill it. */
static void reaper_join(struct vm_inst *vi)
{
    if (!vi->reaping)
        return;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += VM_REAP_MS / 1000;
    if (pthread_timedjoin_np(vi->reaper, NULL, &t) != 0) {
        kill(vi->qemu, SIGKILL);
        pthread_join(vi->reaper, NULL);
    }
    vi->reaping = 0;
}

/* The guest the lifecycle callback watches (name, or "" for none). */
static void watch_guest(struct vm *v, const char *name)
{
    pthread_mutex_lock(&v->mu);
    snprintf(v->cur, sizeof v->cur, "%s", name);
    v->stopped = 0;
    pthread_mutex_unlock(&v->mu);
    drain(v->off[0]);
}

static void inst_free(struct vm *v, struct vm_inst *vi)
{
    if (!vi)
        return;
    if (vi->dom) {
        virDomainDestroy(vi->dom);
        virDomainFree(vi->dom);
    }
    reaper_join(vi);
    watch_guest(v, "");
    if (vi->lfd >= 0)
        close(vi->lfd);
    if (vi->sock[0])
        unlink(vi->sock);
    free(vi);
}

/* vCPU i runs on the i-th CPU of the workload set (one CPU per vCPU, as
 * hwloc chose them; a neighbour's, its own set); the emulator thread on
 * pin.emulator. */
static void vcpu_pins(const struct run_cfg *cfg, const struct env_job *job, struct domxml *d, char cpus[][16])
{
    cpu_set_t set;
    if (pin_mask(job->cpus ? job->cpus : cfg->pin.work, &set) != 0)
        return;
    int k = 0;
    for (int c = 0; c < CPU_SETSIZE && k < d->vcpus && k < DOMXML_VCPUS_MAX; c++)
        if (CPU_ISSET(c, &set)) {
            snprintf(cpus[k], 16, "%d", c);
            d->vcpu_cpus[k] = cpus[k];
            k++;
        }
    /* A set smaller than the guest (a neighbour on a host short of cores):
     * the other vCPUs share its CPUs in turn rather than float. */
    for (int i = k; k > 0 && i < d->vcpus && i < DOMXML_VCPUS_MAX; i++)
        d->vcpu_cpus[i] = cpus[i % k];
}

/* The domain XML of one launch (malloc'd), or NULL with e. */
static char *vm_xml(struct vm *v, struct vm_inst *vi, const struct env_job *job, struct vb_err *e)
{
    const struct run_cfg *cfg = v->cfg;
    int kvm = !strcmp(cfg->accel, "kvm"), vcpus = cfg->vcpus > 0 ? cfg->vcpus : 1;
    char cmdline[DOMXML_CMDLINE_MAX], *argv[job->argc + 3], cpus[DOMXML_VCPUS_MAX][16];
    env_job_argv(job, "/wl", "/dev/vda", argv, job->argc + 3);
    if (domxml_cmdline(cmdline, sizeof cmdline, kvm, vcpus, job->disk != NULL, argv + 1) < 0) {
        vb_errf(e, VB_EUSAGE, "workload arguments do not fit the guest kernel command line "
                "(no spaces or quotes, %d bytes in all)", DOMXML_CMDLINE_MAX);
        return NULL;
    }
    struct domxml d = { .name = vi->name, .kvm = kvm, .machine = "pc", .mem_bytes = cfg->mem_bytes,
                        .vcpus = vcpus, .emulator_cpus = cfg->pin.emulator[0] ? cfg->pin.emulator : NULL,
                        .firmware = vm_firmware(), .kernel = cfg->kernel, .initrd = cfg->initrd,
                        .cmdline = cmdline, .serial_socket = vi->sock, .disk = job->disk, .dac_root = !v->root[0],
                        .emulator = cfg->emulator, .mem_nodes = pin_mem_nodes(&cfg->pin) };
    vcpu_pins(cfg, job, &d, cpus);
    char *xml = domxml_string(&d);
    if (!xml)
        vb_errf(e, VB_EFAIL, "cannot build the domain XML (vCPUs 1..%d, at least 1 MiB)", DOMXML_VCPUS_MAX);
    return xml;
}

static int vm_launch(void *state, const struct env_job *job, struct env_inst *inst, struct vb_err *e)
{
    struct vm *v = state;
    const struct run_cfg *cfg = v->cfg;
    struct vm_inst *vi = calloc(1, sizeof *vi);
    if (!vi)
        return vb_errf(e, VB_EFAIL, "out of memory");
    inst->priv = vi;           /* from here on, stop() removes what is made */
    vi->lfd = -1;
    snprintf(vi->name, sizeof vi->name, "vcbench-%s-%d", cfg->run_id, job->seq);
    snprintf(vi->sock, sizeof vi->sock, "%s/s%d.sock", cfg->run_dir, job->seq);
    char *xml = vm_xml(v, vi, job, e);
    /* Listen before the domain exists: QEMU dials while it starts. */
    if (!xml || serial_listen(vi, e) < 0) {
        free(xml);
        return -1;
    }
    watch_guest(v, vi->name);
    double t0 = now_ms();
    vi->dom = virDomainCreateXML(v->conn, xml, 0);
    double t1 = now_ms();
    free(xml);
    if (!vi->dom)
        return vb_errf(e, VB_EHOST, "libvirt cannot start the guest: %s%s", last_error(),
                       job->disk ? " (the disk file's filesystem must support O_DIRECT: cache='none')" : "");
    reaper_start(v, vi);
    int fd = serial_accept(vi, cfg->timeout_s > 0 ? cfg->timeout_s : 60, e);
    if (fd < 0)
        return -1;
    close(vi->lfd);
    vi->lfd = -1;
    unlink(vi->sock);
    vi->sock[0] = '\0';
    inst->fd = fd;
    inst->pid = vi->qemu;      /* 0 when QEMU is not ours (another URI) */
    env_inst_metric(inst, "vm_create_ms", "ms", "lower", t1 - t0);
    /* On every launch, not the first only: the runner drops the rows of
     * warm-up launches, and the first launch of a run is one. The value is
     * the run's one connection open (constant within a run). */
    env_inst_metric(inst, "vm_connect_ms", "ms", "lower", v->connect_ms);
    return 0;
}

/* libvirt keeps QEMU's log per guest name in the embed root, and every
 * guest has a new name: drop the log of a guest that ended cleanly so the
 * state dir does not grow without bound. Failed guests keep theirs (QEMU's
 * own errors are there). VCBENCH_VM_KEEP_LOGS=1 keeps all (bench/vm_boot.sh
 * reads the QEMU command line libvirt built from one). */
static void log_drop(struct vm *v, struct vm_inst *vi)
{
    const char *keep = getenv("VCBENCH_VM_KEEP_LOGS");
    if (!v->root[0] || (keep && *keep && strcmp(keep, "0") != 0))
        return;
    char path[800];
    snprintf(path, sizeof path, "%s/log/qemu/%s.log", v->root, vi->name);
    unlink(path);
}

/* 1 when libvirt no longer has the guest running (*detail = the STOPPED
 * event detail, or -1 if the event was not seen), 0 while it runs. */
static int guest_off(struct vm *v, struct vm_inst *vi, int *detail)
{
    pthread_mutex_lock(&v->mu);
    int s = v->stopped;
    pthread_mutex_unlock(&v->mu);
    *detail = s - 1;
    if (s)
        return 1;
    /* A transient guest that stopped is gone: "no domain" means off too. */
    return virDomainIsActive(vi->dom) != 1;
}

/* wl's end line is followed by sync + reboot(RB_POWER_OFF): ACPI makes
 * QEMU report the power-off and libvirt (on_poweroff=destroy) stops it
 * (~20 ms of guest, then libvirt's 200 ms exit poll). A guest that halts
 * instead (seen with other CPU models) or hangs is destroyed after
 * VM_OFF_GRACE_MS and reported as killed. vm_destroy_ms is the time from
 * here (wl's end line read) until QEMU is gone. */
static int vm_wait(void *state, struct env_inst *inst, int *status, struct vb_err *e)
{
    struct vm *v = state;
    struct vm_inst *vi = inst->priv;
    double t0 = now_ms(), end = t0 + VM_OFF_GRACE_MS;
    int detail = -1, off;
    while (!(off = guest_off(v, vi, &detail)) && !sig_stop && now_ms() < end) {
        struct pollfd p = { .fd = v->off[0], .events = POLLIN };
        /* The event wakes us; the 20 ms cap covers a missed one. */
        if (poll(&p, 1, 20) > 0)
            drain(v->off[0]);
    }
    if (!off && virDomainDestroy(vi->dom) < 0 && virDomainIsActive(vi->dom) == 1)
        return vb_errf(e, VB_EHOST, "cannot destroy guest %s: %s", vi->name, last_error());
    virDomainFree(vi->dom);
    vi->dom = NULL;
    reaper_join(vi);
    env_inst_metric(inst, "vm_destroy_ms", "ms", "lower", now_ms() - t0);
    if (sig_stop) {
        *status = -1;
        return vb_errf(e, VB_EINTR, "interrupted");
    }
    if (!off) {
        *status = -1;
        return vb_errf(e, VB_EFAIL, "guest %s did not power off within %d ms (halted or hung); destroyed it",
                       vi->name, VM_OFF_GRACE_MS);
    }
    /* Crashed (panic=-1 reboots, on_reboot=destroy) or QEMU failed: -1.
     * The runner also fails a launch whose stream had no end line. */
    *status = detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED || detail == VIR_DOMAIN_EVENT_STOPPED_FAILED ? -1 : 0;
    if (*status == 0)
        log_drop(v, vi);
    return 0;
}

static void vm_stop(void *state, struct env_inst *inst)
{
    inst_free(state, inst->priv);
    inst->priv = NULL;
    env_inst_close(inst);
}

/* Kill the QEMUs of a dead run's guests in an embed root, by the pid
 * files libvirt keeps there (<root>/run/qemu/<guest>.pid) and only when
 * /proc shows that pid running that guest. libvirt notices at the root's
 * next open and forgets them. */
static void sweep_embed(const char *prefix, const char *root)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s/run/qemu", root);
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 || n < 5 || strcmp(de->d_name + n - 4, ".pid") != 0)
            continue;
        char path[1000], cmd[4096], want[300];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "re");
        int pid = 0;
        if (f && fscanf(f, "%d", &pid) != 1)
            pid = 0;
        if (f)
            fclose(f);
        snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
        snprintf(want, sizeof want, "guest=%.*s,", (int)(n - 4), de->d_name);
        int fd = pid > 1 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
        ssize_t len = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (len <= 0)
            continue;
        for (ssize_t i = 0; i < len; i++)      /* NUL-separated arguments */
            cmd[i] = cmd[i] ? cmd[i] : ' ';
        cmd[len] = '\0';
        if (strstr(cmd, want))
            kill(pid, SIGKILL);
    }
    if (d)
        closedir(d);
}

/* What a dead run left: "qemu <prefix> <embed root>" or "guests <prefix>
 * <uri>" (a libvirtd: destroyed through it). */
static void vm_sweep(const char *kind, const char *value)
{
    char prefix[128];
    int off = 0;
    if (sscanf(value, "%127s %n", prefix, &off) != 1 || !off || strncmp(prefix, "vcbench-", 8) != 0)
        return;
    if (!strcmp(kind, "qemu")) {
        sweep_embed(prefix, value + off);
    } else if (!strcmp(kind, "guests") && lib_init(&(struct run_cfg){ 0 }, NULL) == 0) {
        virConnectPtr conn = virConnectOpen(value + off);
        if (conn) {
            sweep(conn, prefix);
            virConnectClose(conn);
        }
    }
}

/* A guest boots first (~2 s under TCG here); TCG runs work up to ~60x
 * slower than native (memory bandwidth, measured: 57x), KVM close to it. */
static void vm_budget(const struct run_cfg *cfg, struct env_budget *b)
{
    int kvm = !strcmp(cfg->accel, "kvm");
    b->start_s = kvm ? 60 : 120;
    b->slowdown = kvm ? 3 : 60;
}

const struct env_ops env_vm = {
    .name = "vm",
    .summary = "a guest through libvirt (embedded QEMU driver by default), KVM or TCG",
    .needs = ENV_NEEDS_KERNEL,
    .top = USAGE_VMM,
    .probe = vm_probe,
    .prepare = vm_prepare,
    .launch = vm_launch,
    .wait = vm_wait,
    .stop = vm_stop,
    .teardown = vm_teardown,
    .budget = vm_budget,
    .sweep = vm_sweep,
};
