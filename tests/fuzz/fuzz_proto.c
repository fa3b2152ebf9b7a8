/* libFuzzer: the vcb1 line parser, fed whatever a guest console or a
 * broken wl could print. Parsed values must decode within their bounds. */
#include "common/proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char *line = malloc(n + 1);
    if (!line)
        return 0;
    memcpy(line, data, n);
    line[n] = '\0';
    struct proto_line pl;
    if (proto_parse(line, &pl) == 1) {
        if (pl.nfield > PROTO_MAX_FIELDS || strlen(pl.kind) >= sizeof pl.kind)
            abort();
        for (int i = 0; i < pl.nfield; i++)
            if (strlen(pl.f[i].key) >= PROTO_KEY_MAX || strlen(pl.f[i].val) >= PROTO_VAL_MAX ||
                proto_get(&pl, pl.f[i].key) == NULL)
                abort();
    }
    free(line);
    return 0;
}
