/* Domain XML for KVM and TCG against golden files (this host cannot run
 * KVM guests, so the KVM path is held correct here), plus escaping and
 * refusal of incomplete descriptions. VCB_UPDATE_GOLDEN=1 rewrites them. */
#include "testutil.h"
#include "env/domxml.h"

static struct domxml base(void)
{
    struct domxml d = {
        .name = "vcbench-20261125-010203-abcd-7", .machine = "pc", .mem_bytes = 1024ull << 20, .vcpus = 2,
        .vcpu_cpus = { "2", "3" }, .emulator_cpus = "1", .firmware = "/usr/share/qemu/qboot.rom",
        .kernel = "/var/cache/vcbench/kernel/vmlinux", .initrd = "/var/tmp/vcbench/run-x/initrd.cpio",
        .cmdline = "console=ttyS0 quiet rdinit=/wl -- init cpu --threads 0",
        .serial_socket = "/var/tmp/vcbench/run-x/s7.sock",
    };
    return d;
}

static void kvm_guest(void **st)
{
    (void)st;
    struct domxml d = base();
    d.kvm = 1;
    char *x = domxml_string(&d);
    assert_non_null(x);
    tu_assert_golden("domain-kvm.xml", x);
    assert_non_null(strstr(x, "<domain type='kvm'>"));
    assert_non_null(strstr(x, "host-passthrough"));
    assert_non_null(strstr(x, "<vcpupin vcpu='1' cpuset='3'/>"));
    assert_non_null(strstr(x, "<emulatorpin cpuset='1'/>"));
    assert_non_null(strstr(x, "<memory unit='KiB'>1048576</memory>"));
    free(x);
}

static void tcg_guest_with_disk(void **st)
{
    (void)st;
    struct domxml d = base();
    d.kvm = 0;
    d.vcpus = 1;
    d.disk = "/var/tmp/vcbench/disk.img";
    d.cmdline = "console=ttyS0 quiet rdinit=/wl -- init --modules disk --file /dev/vda";
    char *x = domxml_string(&d);
    assert_non_null(x);
    tu_assert_golden("domain-tcg-disk.xml", x);
    assert_non_null(strstr(x, "<domain type='qemu'>"));
    assert_null(strstr(x, "host-passthrough"));
    assert_null(strstr(x, "vcpu='1'"));
    assert_non_null(strstr(x, "cache='none' io='native'"));
    assert_non_null(strstr(x, "<target dev='vda' bus='virtio'/>"));
    free(x);
}

/* On a NUMA host the guest's memory is bound to the workload's node. */
static void numa_bound_memory(void **st)
{
    (void)st;
    struct domxml d = base();
    char *x = domxml_string(&d);
    assert_null(strstr(x, "numatune"));
    free(x);
    d.mem_nodes = "1";
    x = domxml_string(&d);
    assert_non_null(strstr(x, "  <numatune>\n    <memory mode='strict' nodeset='1'/>\n  </numatune>\n"));
    free(x);
}

static void seabios_no_pinning(void **st)
{
    (void)st;
    struct domxml d = base();
    d.firmware = NULL;
    d.emulator_cpus = NULL;
    d.vcpus = 1;
    d.vcpu_cpus[0] = NULL;
    char *x = domxml_string(&d);
    assert_non_null(x);
    tu_assert_golden("domain-tcg-minimal.xml", x);
    assert_null(strstr(x, "<loader"));
    assert_null(strstr(x, "pin"));
    free(x);
}

/* A system libvirtd gets QEMU as root with no relabelling (the embedded
 * driver has no DAC driver at all, so no seclabel there). */
static void system_libvirtd_runs_as_root(void **st)
{
    (void)st;
    struct domxml d = base();
    char *x = domxml_string(&d);
    assert_null(strstr(x, "<seclabel"));
    free(x);
    d.dac_root = 1;
    x = domxml_string(&d);
    assert_non_null(strstr(x, "<seclabel type='static' model='dac' relabel='no'>\n    <label>+0:+0</label>"));
    free(x);
}

static void escaping(void **st)
{
    (void)st;
    struct domxml d = base();
    d.kernel = "/k/<a&b>'\"";
    d.cmdline = "x=1 -- init cpu --kernel int&fp";
    char *x = domxml_string(&d);
    assert_non_null(x);
    assert_non_null(strstr(x, "<kernel>/k/&lt;a&amp;b&gt;&apos;&quot;</kernel>"));
    assert_non_null(strstr(x, "int&amp;fp"));
    assert_null(strstr(x, "<a&b>"));
    free(x);
    /* An A/B arm's own QEMU binary. */
    d = base();
    d.emulator = "/opt/qemu-8/bin/qemu-system-x86_64";
    x = domxml_string(&d);
    assert_non_null(strstr(x, "  <devices>\n    <emulator>/opt/qemu-8/bin/qemu-system-x86_64</emulator>\n"));
    free(x);
}

static void incomplete_refused(void **st)
{
    (void)st;
    struct domxml d = base();
    d.kernel = NULL;
    assert_null(domxml_string(&d));
    d = base();
    d.vcpus = 0;
    assert_null(domxml_string(&d));
    d = base();
    d.mem_bytes = 4096;
    assert_null(domxml_string(&d));
    d = base();
    d.serial_socket = NULL;
    assert_null(domxml_string(&d));
    /* Control bytes cannot be carried by XML: refused, not passed on. */
    d = base();
    d.kernel = "/boot/vm\x01linux";
    assert_null(domxml_string(&d));
    d = base();
    d.disk = "/tmp/a\nb.img";
    assert_null(domxml_string(&d));
}

/* The kernel command line: wl's arguments after "--", the disk as
 * /dev/vda with its modules, and the TCG-only boot options only where
 * they are safe (one vCPU, not KVM). */
static void kernel_cmdline(void **st)
{
    (void)st;
    char out[DOMXML_CMDLINE_MAX];
    char *cpu[] = { "cpu", "--threads", "0", NULL };
    assert_int_equal(domxml_cmdline(out, sizeof out, 0, 1, 0, cpu), 0);
    assert_non_null(strstr(out, "rdinit=/wl "));
    assert_non_null(strstr(out, " nolapic_timer -- init cpu --threads 0"));
    assert_int_equal(strlen(strstr(out, " -- ")), strlen(" -- init cpu --threads 0"));
    assert_int_equal(domxml_cmdline(out, sizeof out, 1, 1, 0, cpu), 0);     /* KVM */
    assert_null(strstr(out, "nolapic_timer"));
    assert_int_equal(domxml_cmdline(out, sizeof out, 0, 2, 0, cpu), 0);     /* 2 vCPUs */
    assert_null(strstr(out, "nolapic_timer"));

    char *disk[] = { "disk", "--file", "/dev/vda", "--bs", "4K", NULL };
    assert_int_equal(domxml_cmdline(out, sizeof out, 0, 1, 1, disk), 0);
    assert_non_null(strstr(out, " -- init --modules disk --file /dev/vda --bs 4K"));

    char *bad[] = { "disk", "--file", "a b", NULL }, *quote[] = { "disk", "x\"y", NULL };
    char *empty[] = { "disk", "", NULL };
    assert_int_equal(domxml_cmdline(out, sizeof out, 0, 1, 0, bad), -1);
    assert_int_equal(domxml_cmdline(out, sizeof out, 0, 1, 0, quote), -1);
    assert_int_equal(domxml_cmdline(out, sizeof out, 0, 1, 0, empty), -1);
    char small[64];
    assert_int_equal(domxml_cmdline(small, sizeof small, 0, 1, 0, cpu), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(kvm_guest), cmocka_unit_test(numa_bound_memory),
        cmocka_unit_test(tcg_guest_with_disk), cmocka_unit_test(seabios_no_pinning),
        cmocka_unit_test(system_libvirtd_runs_as_root), cmocka_unit_test(escaping), cmocka_unit_test(incomplete_refused),
        cmocka_unit_test(kernel_cmdline),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
