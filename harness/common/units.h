/* units.h - parsing of sizes and counts given on command lines. */
#ifndef VB_UNITS_H
#define VB_UNITS_H

#include <stdint.h>

/* Parse "4096", "4K", "64M", "1G" (binary multiples, suffix case-insensitive,
 * optional trailing 'B' or "iB"). Returns 0, or -1 for an empty string,
 * garbage, a negative number or overflow. */
int units_parse_size(const char *s, uint64_t *out);

/* Parse a decimal integer in [min, max]. Returns 0 or -1. */
int units_parse_long(const char *s, long min, long max, long *out);

/* Format bytes as the shortest exact K/M/G string ("64M", "1536K", "100"). */
void units_format_size(uint64_t v, char *buf, unsigned n);

#endif
