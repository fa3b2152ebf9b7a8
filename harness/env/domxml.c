/* domxml.c - the guest, as libvirt domain XML.
 *
 * A benchmark guest carries nothing it does not need: no network, USB,
 * graphics, balloon or RNG, so the devices the workload uses (vCPUs, RAM,
 * the serial console, optionally one virtio-blk disk) are the only ones
 * QEMU emulates. Direct kernel boot: no bootloader, no disk image. */
#include "env/domxml.h"

#include <stdlib.h>
#include <string.h>

/* Paths and the command line come from the user: escape them. */
static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* XML 1.0 cannot carry most control bytes, escaped or not: a string with
 * one (a path from the command line, say) is refused, never passed on. */
static int has_ctl(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20)
            return 1;
    return 0;
}

/* <tag>text</tag> with text escaped, on its own indented line. */
static void elem(FILE *f, const char *indent, const char *tag, const char *text)
{
    fprintf(f, "%s<%s>", indent, tag);
    esc(f, text);
    fprintf(f, "</%s>\n", tag);
}

/* Pinning: each vCPU thread to its own workload CPU, QEMU's emulator
 * (main loop, I/O) next to the harness, as hwloc chose. */
static void cputune(FILE *f, const struct domxml *d)
{
    fputs("  <cputune>\n", f);
    for (int i = 0; i < d->vcpus; i++) {
        if (!d->vcpu_cpus[i])
            continue;
        fprintf(f, "    <vcpupin vcpu='%d' cpuset='", i);
        esc(f, d->vcpu_cpus[i]);
        fputs("'/>\n", f);
    }
    if (d->emulator_cpus) {
        fputs("    <emulatorpin cpuset='", f);
        esc(f, d->emulator_cpus);
        fputs("'/>\n", f);
    }
    fputs("  </cputune>\n", f);
}

/* Direct kernel boot, with qboot as firmware when given. */
static void os(FILE *f, const struct domxml *d)
{
    fputs("  <os>\n    <type arch='x86_64' machine='", f);
    esc(f, d->machine ? d->machine : "pc");
    fputs("'>hvm</type>\n", f);
    if (d->firmware) {
        fputs("    <loader type='rom'>", f);
        esc(f, d->firmware);
        fputs("</loader>\n", f);
    }
    elem(f, "    ", "kernel", d->kernel);
    elem(f, "    ", "initrd", d->initrd);
    elem(f, "    ", "cmdline", d->cmdline);
    fputs("  </os>\n", f);
}

static void devices(FILE *f, const struct domxml *d)
{
    fputs("  <devices>\n", f);
    if (d->emulator)
        elem(f, "    ", "emulator", d->emulator);
    if (d->disk) {
        /* The host file itself, uncached and with native AIO: the I/O path
         * is what the disk workload compares. */
        fputs("    <disk type='file' device='disk'>\n"
              "      <driver name='qemu' type='raw' cache='none' io='native'/>\n"
              "      <source file='", f);
        esc(f, d->disk);
        fputs("'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n", f);
    }
    /* mode='connect': QEMU dials the harness, which listens before the
     * domain is created, so not a byte of early console output is lost. */
    fputs("    <serial type='unix'>\n      <source mode='connect' path='", f);
    esc(f, d->serial_socket);
    fputs("'/>\n      <target port='0'/>\n    </serial>\n", f);
    fputs("    <controller type='usb' model='none'/>\n"
          "    <memballoon model='none'/>\n"
          "  </devices>\n", f);
}

int domxml_write(FILE *f, const struct domxml *d)
{
    if (!d->name || !d->kernel || !d->initrd || !d->cmdline || !d->serial_socket || d->vcpus < 1 ||
        d->vcpus > DOMXML_VCPUS_MAX || d->mem_bytes < (1u << 20))
        return -1;
    const char *text[] = { d->name, d->machine, d->emulator_cpus, d->firmware, d->kernel, d->initrd, d->cmdline,
                           d->serial_socket, d->disk, d->emulator, d->mem_nodes };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (has_ctl(text[i]))
            return -1;
    for (int i = 0; i < d->vcpus; i++)
        if (has_ctl(d->vcpu_cpus[i]))
            return -1;
    fprintf(f, "<domain type='%s'>\n", d->kvm ? "kvm" : "qemu");
    elem(f, "  ", "name", d->name);
    fprintf(f, "  <memory unit='KiB'>%llu</memory>\n", (unsigned long long)(d->mem_bytes >> 10));
    fprintf(f, "  <vcpu placement='static'>%d</vcpu>\n", d->vcpus);
    cputune(f, d);
    if (d->mem_nodes) {
        /* The guest's RAM on the workload CPUs' node, as the container's. */
        fputs("  <numatune>\n    <memory mode='strict' nodeset='", f);
        esc(f, d->mem_nodes);
        fputs("'/>\n  </numatune>\n", f);
    }
    os(f, d);
    /* ACPI: the guest powers itself off when wl is done. */
    fputs("  <features>\n    <acpi/>\n  </features>\n", f);
    /* KVM: the host CPU as is (what users compare against native). TCG:
     * QEMU's default model; 'max' emulates more and boots slower. */
    if (d->kvm)
        fputs("  <cpu mode='host-passthrough' check='none' migratable='off'/>\n", f);
    /* A system libvirtd would chown the kernel, initramfs and disk file to
     * its QEMU user for each guest and back afterwards; the files are
     * shared by every guest of a run and that bookkeeping (xattrs) breaks
     * when a guest powers itself off. Run QEMU as root, as the embedded
     * driver does, and leave the files alone. */
    if (d->dac_root)
        fputs("  <seclabel type='static' model='dac' relabel='no'>\n"
              "    <label>+0:+0</label>\n"
              "  </seclabel>\n", f);
    fputs("  <clock offset='utc'/>\n"
          "  <on_poweroff>destroy</on_poweroff>\n"
          "  <on_reboot>destroy</on_reboot>\n"
          "  <on_crash>destroy</on_crash>\n", f);
    devices(f, d);
    fputs("</domain>\n", f);
    return ferror(f) ? -1 : 0;
}

/* The guest kernel command line (measured under TCG on the development
 * host, plain QEMU, pc + qboot, 1 GiB, 5 interleaved boots per variant,
 * launch -> `vcb1 ready` p50; see README "The guest" and bench/vm_boot.sh):
 *
 *   quiet loglevel=0         printing to an emulated UART costs ~0.1 ms/char
 *   tsc=reliable no_timer_check, random.trust_cpu=on
 *                            no clocksource watchdog/timer checks, no wait
 *                            for entropy
 *   i8042.noaux/nomux/nopnp/dumbkbd   no PS/2 probing (the guest has none)
 *   cryptomgr.notests        -390 ms: the boot-time self-tests of every
 *                            built-in crypto algorithm (late_initcall)
 *   ipv6.disable=1           -190 ms: the guest has no network at all
 *   initcall_blacklist=...   -190 ms together: kprobes and kprobe events
 *                            (unused), the KDF self-test, the built-in X.509
 *                            key list (only module signature checks use it:
 *                            Debian does not enforce them, our modules still
 *                            load, the kernel notes "tainted")
 *   rodata=off               -125 ms: skips making kernel text read-only and
 *                            the W+X page-table walk (CONFIG_DEBUG_WX);
 *                            protection only, no effect on user code
 *   the options above together: ready 1970 -> 1455 ms, guest uptime at
 *                            init 1705 -> 1073 ms.
 *   nolapic_timer            -224 ms (TCG, one vCPU only; 8 interleaved
 *                            boots each, guest uptime at init 1259 -> 1035):
 *                            TCG has no TSC-deadline timer, so the kernel
 *                            spends ~0.1 s of guest time calibrating the
 *                            local APIC timer; without it the one CPU ticks
 *                            from the (equally emulated) HPET. Not with
 *                            several vCPUs (their ticks would become
 *                            broadcast IPIs) and not on KVM (TSC-deadline:
 *                            no calibration, and an in-kernel LAPIC). The
 *                            workload does not notice: cpu in the guest,
 *                            15 runs each, int_time 0.176 vs 0.178 s,
 *                            fp_time 0.367 vs 0.371 s (with vs without).
 *
 * Tried and not kept: pci=lastbus=0 (no gain on 'pc'; on q35 it hides
 * devices behind pcie-root-ports), mitigations=off (no gain at boot, and it
 * would change what the workload measures), acpi=off (-170 ms, but the
 * guest then cannot power off and halts instead), blacklisting
 * cubictcp_register (its 40 ms are vmlinux BTF parsing, which the next
 * kfunc user then pays), -cpu max (slower: more alternatives to patch),
 * ACPI PCI hotplug off for the root bus and bridges (`<target
 * hotplug='off'/>` on pci-root; 1165-1182 ms guest uptime at init against
 * 1165 ms without, 12 interleaved boots each: no gain).
 * Machine and firmware (same protocol, shuffled order): pc 1537 ms vs q35
 * 1550 ms (equal within noise; pc puts virtio-blk on bus 0, no root ports),
 * qboot 1537 ms vs SeaBIOS 1714 ms; microvm is refused by libvirt 9.0 ("No
 * PCI buses available").
 * Everything after "--" is wl's: the kernel passes it to init. */
#define CMDLINE_BASE "console=ttyS0 quiet loglevel=0 panic=-1 rdinit=/wl tsc=reliable no_timer_check " \
                     "i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd random.trust_cpu=on " \
                     "cryptomgr.notests ipv6.disable=1 rodata=off initcall_blacklist=init_kprobes," \
                     "init_kprobe_trace,crypto_kdf108_init,load_system_certificate_list"

int domxml_cmdline(char *out, size_t n, int kvm, int vcpus, int modules, char *const argv[])
{
    size_t len = (size_t)snprintf(out, n, "%s%s -- init%s", CMDLINE_BASE, !kvm && vcpus == 1 ? " nolapic_timer" : "",
                                  modules ? " --modules" : "");
    for (int i = 0; argv[i] && len < n; i++) {
        if (strpbrk(argv[i], " \t\n\"") || !*argv[i])
            return -1;
        len += (size_t)snprintf(out + len, n - len, " %s", argv[i]);
    }
    return len < n ? 0 : -1;
}

char *domxml_string(const struct domxml *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    int r = domxml_write(f, d);
    if (fclose(f) != 0 || r < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
