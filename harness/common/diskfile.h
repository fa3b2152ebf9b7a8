/* diskfile.h - the backing file of the disk workload, shared by wl (which
 * fills a file it is given when it is short) and vcbench (which makes the
 * run's one file before any environment starts, so all use the same). */
#ifndef VB_DISKFILE_H
#define VB_DISKFILE_H

#include <stdint.h>

/* Make the regular file open on fd hold `size` bytes of real, non-sparse
 * data (reads must hit allocated blocks). Block devices are left alone.
 * Returns 0, or -1 with a message in why. */
int diskfile_fill(int fd, uint64_t size, char *why, unsigned n);

#endif
