/* fsutil.h - the file-system chores several layers need: make a path,
 * read a whole file, find a program on PATH, write a file so readers never
 * see half of it, remove a tree. */
#ifndef VB_FSUTIL_H
#define VB_FSUTIL_H

#include "common/err.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* mkdir -p with mode for each missing component. 0, or -1 with errno. */
int fs_mkdir_p(const char *path, mode_t mode);

/* The whole file, NUL-terminated, in a malloc'd buffer (*len = its size
 * when len is not NULL). NULL with errno on failure. */
char *fs_slurp(const char *path, size_t *len);

/* The first line of a file, without its newline, into out ("" when the
 * file cannot be read). 0, or -1 when it cannot be read. */
int fs_read_line(const char *path, char *out, size_t n);

/* The first executable prog on $PATH (or the usual system directories
 * when PATH is unset) into out. 0, or -1 when there is none. */
int fs_which(const char *prog, char *out, size_t n);

/* Write fn's output to path through a temporary file in the same
 * directory, fsync'd and renamed over path: complete or not at all.
 * fn returns 0, or -1 when its writing failed. */
int fs_write_atomic(const char *path, int (*fn)(FILE *, const void *), const void *arg, struct vb_err *e);

/* Remove a directory tree (files, then directories; no symlinks are
 * followed). Missing parts are ignored. */
void fs_rm_tree(const char *path);

/* Bytes of the regular files in a tree (or of one file; symlinks and
 * special files count nothing, none is followed). 0 when unreadable. */
unsigned long long fs_tree_bytes(const char *path);

#endif
