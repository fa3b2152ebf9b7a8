/* sha256.h - SHA-256 (FIPS 180-4), to record which wl file produced a row. */
#ifndef VB_SHA256_H
#define VB_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_hex(struct sha256 *s, char out[65]);   /* finishes s */

/* Hash a whole file into out (64 hex digits + NUL). 0 or -1. */
int sha256_file(const char *path, char out[65]);

#endif
