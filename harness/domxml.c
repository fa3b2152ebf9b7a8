/* domxml.c - the guest, as libvirt domain XML.
 *
 * A benchmark guest carries nothing it does not need: no network, USB,
 * graphics, balloon or RNG, so the devices the workload uses (vCPUs, RAM,
 * the serial console, optionally one virtio-blk disk) are the only ones
 * QEMU emulates. Direct kernel boot: no bootloader, no disk image. */
#include "domxml.h"

#include <stdlib.h>

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

int domxml_write(FILE *f, const struct domxml *d)
{
    if (!d->name || !d->kernel || !d->initrd || !d->cmdline || !d->serial_socket || d->vcpus < 1 ||
        d->vcpus > DOMXML_VCPUS_MAX || d->mem_bytes < (1u << 20))
        return -1;
    fprintf(f, "<domain type='%s'>\n  <name>", d->kvm ? "kvm" : "qemu");
    esc(f, d->name);
    fprintf(f, "</name>\n  <memory unit='KiB'>%llu</memory>\n", (unsigned long long)(d->mem_bytes >> 10));
    fprintf(f, "  <vcpu placement='static'>%d</vcpu>\n", d->vcpus);
    /* Pinning: each vCPU thread to its own workload CPU, QEMU's emulator
     * (main loop, I/O) next to the harness, as hwloc chose. */
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
    fputs("  </cputune>\n  <os>\n", f);
    fputs("    <type arch='x86_64' machine='", f);
    esc(f, d->machine ? d->machine : "pc");
    fputs("'>hvm</type>\n", f);
    if (d->firmware) {
        fputs("    <loader type='rom'>", f);
        esc(f, d->firmware);
        fputs("</loader>\n", f);
    }
    fputs("    <kernel>", f);
    esc(f, d->kernel);
    fputs("</kernel>\n    <initrd>", f);
    esc(f, d->initrd);
    fputs("</initrd>\n    <cmdline>", f);
    esc(f, d->cmdline);
    fputs("</cmdline>\n  </os>\n", f);
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
          "  <on_crash>destroy</on_crash>\n"
          "  <devices>\n", f);
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
          "  </devices>\n"
          "</domain>\n", f);
    return ferror(f) ? -1 : 0;
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
