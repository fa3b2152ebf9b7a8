/* libFuzzer: sizes and integers from command lines and workload options.
 * A parsed size formats back to a string that parses to the same value. */
#include "common/units.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return 0;
    memcpy(s, data, n);
    s[n] = '\0';
    uint64_t v, w;
    if (units_parse_size(s, &v) == 0) {
        char buf[32];
        units_format_size(v, buf, sizeof buf);
        if (units_parse_size(buf, &w) != 0 || w != v)
            abort();
    }
    long l;
    if (units_parse_long(s, -1000, 1000, &l) == 0 && (l < -1000 || l > 1000))
        abort();
    free(s);
    return 0;
}
