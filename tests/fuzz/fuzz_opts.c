/* libFuzzer: the option table parser with arguments split at NUL bytes.
 * Parsed values stay within the table's ranges and choices. */
#include "bench/opts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct o {
    const char *s, *c;
    long l;
    int flag;
    struct opt_multi m;
};

static const struct opt_def defs[] = {
    { "str", OPT_STR, offsetof(struct o, s), "x", 0, 0, NULL, "S", "a string" },
    { "choice", OPT_STR, offsetof(struct o, c), "a", 0, 0, "a|b|c", "C", "a choice" },
    { "num", OPT_LONG, offsetof(struct o, l), "5", 1, 100, NULL, "N", "a number" },
    { "flag", OPT_FLAG, offsetof(struct o, flag), NULL, 0, 0, NULL, NULL, "a flag" },
    { "set", OPT_MULTI, offsetof(struct o, m), NULL, 0, 0, NULL, "V", "repeatable" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char *buf = malloc(n + 1), *argv[64];
    if (!buf)
        return 0;
    memcpy(buf, data, n);
    buf[n] = '\0';
    int argc = 0;
    for (size_t i = 0; i <= n && argc < 64; i += strlen(buf + i) + 1)
        argv[argc++] = buf + i;
    struct o o = { 0 };
    struct vb_err e = { 0 };
    if (opts_parse(defs, 5, argc, argv, &o, &e) == 0) {
        if (o.l < 1 || o.l > 100 || !o.s || !o.c || (strcmp(o.c, "a") && strcmp(o.c, "b") && strcmp(o.c, "c")) ||
            o.m.n > OPT_MULTI_MAX)
            abort();
    } else if (e.code != VB_EUSAGE) {
        abort();
    }
    free(buf);
    return 0;
}
