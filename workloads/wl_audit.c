/* audit: what a process can see and do from inside its environment - the
 * isolation claims of a VM-versus-container comparison, observed at run
 * time rather than typed into a checklist. The harness passes what it sees
 * itself (its boot id, namespaces, pid and name, the memory limit); each
 * fact is a metric line, 1/0 for yes/no, with the text behind it (kernel
 * release, capability masks, CPU list) as params. Nothing here changes the
 * host: files are opened for writing and closed unwritten. */
#include "wl.h"
#include "common/proto.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYSFS_MAGIC_ 0x62656572

static const char *const ns_names[] = { "pid", "mnt", "net", "uts", "ipc", "user", "cgroup" };
#define NNS (sizeof ns_names / sizeof ns_names[0])

static void fact(FILE *out, const char *name, const char *dir, long v)
{
    proto_metric(out, name, "bool", dir, (double)v);
}

static void line_of(const char *path, char *buf, size_t n)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (fgets(buf, (int)n, f))
        buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* A field of /proc/self/status ("CapEff"), its value as text. */
static int status_field(const char *key, char *val, size_t n)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    size_t k = strlen(key);
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        if (!strncmp(line, key, k) && line[k] == ':') {
            char *v = line + k + 1;
            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(val, n, "%s", v);
            found = 1;
        }
    if (f)
        fclose(f);
    return found ? 0 : -1;
}

static int popcount64(unsigned long long v)
{
    int c = 0;
    for (; v; v &= v - 1)
        c++;
    return c;
}

/* Docker's default capability set (moby's oci/caps/defaults.go): what
 * users compare a container with. CHOWN 0, DAC_OVERRIDE 1, FOWNER 3,
 * FSETID 4, KILL 5, SETGID 6, SETUID 7, SETPCAP 8, NET_BIND_SERVICE 10,
 * NET_RAW 13, SYS_CHROOT 18, MKNOD 27, AUDIT_WRITE 29, SETFCAP 31. */
#define DOCKER_CAPS ((1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 6) | \
                     (1ull << 7) | (1ull << 8) | (1ull << 10) | (1ull << 13) | (1ull << 18) | (1ull << 27) | \
                     (1ull << 29) | (1ull << 31))

/* The inode of namespace name in "pid:4026531836,mnt:..." (0 if absent). */
static unsigned long long host_ns(const char *list, const char *name)
{
    size_t k = strlen(name);
    for (const char *p = list; p && *p;) {
        if (!strncmp(p, name, k) && p[k] == ':')
            return strtoull(p + k + 1, NULL, 10);
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return 0;
}

static int count_dir(const char *path, int digits_only)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && (!digits_only || (de->d_name[0] >= '0' && de->d_name[0] <= '9')))
            n++;
    closedir(d);
    return n;
}

/* Network interfaces other than lo in this network namespace. */
static int count_ifaces(void)
{
    FILE *f = fopen("/proc/net/dev", "re");
    if (!f)
        return -1;
    char line[512];
    int n = 0, i = 0;
    while (fgets(line, sizeof line, f))
        if (i++ >= 2) {
            char *s = line + strspn(line, " ");
            if (strncmp(s, "lo:", 3) != 0)
                n++;
        }
    fclose(f);
    return n;
}

static int can_open_write(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* Does /proc/kallsyms show real addresses (kptr_restrict lets this
 * process see them)? */
static int kallsyms_addrs(void)
{
    FILE *f = fopen("/proc/kallsyms", "re");
    if (!f)
        return 0;
    char line[256];
    int seen = 0;
    for (int i = 0; i < 16 && fgets(line, sizeof line, f); i++)
        if (strtoull(line, NULL, 16) != 0)
            seen = 1;
    fclose(f);
    return seen;
}

/* Allocate and touch limit + 64 MiB in a child. 1 when something stopped
 * it (killed: the OOM killer of a cgroup or of the guest's own kernel; or
 * its resident memory held under the limit, reclaimed to swap), 0 when it
 * got it all, -1 when the test could not run. */
static int mem_enforced(uint64_t limit)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* The killer's first choice, never wl itself. */
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            if (write(fd, "1000", 4) < 0) {
                /* without it the child is still the largest process */
            }
            close(fd);
        }
        uint64_t want = limit + (64ull << 20), chunk = 16ull << 20, got = 0;
        long page = sysconf(_SC_PAGESIZE);
        while (got < want) {
            char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED)
                _exit(3);
            for (uint64_t o = 0; o < chunk; o += (uint64_t)page)
                p[o] = 1;
            got += chunk;
        }
        char rss[64] = "";
        status_field("VmRSS", rss, sizeof rss);
        /* Resident under the limit: the rest was pushed to swap. */
        _exit(strtoull(rss, NULL, 10) * 1024 < limit ? 4 : 0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(st))
        return 1;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 4)
        return 1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Ask for every CPU: a cpuset (cgroup) or a VM's few vCPUs keep the
 * process where it was; a bare affinity mask does not. 1 enforced. */
static int cpus_enforced(char *list, size_t n)
{
    cpu_set_t before, all, after;
    if (sched_getaffinity(0, sizeof before, &before) < 0)
        return -1;
    list[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &before)) {
            size_t u = strlen(list);
            snprintf(list + u, n - u, "%s%d", u ? "," : "", c);
        }
    CPU_ZERO(&all);
    for (int c = 0; c < CPU_SETSIZE; c++)
        CPU_SET(c, &all);
    sched_setaffinity(0, sizeof all, &all);
    int r = sched_getaffinity(0, sizeof after, &after);
    sched_setaffinity(0, sizeof before, &before);
    if (r < 0)
        return -1;
    return CPU_EQUAL(&before, &after);
}

static int audit_run(int argc, char **argv, FILE *out)
{
    const char *boot = "", *nslist = "", *comm = "";
    long hpid = 0;
    uint64_t limit = 0;
    const struct wl_opt opts[] = {
        { "host-boot-id", WL_OPT_STR, &boot, 0, 0 },
        { "host-ns", WL_OPT_STR, &nslist, 0, 0 },
        { "host-pid", WL_OPT_LONG, &hpid, 0, 1 << 30 },
        { "host-comm", WL_OPT_STR, &comm, 0, 0 },
        { "limit", WL_OPT_SIZE, &limit, 0, 0 },
    };
    if (wl_opts_parse(argc, argv, opts, sizeof opts / sizeof opts[0], out) < 0)
        return 2;
    /* Touching the memory limit's worth of pages: a second or so natively,
     * several under emulation. */
    wl_expect(out, (double)(limit >> 20) * 0.5 + 50, 0);
    proto_emit(out, "ready", (char *)NULL);

    struct utsname u;
    if (uname(&u) == 0)
        wl_param_str(out, "kernel", u.release);
    char id[64];
    line_of("/proc/sys/kernel/random/boot_id", id, sizeof id);
    int own_kernel = *boot && *id ? strcmp(id, boot) != 0 : -1;
    if (own_kernel >= 0)
        fact(out, "own_kernel", "higher", own_kernel);

    for (size_t i = 0; i < NNS; i++) {
        char path[64], link[64] = "", name[32];
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns_names[i]);
        ssize_t k = readlink(path, link, sizeof link - 1);
        unsigned long long host = host_ns(nslist, ns_names[i]);
        if (k <= 0 || !host)
            continue;
        link[k] = '\0';
        const char *br = strchr(link, '[');
        unsigned long long mine = br ? strtoull(br + 1, NULL, 10) : 0;
        snprintf(name, sizeof name, "own_%s_ns", ns_names[i]);
        /* Another kernel's namespaces are never the host's, whatever their
         * numbers (initial namespaces have fixed inode numbers). */
        fact(out, name, "higher", own_kernel == 1 || mine != host);
    }

    char v[64];
    if (status_field("CapEff", v, sizeof v) == 0) {
        unsigned long long eff = strtoull(v, NULL, 16);
        wl_param_str(out, "cap_eff", v);
        proto_metric(out, "caps_eff", "count", "lower", popcount64(eff));
        proto_metric(out, "caps_beyond_docker", "count", "lower", popcount64(eff & ~DOCKER_CAPS));
    }
    if (status_field("CapBnd", v, sizeof v) == 0) {
        wl_param_str(out, "cap_bnd", v);
        proto_metric(out, "caps_bnd", "count", "lower", popcount64(strtoull(v, NULL, 16)));
    }
    if (status_field("NoNewPrivs", v, sizeof v) == 0)
        fact(out, "no_new_privs", "higher", atoi(v) != 0);
    if (status_field("Seccomp", v, sizeof v) == 0)
        proto_metric(out, "seccomp_mode", "mode", "higher", atoi(v));

    if (hpid > 0 && *comm) {
        char path[64], c[64];
        snprintf(path, sizeof path, "/proc/%ld/comm", hpid);
        line_of(path, c, sizeof c);
        fact(out, "host_pids_visible", "lower", own_kernel != 1 && !strcmp(c, comm));
    }
    int n = count_dir("/proc", 1);
    if (n >= 0)
        proto_metric(out, "procs_visible", "count", "lower", n);
    if ((n = count_ifaces()) >= 0)
        proto_metric(out, "net_ifaces", "count", "lower", n);
    fact(out, "proc_sys_writable", "lower", can_open_write("/proc/sys/kernel/domainname"));
    struct statfs sf;
    struct statvfs sv;
    fact(out, "sys_writable", "lower",
         statfs("/sys", &sf) == 0 && sf.f_type == SYSFS_MAGIC_ && statvfs("/sys", &sv) == 0 && !(sv.f_flag & ST_RDONLY));
    fact(out, "sysrq_writable", "lower", can_open_write("/proc/sysrq-trigger"));
    fact(out, "kallsyms_addrs", "lower", kallsyms_addrs());
    if ((n = count_dir("/dev", 0)) >= 0)
        proto_metric(out, "devices", "count", "lower", n);
    char cpus[256];
    int c = cpus_enforced(cpus, sizeof cpus);
    wl_param_str(out, "cpus", cpus);
    if (c >= 0)
        fact(out, "cpuset_enforced", "higher", c);
    if (limit) {
        int m = mem_enforced(limit);
        if (m >= 0)
            fact(out, "mem_limit_enforced", "higher", m);
    }
    return 0;
}

const struct wl_workload wl_audit = {
    .meta = &wlm_audit,
    .options = "             --host-boot-id ID     the host's boot id (own kernel or not)\n"
               "             --host-ns LIST        the host's namespaces, pid:INODE,mnt:INODE,...\n"
               "             --host-pid N          a host process that must not be visible ...\n"
               "             --host-comm NAME      ... by this name\n"
               "             --limit BYTES         the memory limit to allocate past (0 = skip)\n",
    .run = audit_run,
};
