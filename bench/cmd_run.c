/* vcbench run: validate everything, then build the image, probe the
 * environments, run the interleaved plan and write raw.csv. Nothing is
 * created before the command line has been checked. */
#include "cmd.h"
#include "opts.h"
#include "profile.h"
#include "../harness/accel.h"
#include "../harness/diskfile.h"
#include "../harness/env.h"
#include "../harness/image.h"
#include "../harness/json.h"
#include "../harness/hostinfo.h"
#include "../harness/chart.h"
#include "../harness/summ.h"
#include "../harness/pin.h"
#include "../harness/raw.h"
#include "../harness/runner.h"
#include "../harness/sha256.h"
#include "../harness/sig.h"
#include "../harness/units.h"
#include "../workloads/wl.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct run_opts {
    const char *envs, *workloads, *profile, *out, *accel, *libvirt_uri;
    const char *state_dir, *kernel_dir, *wl, *disk_file, *disk_size, *export_json;
    long runs, warmup, seed, mem_mib, vcpus, cpu_quota, timeout;
    struct opt_multi sets;
    int help;
};

#define O(f) offsetof(struct run_opts, f)
static const struct opt_def run_defs[] = {
    { "envs", OPT_STR, O(envs), "native,container,vm", 0, 0, NULL, "LIST",
      "environments to compare, comma separated (see 'vcbench list')" },
    { "workloads", OPT_STR, O(workloads), NULL, 0, 0, NULL, "LIST",
      "workloads to run, comma separated (default: the profile's)" },
    { "profile", OPT_STR, O(profile), "quick", 0, 0, "quick|full", "NAME",
      "work sizes, runs and warm-ups" },
    { "runs", OPT_LONG, O(runs), NULL, 1, 10000, NULL, "N",
      "measured repetitions per env and workload (default: the profile's)" },
    { "warmup", OPT_LONG, O(warmup), NULL, 0, 100, NULL, "N",
      "unrecorded warm-up runs per env and workload (default: the profile's)" },
    { "seed", OPT_LONG, O(seed), "1", 0, 2147483647, NULL, "N",
      "seed of the interleaved run order" },
    { "set", OPT_MULTI, O(sets), NULL, 0, 0, NULL, "WL.OPT=V",
      "override a workload option, e.g. --set cpu.threads=2 (repeatable)" },
    { "out", OPT_STR, O(out), NULL, 0, 0, NULL, "DIR",
      "result directory, must not hold results yet (default results/<run id>)" },
    { "mem", OPT_LONG, O(mem_mib), "1024", 64, 1048576, NULL, "MIB",
      "memory limit of the container = memory of the guest, in MiB" },
    { "vcpus", OPT_LONG, O(vcpus), "1", 1, 1024, NULL, "N",
      "CPUs given to the workload in every env (= guest vCPUs)" },
    { "cpu-quota", OPT_LONG, O(cpu_quota), "0", 0, 102400, NULL, "PCT",
      "container CPU quota in percent of one CPU; 0 = none" },
    { "accel", OPT_STR, O(accel), "auto", 0, 0, "auto|kvm|tcg", "A",
      "guest accelerator; auto = kvm only where it really works" },
    { "libvirt-uri", OPT_STR, O(libvirt_uri), "", 0, 0, NULL, "URI",
      "libvirt connection; empty = qemu:///embed?root=<state-dir>/lv (no daemon)" },
    { "state-dir", OPT_STR, O(state_dir), "/var/tmp/vcbench", 0, 0, NULL, "DIR",
      "long-lived state: libvirt embed root and capability cache, scratch" },
    { "kernel-dir", OPT_STR, O(kernel_dir), "/var/cache/vcbench/kernel", 0, 0, NULL, "DIR",
      "guest kernel cache made by scripts/fetch-kernel.sh" },
    { "disk-file", OPT_STR, O(disk_file), NULL, 0, 0, NULL, "PATH",
      "backing file of the disk workload, shared by every env (default <state-dir>/disk.img)" },
    { "disk-size", OPT_STR, O(disk_size), "256M", 0, 0, NULL, "SIZE",
      "bytes of the disk file the disk workload uses" },
    { "wl", OPT_STR, O(wl), NULL, 0, 0, NULL, "PATH",
      "the static workload binary (default: wl next to vcbench)" },
    { "timeout", OPT_LONG, O(timeout), "600", 1, 86400, NULL, "S",
      "seconds one launch may take before it is killed and recorded as timeout" },
    { "export-json", OPT_STR, O(export_json), NULL, 0, 0, NULL, "FILE",
      "also write the whole run (run.json, summary, raw rows) as one JSON file" },
    { "help", OPT_FLAG, O(help), NULL, 0, 0, NULL, NULL, "show this help" },
};
#define NDEFS (int)(sizeof run_defs / sizeof run_defs[0])

static void run_help(FILE *f)
{
    fprintf(f, "usage: vcbench run [options]\n\n"
               "Runs the same workloads natively, in containers and in guests, interleaved,\n"
               "and writes DIR/raw.csv (one row per metric per repetition), DIR/order.csv\n"
               "and DIR/run.json.\n\noptions:\n");
    opts_help(f, run_defs, NDEFS);
}

/* Options the harness gives a workload so that every env does the same
 * work: the run's shared disk, and STREAM arrays of 4x the host's
 * last-level cache as hwloc reports it (the guest's own view of its caches
 * is whatever the virtual CPU model claims) - capped so the three arrays
 * take at most 60% of the memory limit, because virtual machines often
 * report caches far larger than they have (508 MB "L3" seen on one). */
static const char *auto_args(const char *workload, uint64_t disk_size, unsigned long long llc,
                             uint64_t mem_bytes)
{
    static char buf[128];
    const struct wl_workload *w = wl_find(workload);
    buf[0] = '\0';
    if (w && w->needs_disk)
        snprintf(buf, sizeof buf, "--file @disk --size %llu", (unsigned long long)disk_size);
    else if (!strcmp(workload, "mem") && llc) {
        unsigned long long size = 4 * llc, cap = 1ull << 20;
        while (cap * 2 * 3 <= mem_bytes * 6 / 10)
            cap *= 2;
        snprintf(buf, sizeof buf, "--size %llu", size < cap ? size : cap);
    }
    return buf;
}

/* Split a comma list into items (in place). Returns the count or -1. */
static int split_list(char *s, const char **items, int max)
{
    int n = 0;
    for (char *save, *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return -1;
        items[n++] = t;
    }
    return n;
}

/* Add words of text (space separated) to a workload's argv. */
static int args_add_words(struct run_workload *w, const char *text)
{
    char *copy = strdup(text), *save;
    if (!copy)
        return -1;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char **a = realloc(w->argv, sizeof *a * (size_t)(w->argc + 2));
        if (!a || !(a[w->argc] = strdup(t))) {
            free(copy);
            if (a)
                w->argv = a;
            return -1;
        }
        w->argv = a;
        w->argc++;
        a[w->argc] = NULL;
    }
    free(copy);
    return 0;
}

static void args_free(struct run_spec *s)
{
    for (int i = 0; i < s->nwl; i++) {
        for (int k = 0; k < s->wls[i].argc; k++)
            free(s->wls[i].argv[k]);
        free(s->wls[i].argv);
    }
}

/* The directory holding this executable, to find wl beside it. */
static void self_dir(char *buf, size_t n)
{
    ssize_t r = readlink("/proc/self/exe", buf, n - 1);
    if (r <= 0) {
        snprintf(buf, n, ".");
        return;
    }
    buf[r] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
}

/* Is the output directory usable, without creating anything? */
static int out_check(const char *out, struct vb_err *e)
{
    char raw[PATH_MAX];
    snprintf(raw, sizeof raw, "%s/raw.csv", out);
    if (access(raw, F_OK) == 0)
        return vb_errf(e, VB_EUSAGE, "%s already holds results; choose a new --out directory", out);
    /* Walk up to the first existing ancestor and check we may write there. */
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s", out);
    for (;;) {
        struct stat st;
        if (stat(probe, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return vb_errf(e, VB_EUSAGE, "--out %s: %s is not a directory", out, probe);
            if (access(probe, W_OK | X_OK) != 0)
                return vb_errf(e, VB_EUSAGE, "--out %s: cannot write in %s; choose another directory",
                               out, probe);
            return 0;
        }
        char *slash = strrchr(probe, '/');
        if (!slash) {
            snprintf(probe, sizeof probe, ".");
        } else if (slash == probe) {
            probe[1] = '\0';
        } else {
            *slash = '\0';
        }
    }
}

/* Create the shared disk file once and fill it (untimed); later runs reuse
 * it. It lives in the state dir, like the libvirt capability cache. */
static int disk_prepare(const char *path, uint64_t size, struct vb_err *e)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return vb_errf(e, VB_EUSAGE, "cannot open disk file %s: %s; pass --disk-file", path, strerror(errno));
    char why[256];
    int rc = diskfile_fill(fd, size, why, sizeof why);
    close(fd);
    return rc < 0 ? vb_errf(e, VB_EHOST, "disk file %s: %s", path, why) : 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(p, mode) < 0 && errno != EEXIST ? -1 : 0;
}

static void write_meta(const char *dir, const struct run_cfg *cfg, const struct run_spec *s,
                       const char *accel_why, const char *sha, const char *profile,
                       const struct run_totals *t)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    snprintf(path, sizeof path, "%s/run.json", dir);
    snprintf(tmp, sizeof tmp, "%s/.run.json.tmp", dir);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    char host[256] = "", topo[256] = "", n[32];
    gethostname(host, sizeof host - 1);
    pin_describe(topo, sizeof topo, NULL);
    fputc('{', f);
    json_kv(f, 1, "schema", "vcbench-run-1");
    json_kv(f, 0, "run_id", cfg->run_id);
    json_kv(f, 0, "host", host);
    json_kv(f, 0, "topology", topo);
    /* What a reader needs to trust the figures: the machine and versions. */
    char kdir[PATH_MAX];
    snprintf(kdir, sizeof kdir, "%s", cfg->kernel ? cfg->kernel : "");
    char *slash = strrchr(kdir, '/');
    if (slash)
        *slash = '\0';
    struct hostinfo hi;
    hostinfo_get(&hi, kdir[0] ? kdir : NULL, cfg->wl_path);
    json_kv(f, 0, "cpu_model", hi.cpu_model);
    fprintf(f, ",\"host_mem_mib\":%lu", hi.mem_mib);
    json_kv(f, 0, "host_kernel", hi.host_kernel);
    json_kv(f, 0, "cgroup", hi.cgroup);
    json_kv(f, 0, "libvirt_version", hi.libvirt);
    json_kv(f, 0, "qemu_version", hi.qemu);
    json_kv(f, 0, "guest_kernel", hi.guest_kernel);
    json_kv(f, 0, "runc_version", hi.runc);
    json_kv(f, 0, "crun_version", hi.crun);
    json_kv(f, 0, "vcbench_commit", hi.commit);
    json_kv(f, 0, "accel", cfg->accel);
    json_kv(f, 0, "accel_reason", accel_why);
    json_kv(f, 0, "wl_sha256", sha);
    json_kv(f, 0, "wl_build", hi.wl_build);
    json_kv(f, 0, "profile", profile);
    json_kv(f, 0, "cpus_workload", cfg->pin.work);
    json_kv(f, 0, "cpus_harness", cfg->pin.harness);
    json_kv(f, 0, "cpus_emulator", cfg->pin.emulator);
    json_kv(f, 0, "pinning", cfg->pin.why);
    unsigned long long cs[4] = { 0 };
    pin_cache_sizes(cs, NULL);
    fprintf(f, ",\"cache_bytes\":{\"l1d\":%llu,\"l2\":%llu,\"l3\":%llu,\"l4\":%llu}", cs[0], cs[1], cs[2], cs[3]);
    json_kv(f, 0, "kernel", cfg->kernel);
    json_kv(f, 0, "libvirt_uri", cfg->libvirt_uri && *cfg->libvirt_uri ? cfg->libvirt_uri : "embed");
    snprintf(n, sizeof n, "%llu", (unsigned long long)(cfg->mem_bytes >> 20));
    json_kv(f, 0, "mem_mib", n);
    fprintf(f, ",\"vcpus\":%d,\"runs\":%d,\"warmup\":%d,\"seed\":%llu", cfg->vcpus, s->runs,
            s->warmup, (unsigned long long)s->seed);
    fprintf(f, ",\"workloads\":[");
    for (int i = 0; i < s->nwl; i++) {
        fprintf(f, "%s{\"name\":", i ? "," : "");
        json_str(f, s->wls[i].name);
        fprintf(f, ",\"args\":[");
        for (int k = 0; k < s->wls[i].argc; k++) {
            if (k)
                fputc(',', f);
            json_str(f, s->wls[i].argv[k]);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "],\"envs\":[");
    for (int i = 0; i < s->nenv; i++) {
        fprintf(f, "%s{\"name\":", i ? "," : "");
        json_str(f, s->envs[i]->name);
        fprintf(f, ",\"prepare_ms\":");
        json_num(f, t ? t->connect_ms[i] : 0);
        fputc('}', f);
    }
    fprintf(f, "]");
    if (t)
        fprintf(f, ",\"ok\":%d,\"failed\":%d,\"not_run\":%d", t->ok, t->failed, t->skipped_after_signal);
    fprintf(f, "}\n");
    if (fclose(f) == 0)
        rename(tmp, path);
    else
        unlink(tmp);
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = { 0 };
    struct vb_err e = { 0 };
    struct run_spec spec = { 0 };
    struct run_cfg cfg = { 0 };
    struct image img = { { 0 }, { 0 } };
    struct raw raw = { 0 };
    char run_dir[PATH_MAX] = "", out_buf[PATH_MAX], envs_buf[256], wls_buf[256];
    int rc = VB_OK;

    o.warmup = -1;             /* -1: the profile's */
    if (opts_parse(run_defs, NDEFS, argc, argv, &o, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (o.help) {
        run_help(stdout);
        return 0;
    }
    const struct profile *prof = profile_find(o.profile);
    spec.runs = o.runs ? (int)o.runs : prof->runs;
    spec.warmup = o.warmup >= 0 ? (int)o.warmup : prof->warmup;
    spec.seed = (uint64_t)o.seed;

    /* Environments. */
    const char *names[RUN_MAX_ENVS + 1];
    snprintf(envs_buf, sizeof envs_buf, "%s", o.envs);
    int n = split_list(envs_buf, names, RUN_MAX_ENVS);
    if (n <= 0)
        return cmd_fail(VB_EUSAGE, "--envs: give one or more of native,container,vm (see 'vcbench list')");
    for (int i = 0; i < n; i++) {
        const struct env_ops *env = env_find(names[i]);
        if (!env) {
            snprintf(e.msg, sizeof e.msg, "unknown environment '%s'; 'vcbench list' shows the choices", names[i]);
            return cmd_fail(VB_EUSAGE, e.msg);
        }
        for (int k = 0; k < spec.nenv; k++)
            if (spec.envs[k] == env)
                return cmd_fail(VB_EUSAGE, "--envs names an environment twice");
        spec.envs[spec.nenv++] = env;
    }

    uint64_t disk_size;
    if (units_parse_size(o.disk_size, &disk_size) < 0 || disk_size < (1 << 20))
        return cmd_fail(VB_EUSAGE, "--disk-size: give a size of at least 1M, e.g. 256M or 1G");
    unsigned long long caches[4] = { 0 }, llc = 0;
    int levels = pin_cache_sizes(caches, NULL);
    if (levels > 0)
        llc = caches[levels - 1];

    /* Workloads and their options: what the harness derives (the shared
     * disk, arrays sized from hwloc), the profile's, then --set overrides;
     * wl takes the last value of a repeated option. */
    snprintf(wls_buf, sizeof wls_buf, "%s", o.workloads ? o.workloads : prof->workloads);
    n = split_list(wls_buf, names, RUN_MAX_WLS);
    if (n <= 0)
        return cmd_fail(VB_EUSAGE, "--workloads: give one or more workloads (see 'vcbench list')");
    for (int i = 0; i < n; i++) {
        if (!wl_find(names[i])) {
            snprintf(e.msg, sizeof e.msg, "unknown workload '%s'; 'vcbench list' shows the choices", names[i]);
            return cmd_fail(VB_EUSAGE, e.msg);
        }
        spec.wls[spec.nwl].name = names[i];
        if (args_add_words(&spec.wls[spec.nwl], auto_args(names[i], disk_size, llc, (uint64_t)o.mem_mib << 20)) < 0 ||
            args_add_words(&spec.wls[spec.nwl++], profile_args(prof, names[i])) < 0)
            goto oom;
    }
    for (int i = 0; i < o.sets.n; i++) {
        const char *s = o.sets.v[i], *dot = strchr(s, '.'), *eq = strchr(s, '=');
        if (!dot || !eq || eq < dot || dot == s || eq == dot + 1) {
            snprintf(e.msg, sizeof e.msg, "--set '%s': expected WORKLOAD.OPTION=VALUE, e.g. cpu.threads=2", s);
            rc = cmd_fail(VB_EUSAGE, e.msg);
            goto out;
        }
        int w = -1;
        for (int k = 0; k < spec.nwl; k++)
            if (strlen(spec.wls[k].name) == (size_t)(dot - s) && !strncmp(spec.wls[k].name, s, (size_t)(dot - s)))
                w = k;
        if (w < 0) {
            snprintf(e.msg, sizeof e.msg, "--set '%s': workload '%.*s' is not in --workloads", s, (int)(dot - s), s);
            rc = cmd_fail(VB_EUSAGE, e.msg);
            goto out;
        }
        char word[256];
        snprintf(word, sizeof word, "--%.*s %s", (int)(eq - dot - 1), dot + 1, eq + 1);
        if (strchr(eq + 1, ' ')) {
            rc = cmd_fail(VB_EUSAGE, "--set: values cannot contain spaces");
            goto out;
        }
        if (args_add_words(&spec.wls[w], word) < 0)
            goto oom;
    }

    /* Run id and output directory, checked but not created yet. */
    char run_id[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(run_id, sizeof run_id, "%Y%m%d-%H%M%S", &tm);
    snprintf(run_id + strlen(run_id), sizeof run_id - strlen(run_id), "-%04x", (unsigned)getpid() & 0xffff);
    if (!o.out) {
        snprintf(out_buf, sizeof out_buf, "results/%s", run_id);
        o.out = out_buf;
    }
    if (out_check(o.out, &e) < 0) {
        rc = cmd_fail(e.code, e.msg);
        goto out;
    }
    if (o.export_json) {
        char jdir[PATH_MAX];
        snprintf(jdir, sizeof jdir, "%s", o.export_json);
        char *sl = strrchr(jdir, '/');
        if (sl)
            *sl = '\0';
        if (access(sl ? (jdir[0] ? jdir : "/") : ".", W_OK) != 0) {
            snprintf(e.msg, sizeof e.msg, "cannot write --export-json %s: its directory is missing or "
                     "read-only", o.export_json);
            rc = cmd_fail(VB_EUSAGE, e.msg);
            goto out;
        }
    }

    /* The workload binary and its hash (recorded in every row). */
    char wl_path[PATH_MAX], sha[65];
    if (o.wl) {
        snprintf(wl_path, sizeof wl_path, "%s", o.wl);
    } else {
        char dir[PATH_MAX - 8];
        self_dir(dir, sizeof dir);
        snprintf(wl_path, sizeof wl_path, "%s/wl", dir);
    }
    if (sha256_file(wl_path, sha) < 0) {
        snprintf(e.msg, sizeof e.msg, "cannot read the workload binary %s; run 'make' or pass --wl", wl_path);
        rc = cmd_fail(VB_EHOST, e.msg);
        goto out;
    }

    /* Accelerator, CPUs. */
    char accel_why[512];
    cfg.accel = accel_probe(accel_why, sizeof accel_why);
    if (strcmp(o.accel, "auto") != 0 && strcmp(o.accel, cfg.accel) != 0) {
        snprintf(accel_why, sizeof accel_why, "forced with --accel %s", o.accel);
        cfg.accel = o.accel;
    }
    if (pin_pick((int)o.vcpus, NULL, &cfg.pin, &e) < 0) {
        rc = cmd_fail(e.code, e.msg);
        goto out;
    }

    int need_kernel = 0;
    for (int i = 0; i < spec.nenv; i++)
        need_kernel |= spec.envs[i] == &env_vm;
    char kernel[PATH_MAX];
    snprintf(kernel, sizeof kernel, "%s/vmlinux", o.kernel_dir);

    cfg.run_id = run_id;
    cfg.wl_path = wl_path;
    cfg.state_dir = o.state_dir;
    cfg.kernel = kernel;
    cfg.libvirt_uri = o.libvirt_uri;
    cfg.mem_bytes = (uint64_t)o.mem_mib << 20;
    cfg.cpu_quota_pct = o.cpu_quota;
    cfg.vcpus = (int)o.vcpus;
    cfg.timeout_s = o.timeout;
    if (need_kernel && access(kernel, R_OK) != 0) {
        snprintf(e.msg, sizeof e.msg, "guest kernel %s missing; run 'make setup' (scripts/fetch-kernel.sh) "
                 "or pass --kernel-dir", kernel);
        rc = cmd_fail(VB_EHOST, e.msg);
        goto out;
    }

    /* From here on we create things; each has one owner below, and a
     * signal only sets a flag so that owner gets to clean up. */
    sig_install();
    if (mkdir_p(o.state_dir, 0755) < 0) {
        snprintf(e.msg, sizeof e.msg, "cannot create state dir %s: %s; pass --state-dir", o.state_dir, strerror(errno));
        rc = cmd_fail(VB_EHOST, e.msg);
        goto out;
    }
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", o.state_dir, run_id);
    if (mkdir(run_dir, 0755) < 0) {
        snprintf(e.msg, sizeof e.msg, "cannot create %s: %s", run_dir, strerror(errno));
        run_dir[0] = '\0';
        rc = cmd_fail(VB_EHOST, e.msg);
        goto out;
    }
    if (image_build(run_dir, wl_path, need_kernel ? o.kernel_dir : NULL, &img, &e) < 0) {
        rc = cmd_fail(e.code, e.msg);
        goto out;
    }
    int need_disk = 0;
    for (int i = 0; i < spec.nwl; i++)
        need_disk |= wl_find(spec.wls[i].name)->needs_disk;
    char disk_path[PATH_MAX];
    snprintf(disk_path, sizeof disk_path, "%s", o.disk_file ? o.disk_file : "");
    if (need_disk) {
        if (!o.disk_file)
            snprintf(disk_path, sizeof disk_path, "%s/disk.img", o.state_dir);
        if (disk_prepare(disk_path, disk_size, &e) < 0) {
            rc = cmd_fail(e.code, e.msg);
            goto out;
        }
        spec.disk = disk_path;
    }
    cfg.run_dir = run_dir;
    cfg.rootfs = img.rootfs;
    cfg.initrd = img.initrd;
    for (int i = 0; i < spec.nenv; i++) {
        if (spec.envs[i]->probe(&cfg, &e) < 0) {
            char msg[700];
            snprintf(msg, sizeof msg, "%s: %s", spec.envs[i]->name, e.msg);
            rc = cmd_fail(e.code ? e.code : VB_EHOST, msg);
            goto out;
        }
    }

    if (sig_stop) {
        rc = cmd_fail(VB_EINTR, "interrupted before the first launch; nothing was recorded");
        goto out;
    }
    if (mkdir_p(o.out, 0755) < 0) {
        snprintf(e.msg, sizeof e.msg, "cannot create %s: %s", o.out, strerror(errno));
        rc = cmd_fail(VB_EUSAGE, e.msg);
        goto out;
    }
    char path[PATH_MAX], host[256] = "";
    gethostname(host, sizeof host - 1);
    snprintf(path, sizeof path, "%s/raw.csv", o.out);
    struct raw_run rr = { .run_id = run_id, .host = host, .accel = cfg.accel, .cpus = cfg.pin.work,
                          .wl_sha256 = sha, .mem_mib = (unsigned long)o.mem_mib };
    if (raw_open(&raw, path, &rr, &e) < 0) {
        rc = cmd_fail(e.code, e.msg);
        goto out;
    }
    snprintf(path, sizeof path, "%s/order.csv", o.out);
    spec.order = fopen(path, "w");
    spec.cfg = &cfg;
    spec.raw = &raw;
    spec.progress = isatty(2);
    /* libvirt logs warnings on stderr by default; keep them in the state
     * dir (before anything initialises libvirt; the user's setting wins). */
    char lvlog[PATH_MAX + 32];
    snprintf(lvlog, sizeof lvlog, "3:file:%s/libvirt.log", o.state_dir);
    setenv("LIBVIRT_LOG_OUTPUTS", lvlog, 0);
    write_meta(o.out, &cfg, &spec, accel_why, sha, prof->name, NULL);

    fprintf(stderr, "vcbench: run %s -> %s\nvcbench: accelerator %s: %s\nvcbench: %s\n",
            run_id, o.out, cfg.accel, accel_why, cfg.pin.why);
    pin_apply(0, cfg.pin.harness, NULL);      /* keep the harness off the workload CPUs */

    struct run_totals tot;
    int r = runner_run(&spec, &tot, &e);
    write_meta(o.out, &cfg, &spec, accel_why, sha, prof->name, &tot);
    fprintf(stderr, "vcbench: %d ok, %d failed%s; raw rows in %s/raw.csv\n", tot.ok, tot.failed,
            tot.skipped_after_signal ? ", stopped early" : "", o.out);
    if (r < 0)
        rc = cmd_fail(e.code ? e.code : VB_EFAIL, e.msg);
    else if (tot.failed)
        rc = VB_EFAIL;
    /* Summary and charts from the file just written (never from memory);
     * an interrupted run keeps its rows and skips them. */
    raw_close(&raw);
    if (r == 0 && tot.ok > 0 && !sig_stop) {
        struct vb_err e2 = { 0 };
        if (summary_save(o.out, &e2) < 0 || chart_all(o.out, &e2) < 0 ||
            (o.export_json && summary_export_json(o.out, o.export_json, &e2) < 0)) {
            fprintf(stderr, "vcbench: %s (raw.csv is complete; retry with 'vcbench summary|plot %s')\n",
                    e2.msg, o.out);
            rc = rc ? rc : e2.code;
        } else {
            fprintf(stderr, "vcbench: summary in %s/summary.csv, charts in %s/plots/%s%s\n", o.out, o.out,
                    o.export_json ? ", JSON in " : "", o.export_json ? o.export_json : "");
        }
    }
out:
    raw_close(&raw);
    if (spec.order)
        fclose(spec.order);
    image_remove(&img);
    if (run_dir[0])
        rmdir(run_dir);
    args_free(&spec);
    return rc;
oom:
    args_free(&spec);
    return cmd_fail(VB_EFAIL, "out of memory");
}
