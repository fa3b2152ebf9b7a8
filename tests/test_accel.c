#include "testutil.h"
#include "env/accel.h"

static const char *intel = "processor\t: 0\nflags\t\t: fpu vme de pse vmx sse2\n";
static const char *pvm = "processor\t: 0\nflags\t\t: fpu vme de pse sse2 hypervisor\n";
static const char *amd = "flags\t: fpu svm\nflags\t: fpu svm\n";
static const char *tricky = "flags\t: fpu vmxnet sse\n";     /* vmx only as a prefix */

static void decide(void **st)
{
    (void)st;
    char why[512];
    assert_string_equal(accel_decide(1, 1, intel, "", why, sizeof why), "kvm");
    assert_string_equal(accel_decide(1, 1, amd, NULL, why, sizeof why), "kvm");
    assert_string_equal(accel_decide(0, 0, intel, "", why, sizeof why), "tcg");
    assert_non_null(strstr(why, "/dev/kvm"));
    assert_string_equal(accel_decide(1, 0, intel, "", why, sizeof why), "tcg");
    assert_string_equal(accel_decide(1, 1, pvm, "KVM", why, sizeof why), "tcg");
    assert_non_null(strstr(why, "no vmx/svm"));
    assert_non_null(strstr(why, "PVM"));
    assert_string_equal(accel_decide(1, 1, tricky, "", why, sizeof why), "tcg");
    assert_string_equal(accel_decide(1, 1, NULL, "", why, sizeof why), "tcg");
    /* KVM inside a guest says it is nested, and under what. */
    assert_string_equal(accel_decide(1, 1, amd, "TCG", why, sizeof why), "kvm");
    assert_non_null(strstr(why, "nested under TCG"));
    assert_non_null(strstr(why, "not representative"));
    assert_string_equal(accel_decide(1, 1, intel, "KVM", why, sizeof why), "kvm");
    assert_non_null(strstr(why, "nested under KVM"));
    assert_string_equal(accel_decide(1, 1, intel, "", why, sizeof why), "kvm");
    assert_null(strstr(why, "nested"));
}

static void hypervisor_of_this_host(void **st)
{
    (void)st;
    char hv[32] = "x";
    accel_hypervisor(hv, sizeof hv);
    /* Whatever this host is, the answer is printable and short. */
    for (const char *p = hv; *p; p++)
        assert_true(*p >= 0x20 && *p <= 0x7e);
    assert_true(strlen(hv) <= 12);
}

/* Deadlines stretch only on an emulated host, never shrink. */
static void host_slowdown(void **st)
{
    (void)st;
    assert_true(accel_host_slowdown("TCG") == 10);
    assert_true(accel_host_slowdown("KVM") == 1);
    assert_true(accel_host_slowdown("") == 1);
    assert_true(accel_host_slowdown(NULL) == 1);
}

static void probe_is_consistent(void **st)
{
    (void)st;
    char why[512];
    const char *a = accel_probe(why, sizeof why);
    assert_true(!strcmp(a, "kvm") || !strcmp(a, "tcg"));
    assert_true(strlen(why) > 10);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(decide), cmocka_unit_test(hypervisor_of_this_host),
                                     cmocka_unit_test(host_slowdown),
                                     cmocka_unit_test(probe_is_consistent) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
