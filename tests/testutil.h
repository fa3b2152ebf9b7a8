/* testutil.h - what every cmocka test includes. */
#ifndef VB_TESTUTIL_H
#define VB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Doubles within eps, with both values in the failure message. */
#define assert_near(a, b, eps)                                                                  \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (!(fabs(a_ - b_) <= (eps)))                                                          \
            fail_msg("%s = %.12g, expected %.12g (+-%g)", #a, a_, b_, (double)(eps));           \
    } while (0)

/* Skip the calling test with a reason on stdout (cmocka prints SKIPPED). */
#define SKIP_BECAUSE(...) do { printf("skip reason: " __VA_ARGS__); printf("\n"); skip(); } while (0)

/* Read a whole file into a malloc'd NUL-terminated string (NULL on error). */
static inline char *tu_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* Compare text against tests/golden/<name>; with VCB_UPDATE_GOLDEN=1 in the
 * environment, rewrite the golden file instead (then review the diff). */
static inline void tu_assert_golden(const char *name, const char *text)
{
    char path[512];
    const char *src = getenv("VCB_SRC");
    snprintf(path, sizeof path, "%s/tests/golden/%s", src ? src : ".", name);
    if (getenv("VCB_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    char *want = tu_read_file(path);
    if (!want)
        fail_msg("golden file %s missing; run with VCB_UPDATE_GOLDEN=1 and review it", path);
    if (strcmp(want, text) != 0) {
        fprintf(stderr, "--- golden %s\n%s\n--- got\n%s\n", path, want, text);
        free(want);
        fail_msg("output differs from golden file %s", name);
    }
    free(want);
}

#endif
