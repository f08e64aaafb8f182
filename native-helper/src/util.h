/* Small helpers shared by the jrunc-init modes: error reporting over the sync socket and file I/O. */
#ifndef JRUNC_UTIL_H
#define JRUNC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sync.h"

/*
 * The sync socket to Java, or -1 once it is closed. While it is open, die() reports `error <text>` on it;
 * afterwards the text goes to stderr.
 */
extern int g_sync_fd;

/*
 * The init the helper has cloned and not yet announced ("pid N"), or 0. A failure then (id maps, rlimits)
 * kills it and announces it before the error, so that Java, whose child it is (CLONE_PARENT), reaps it.
 */
extern pid_t g_unannounced_init;

/* strerror(e) with a lower-case first letter, as Go (and so runc) spells errors: "no such file or directory". */
const char *errstr(int e);

/* Reports the failure (see g_sync_fd) and exits 1. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

/* die() with ": <errstr(e)>" appended. */
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(int e, const char *fmt, ...);

/* Sends one packet on g_sync_fd; returns 0 or -errno. */
int sync_send(const char *data, size_t len);

/*
 * One message from Java on the sync socket (docs/plan-format.md, "Transport"): a single packet of at most
 * SYNC_MSG_CHUNK bytes, or a header packet SYNC_CHUNK_MAGIC + u32 big-endian total followed by packets of at most
 * SYNC_MSG_CHUNK bytes until the total (at most max bytes). Returns a malloc'd buffer with a NUL after the
 * message (not counted in *len). EOF before anything arrived: exit(1) quietly (Java went away); any other
 * failure die()s naming what (e.g. "the plan").
 */
unsigned char *recv_message(int sock, size_t *len, size_t max, const char *what);

/* One sendmsg of data (at least 1 byte) with fd attached (SCM_RIGHTS), retried on EINTR. 0 or -errno. */
int send_with_fd(int sock, const void *data, size_t len, int fd);

/* Writes all of buf, retrying on EINTR and short writes. Returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* open(path, O_WRONLY|O_CLOEXEC) + write_all + close; 0 or -errno (the first failure). */
int write_file(const char *path, const char *data, size_t len);

/*
 * g_fd_path_prefix + "<fd>" into buf (at least 32 bytes): by default "/proc/self/fd/<fd>". After the root
 * change the container's /proc is no longer trusted (a mount over it would redirect the magic links), so
 * the init makes the prefix "self/fd/", relative to a working directory that is a private clone of the
 * procfs mount (see trusted_proc in init.c).
 */
extern const char *g_fd_path_prefix;
const char *fd_path(char *buf, int fd);

#define FD_PATH_LEN 32

#endif
