/*
 * Unit test of the LSM attr write path (lsm.c), run by `make check`. On a host without an LSM the write
 * itself fails with EINVAL, as it does for runc ("write /proc/self/attr/exec: invalid argument"). As root
 * it also mounts over the attr file in a private mount namespace and checks that the open is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lsm.h"

static int failures;
#define CHECK(c)                                                         \
    do {                                                                 \
        if (!(c)) {                                                      \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
            failures++;                                                  \
        }                                                                \
    } while (0)

int main(void) {
    int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(proc >= 0);
    int fd = lsm_open_attr(proc, getpid(), "exec");
    CHECK(fd >= 0);
    if (fd >= 0) {
        ssize_t n = write(fd, "exec jrunc-test-profile", 23);
        /* With an LSM the write may succeed or be refused for the unknown profile; without one: EINVAL. */
        CHECK(n == 23 || errno == EINVAL || errno == ENOENT || errno == EACCES || errno == EPERM);
        close(fd);
    }
    /* not the root of a procfs */
    int sub = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(lsm_open_attr(sub, getpid(), "exec") == -ENOTRECOVERABLE);
    close(sub);
    int tmp = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(lsm_open_attr(tmp, getpid(), "exec") == -ENOTRECOVERABLE);
    close(tmp);
    /* no symlinks: "self" is one */
    CHECK(lsm_open_attr(proc, 0, "../../self/attr/exec") < 0);
    if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) == 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/attr/exec", getpid());
        if (mount("/dev/null", path, NULL, MS_BIND, NULL) == 0) {
            /* /proc again: the fd opened before unshare walks the old namespace's mounts */
            int proc2 = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
            CHECK(lsm_open_attr(proc2, getpid(), "exec") == -EXDEV); /* CVE-2025-52881: a mount over the attr file */
            close(proc2);
            umount2(path, MNT_DETACH);
        } else {
            fprintf(stderr, "lsm_test: cannot bind over %s (%s): mount check skipped\n", path, strerror(errno));
        }
    }
    close(proc);
    if (failures) {
        fprintf(stderr, "lsm_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("lsm_test: all checks passed\n");
    return 0;
}
