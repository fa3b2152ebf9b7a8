#include "hostinfo.h"
#include "cg.h"

#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef VCB_COMMIT
#define VCB_COMMIT "unknown"
#endif

/* First line of a command's output, trimmed (for `--version` probes). */
static void first_line(const char *cmd, char *out, size_t n)
{
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    if (fgets(out, (int)n, p))
        out[strcspn(out, "\n")] = '\0';
    pclose(p);
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
    char line[128];
    first_line("qemu-system-x86_64 --version 2>/dev/null", line, sizeof line);
    /* "QEMU emulator version 7.2.x (Debian ...)" -> "7.2.x (Debian ...)" */
    const char *q = strstr(line, "version ");
    snprintf(h->qemu, sizeof h->qemu, "%s", q ? q + 8 : line);
    if (kernel_dir) {
        char path[600];
        snprintf(path, sizeof path, "%s/version", kernel_dir);
        file_line(path, NULL, h->guest_kernel, sizeof h->guest_kernel);
    }
    first_line("runc --version 2>/dev/null", line, sizeof line);
    q = strstr(line, "version ");
    snprintf(h->runc, sizeof h->runc, "%s", q ? q + 8 : line);
    first_line("crun --version 2>/dev/null", line, sizeof line);
    q = strstr(line, "version ");
    snprintf(h->crun, sizeof h->crun, "%s", q ? q + 8 : line);
    snprintf(h->commit, sizeof h->commit, "%s", VCB_COMMIT);
    if (wl_path && !strchr(wl_path, '\'')) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "'%s' --version 2>/dev/null", wl_path);
        first_line(cmd, h->wl_build, sizeof h->wl_build);
    }
}
