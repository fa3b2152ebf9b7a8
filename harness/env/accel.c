#include "env/accel.h"

#include <cpuid.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Does a "flags" line of cpuinfo contain the word w? */
static int has_flag(const char *cpuinfo, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = cpuinfo; (p = strstr(p, "flags")); p++) {
        const char *eol = strchr(p, '\n');
        const char *colon = strchr(p, ':');
        if (!colon || (eol && colon > eol))
            continue;
        for (const char *q = colon + 1; q && (!eol || q < eol); ) {
            while (*q == ' ' || *q == '\t')
                q++;
            size_t len = strcspn(q, " \t\n");
            if (len == wl && strncmp(q, w, wl) == 0)
                return 1;
            if (!len)
                break;
            q += len;
        }
    }
    return 0;
}

const char *accel_decide(int dev_ok, int create_ok, const char *cpuinfo, const char *hypervisor, char *why,
                         unsigned n)
{
    int hw = cpuinfo && (has_flag(cpuinfo, "vmx") || has_flag(cpuinfo, "svm"));
    if (!dev_ok) {
        snprintf(why, n, "no usable /dev/kvm (load kvm_intel or kvm_amd); guests use TCG software emulation");
        return "tcg";
    }
    if (!create_ok) {
        snprintf(why, n, "/dev/kvm opens but KVM_CREATE_VM fails; guests use TCG software emulation");
        return "tcg";
    }
    if (!hw) {
        snprintf(why, n, "/dev/kvm works but the CPU shows no vmx/svm: this is a nested or paravirtual "
                         "KVM (e.g. PVM) that cannot run an ordinary guest kernel, so guests use TCG "
                         "software emulation; --accel kvm forces KVM");
        return "tcg";
    }
    if (hypervisor && !strcmp(hypervisor, "TCG"))
        snprintf(why, n, "/dev/kvm works and the CPU has hardware virtualization, but this host is itself a TCG "
                         "guest: KVM nested under TCG - right for testing the KVM path, not representative of "
                         "KVM's speed");
    else if (hypervisor && *hypervisor)
        snprintf(why, n, "/dev/kvm works and the CPU has hardware virtualization; this host is itself a guest of "
                         "%s: KVM nested under %s, guests pay for two levels of virtualization", hypervisor,
                 hypervisor);
    else
        snprintf(why, n, "/dev/kvm works and the CPU has hardware virtualization");
    return "kvm";
}

static char *read_cpuinfo(void)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    while (s) {
        size_t r = fread(s + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0)
            break;
        if (len + 1 == cap) {
            char *t = realloc(s, cap * 2);
            if (!t) {
                free(s);
                s = NULL;
                break;
            }
            s = t;
            cap *= 2;
        }
    }
    if (s)
        s[len] = '\0';
    fclose(f);
    return s;
}

void accel_hypervisor(char *out, unsigned n)
{
    snprintf(out, n, "%s", "");
    unsigned a, b, c, d;
    /* CPUID.1:ECX bit 31: running under a hypervisor. */
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
        return;
    __cpuid(0x40000000, a, b, c, d);
    char sig[13];
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = '\0';
    static const struct { const char *sig, *name; } known[] = {
        { "TCGTCGTCGTCG", "TCG" }, { "KVMKVMKVM", "KVM" }, { "Microsoft Hv", "Hyper-V" },
        { "VMwareVMware", "VMware" }, { "XenVMMXenVMM", "Xen" }, { "VBoxVBoxVBox", "VirtualBox" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(sig, known[i].sig)) {
            snprintf(out, n, "%s", known[i].name);
            return;
        }
    /* Unknown: its signature, printable characters only. */
    for (int i = 0; i < 12; i++)
        if (sig[i] && (sig[i] < 0x20 || sig[i] > 0x7e))
            sig[i] = '?';
    snprintf(out, n, "%s", *sig ? sig : "unknown");
}

double accel_host_slowdown(const char *hypervisor)
{
    /* Measured here: TCG runs wl's kernels 2.5x (integer) to 57x (memory
     * bandwidth) slower than the host; 10 keeps a nested TCG guest's
     * launches inside their deadlines without waiting minutes on a hang. */
    return hypervisor && !strcmp(hypervisor, "TCG") ? 10 : 1;
}

const char *accel_probe(char *why, unsigned n)
{
    int dev_ok = 0, create_ok = 0;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        dev_ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
        int vm = dev_ok ? ioctl(fd, KVM_CREATE_VM, 0) : -1;
        if (vm >= 0) {
            create_ok = 1;
            close(vm);
        }
        close(fd);
    }
    char *ci = read_cpuinfo(), hv[32];
    accel_hypervisor(hv, sizeof hv);
    const char *a = accel_decide(dev_ok, create_ok, ci, hv, why, n);
    free(ci);
    return a;
}
