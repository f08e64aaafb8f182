/*
 * LSM labels (docs/plan-format.md, init steps 12 and 18). Java has decided whether AppArmor or SELinux is
 * enabled and which bytes go to which attr file; this file only opens the files safely and writes them.
 */
#define _GNU_SOURCE
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define JR_PROC_SUPER_MAGIC 0x9fa0
#define JR_PROC_ROOT_INO 1

int lsm_open_attr(int proc, int pid, const char *attr) {
    struct statfs sf;
    struct stat st;
    if (fstatfs(proc, &sf) < 0 || fstat(proc, &st) < 0) return -errno;
    if (sf.f_type != JR_PROC_SUPER_MAGIC || st.st_ino != JR_PROC_ROOT_INO) return -ENOTRECOVERABLE;
    char rel[64];
    if ((size_t)snprintf(rel, sizeof(rel), "%d/attr/%s", pid, attr) >= sizeof(rel)) return -ENAMETOOLONG;
    struct open_how how = {
        .flags = O_WRONLY | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    int fd = (int)syscall(SYS_openat2, proc, rel, &how, sizeof(how));
    if (fd < 0) return -errno;
    if (fstatfs(fd, &sf) < 0 || sf.f_type != JR_PROC_SUPER_MAGIC) {
        int e = errno;
        close(fd);
        return sf.f_type != JR_PROC_SUPER_MAGIC ? -EMLINK : -e;
    }
    return fd;
}

static int open_attr(int proc, const char *attr) {
    int fd = lsm_open_attr(proc, getpid(), attr);
    if (fd == -ENOTRECOVERABLE) die("open /proc/self/attr/%s: /proc is not the root of a procfs", attr);
    if (fd == -EXDEV) die("open /proc/self/attr/%s: something is mounted over it (refusing to write a label there)", attr);
    if (fd == -EMLINK) die("open /proc/self/attr/%s: not a procfs file", attr);
    if (fd < 0) die_errno(-fd, "open /proc/self/attr/%s", attr);
    return fd;
}

void lsm_open(const struct plan *p, struct lsm_fds *fds) {
    fds->apparmor = fds->selinux = -1;
    if (!p->has_apparmor_exec && !p->selinux_exec) return;
    int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) die_errno(errno, "open /proc to set the process label");
    if (p->has_apparmor_exec) fds->apparmor = open_attr(proc, p->apparmor_exec.attr);
    if (p->selinux_exec) fds->selinux = open_attr(proc, "exec");
    close(proc);
}

void lsm_write(const struct plan *p, struct lsm_fds *fds) {
    if (fds->apparmor >= 0) {
        int r = write_all(fds->apparmor, p->apparmor_exec.value, strlen(p->apparmor_exec.value));
        if (r < 0) die_errno(-r, "apparmor failed to apply profile: write /proc/self/attr/%s", p->apparmor_exec.attr);
        close(fds->apparmor);
        fds->apparmor = -1;
    }
    if (fds->selinux >= 0) {
        int r = write_all(fds->selinux, p->selinux_exec, strlen(p->selinux_exec));
        if (r < 0) die_errno(-r, "set the selinux label \"%s\": write /proc/self/attr/exec", p->selinux_exec);
        close(fds->selinux);
        fds->selinux = -1;
    }
}
