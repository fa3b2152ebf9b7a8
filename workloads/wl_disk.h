/* wl_disk.h - disk workload helpers, exposed for unit tests. */
#ifndef WL_DISK_H
#define WL_DISK_H

#include <stddef.h>
#include <stdint.h>

/* Nearest-rank percentile of sorted[0..n): the smallest value with at least
 * p% of the samples at or below it (p in (0, 100]). 0 when n == 0. */
uint64_t disk_percentile(const uint64_t *sorted, size_t n, double p);

/* Check --bs/--size for O_DIRECT against the device's logical block size.
 * Returns NULL when fine, else a message saying what to change. */
const char *disk_check_geometry(uint64_t bs, uint64_t size, unsigned lbs);

/* The bytes every written block starts with: "VCBDISK1" + little-endian
 * offset, so a test can see on the host what a guest wrote. */
void disk_stamp(uint8_t *buf, size_t bs, uint64_t offset);

#endif
