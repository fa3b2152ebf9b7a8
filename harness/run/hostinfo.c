#include "common/pmu.h"
#include "run/hostinfo.h"
#include "env/cg.h"
#include "common/fsutil.h"
#include "common/spawn.h"

#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef VCB_COMMIT
#define VCB_COMMIT "unknown"
#endif

/* The version a program prints with --version: the text after "version "
 * on its first line ("QEMU emulator version 7.2.x (Debian ...)" ->
 * "7.2.x (Debian ...)"), or "" when it is not installed. */
static void version_of(const char *prog, char *out, size_t n)
{
    char path[512], line[256];
    out[0] = '\0';
    char *argv[] = { path, "--version", NULL };
    if (fs_which(prog, path, sizeof path) < 0 || proc_first_line(argv, line, sizeof line) < 0)
        return;
    const char *v = strstr(line, "version ");
    snprintf(out, n, "%s", v ? v + 8 : line);
}

static void file_line(const char *path, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[512];
    size_t klen = key ? strlen(key) : 0;
    while (fgets(line, sizeof line, f)) {
        if (key && strncmp(line, key, klen) != 0)
            continue;
        char *v = key ? strchr(line, ':') : line;
        if (!v)
            continue;
        v += key ? 1 : 0;
        v += strspn(v, " \t");
        v[strcspn(v, "\n")] = '\0';
        snprintf(out, n, "%s", v);
        break;
    }
    fclose(f);
}

void hostinfo_get(struct hostinfo *h, const char *kernel_dir, const char *wl_path)
{
    memset(h, 0, sizeof *h);
    file_line("/proc/cpuinfo", "model name", h->cpu_model, sizeof h->cpu_model);
    char mem[64];
    file_line("/proc/meminfo", "MemTotal", mem, sizeof mem);
    h->mem_mib = strtoul(mem, NULL, 10) / 1024;
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(h->host_kernel, sizeof h->host_kernel, "%s", u.release);
    enum cg_version v;
    if (cg_detect(&v, NULL) == 0)
        snprintf(h->cgroup, sizeof h->cgroup, "v%d", (int)v);
    unsigned long lv = 0;
    if (virGetVersion(&lv, NULL, NULL) == 0)
        snprintf(h->libvirt, sizeof h->libvirt, "%lu.%lu.%lu", lv / 1000000, lv / 1000 % 1000, lv % 1000);
    version_of("qemu-system-x86_64", h->qemu, sizeof h->qemu);
    if (kernel_dir) {
        char path[600];
        snprintf(path, sizeof path, "%s/version", kernel_dir);
        file_line(path, NULL, h->guest_kernel, sizeof h->guest_kernel);
    }
    version_of("runc", h->runc, sizeof h->runc);
    version_of("crun", h->crun, sizeof h->crun);
    snprintf(h->commit, sizeof h->commit, "%s", VCB_COMMIT);
    char why[128];
    pmu_probe(why, sizeof why);
    snprintf(h->pmu, sizeof h->pmu, "%s%s", *why ? "not available: " : "instructions and cycles (perf_event_open)",
             why);
    /* Both change what an instance's memory costs: THP how much a touched
     * page brings in, KSM whether guests' equal pages are merged. */
    char thp[64], defrag[64];
    file_line("/sys/kernel/mm/transparent_hugepage/enabled", NULL, thp, sizeof thp);
    file_line("/sys/kernel/mm/transparent_hugepage/defrag", NULL, defrag, sizeof defrag);
    const char *a = strchr(thp, '['), *b = a ? strchr(a, ']') : NULL;
    const char *c = strchr(defrag, '['), *d = c ? strchr(c, ']') : NULL;
    if (a && b)
        snprintf(h->thp, sizeof h->thp, "%.*s (defrag %.*s)", (int)(b - a - 1), a + 1, c && d ? (int)(d - c - 1) : 1,
                 c && d ? c + 1 : "?");
    char run[16], shared[32];
    file_line("/sys/kernel/mm/ksm/run", NULL, run, sizeof run);
    file_line("/sys/kernel/mm/ksm/pages_shared", NULL, shared, sizeof shared);
    if (!strcmp(run, "1"))
        snprintf(h->ksm, sizeof h->ksm, "on, %s pages shared", shared);
    else if (*run)
        snprintf(h->ksm, sizeof h->ksm, "off");
    if (wl_path) {
        char *argv[] = { (char *)wl_path, "--version", NULL };
        proc_first_line(argv, h->wl_build, sizeof h->wl_build);
    }
}

const char *hostinfo_commit(void)
{
    return VCB_COMMIT;
}
