/* LSM labels of the container process (lsm.c): Java decides what to write, the init writes it. */
#ifndef JRUNC_LSM_H
#define JRUNC_LSM_H

#include "plan.h"

struct lsm_fds {
    int apparmor, selinux; /* write-only fds of the container's /proc/<pid>/attr files, or -1 */
};

/*
 * Opens the attr files the plan writes (APPARMOR_EXEC, SELINUX_EXEC) through the container's /proc,
 * checked to be the root of a procfs, with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV)
 * and fstatfs(PROC_SUPER_MAGIC) of the result, so that nothing mounted over /proc or over an attr file
 * (CVE-2025-52881) can take the write. Called after the root change and before seccomp. Failures die().
 */
void lsm_open(const struct plan *p, struct lsm_fds *fds);

/* Writes the labels not yet written (each fd is closed and set to -1 once written). */
void lsm_write(const struct plan *p, struct lsm_fds *fds);

/*
 * Opens "<pid>/attr/<attr>" beneath the directory fd proc after checking that proc is the root of a
 * procfs. Returns the fd, or -errno (-EXDEV: something is mounted on the way; -ENOTRECOVERABLE: proc is
 * not a procfs root; -EMLINK: the file opened is not on procfs).
 */
int lsm_open_attr(int proc, int pid, const char *attr);

#endif
