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
    assert_string_equal(accel_decide(1, 1, intel, why, sizeof why), "kvm");
    assert_string_equal(accel_decide(1, 1, amd, why, sizeof why), "kvm");
    assert_string_equal(accel_decide(0, 0, intel, why, sizeof why), "tcg");
    assert_non_null(strstr(why, "/dev/kvm"));
    assert_string_equal(accel_decide(1, 0, intel, why, sizeof why), "tcg");
    assert_string_equal(accel_decide(1, 1, pvm, why, sizeof why), "tcg");
    assert_non_null(strstr(why, "no vmx/svm"));
    assert_non_null(strstr(why, "PVM"));
    assert_string_equal(accel_decide(1, 1, tricky, why, sizeof why), "tcg");
    assert_string_equal(accel_decide(1, 1, NULL, why, sizeof why), "tcg");
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
    const struct CMUnitTest t[] = { cmocka_unit_test(decide), cmocka_unit_test(probe_is_consistent) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
