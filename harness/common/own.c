#include "common/own.h"
#include "common/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int lock_fd = -1, rec_fd = -1;
static char lock_path[PATH_MAX], rec_path[PATH_MAX];

int own_begin(const char *state_dir, const char *run_id, struct vb_err *e)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/runs", state_dir);
    if (fs_mkdir_p(dir, 0700) < 0)
        return vb_errf(e, VB_EHOST, "cannot create %s: %s; pass --state-dir", dir, strerror(errno));
    char tmp[PATH_MAX];
    snprintf(lock_path, sizeof lock_path, "%s/%s.lock", dir, run_id);
    snprintf(rec_path, sizeof rec_path, "%s/%s.owns", dir, run_id);
    /* Locked before it has its name: a sweeper never sees it unlocked. */
    snprintf(tmp, sizeof tmp, "%s.tmp", lock_path);
    lock_fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) < 0 || rename(tmp, lock_path) < 0) {
        int err = errno;
        unlink(tmp);
        if (lock_fd >= 0)
            close(lock_fd);
        lock_fd = -1;
        return vb_errf(e, VB_EHOST, "cannot make the run's lock %s: %s", lock_path, strerror(err));
    }
    rec_fd = open(rec_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (rec_fd < 0) {
        int err = errno;
        own_end();
        return vb_errf(e, VB_EHOST, "cannot create %s: %s", rec_path, strerror(err));
    }
    own_note("pid", "%d", (int)getpid());
    return 0;
}

void own_note(const char *kind, const char *fmt, ...)
{
    if (rec_fd < 0)
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s ", kind);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    /* Before the thing exists: a kill -9 right after must find the line. */
    if (write(rec_fd, line, (size_t)n) == n)
        fdatasync(rec_fd);
}

void own_end(void)
{
    if (rec_fd >= 0) {
        close(rec_fd);
        unlink(rec_path);
    }
    if (lock_fd >= 0) {
        unlink(lock_path);
        close(lock_fd);
    }
    rec_fd = lock_fd = -1;
}

/* Replay one dead run's record. */
static void replay(const char *rec, void (*fn)(const char *, const char *, void *), void *arg)
{
    FILE *f = fopen(rec, "re");
    if (!f)
        return;
    char line[1100];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp = '\0';
        if (strcmp(line, "pid") != 0)
            fn(line, sp + 1, arg);
    }
    fclose(f);
}

int own_sweep(const char *state_dir, void (*fn)(const char *kind, const char *value, void *arg), void *arg)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/runs", state_dir);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int swept = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".lock") != 0)
            continue;
        char lock[PATH_MAX], rec[PATH_MAX];
        snprintf(lock, sizeof lock, "%s/%s", dir, de->d_name);
        if (!strcmp(lock, lock_path))
            continue;                          /* our own */
        int fd = open(lock, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {   /* its owner is alive */
            close(fd);
            continue;
        }
        snprintf(rec, sizeof rec, "%s/%.*s.owns", dir, (int)(n - 5), de->d_name);
        replay(rec, fn, arg);
        unlink(rec);
        unlink(lock);
        close(fd);
        swept++;
    }
    closedir(d);
    return swept;
}
