#include "testutil.h"
#include "common/sha256.h"

static void hex_of(const char *s, size_t n, char out[65])
{
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, s, n);
    sha256_hex(&h, out);
}

static void vectors(void **st)
{
    (void)st;
    char out[65];
    hex_of("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), out);
    assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void million_a_in_pieces(void **st)
{
    (void)st;
    struct sha256 h;
    sha256_init(&h);
    char a[1000];
    memset(a, 'a', sizeof a);
    for (int i = 0; i < 1000; i++)
        sha256_update(&h, a, sizeof a);
    char out[65];
    sha256_hex(&h, out);
    assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(vectors), cmocka_unit_test(million_a_in_pieces) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
