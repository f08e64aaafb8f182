/* See initspawn.h. */
#define _GNU_SOURCE
#include "initspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int initspawn_sealed_copy(const char *path, const char **step) {
    int src = open(path, O_RDONLY | O_CLOEXEC);
    if (src < 0) {
        *step = "open";
        return -1;
    }
    int mfd = (int)syscall(SYS_memfd_create, "jrunc-init", 0x0001U | 0x0002U /* MFD_CLOEXEC|MFD_ALLOW_SEALING */);
    if (mfd < 0) {
        *step = "memfd_create";
        goto fail;
    }
    char buf[65536];
    for (;;) {
        ssize_t n = read(src, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *step = "read";
            goto fail;
        }
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(mfd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                *step = "write memfd";
                goto fail;
            }
            off += w;
        }
    }
    /* F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE: the copy can never change again. */
    if (fcntl(mfd, 1033 /* F_ADD_SEALS */, 0x0001 | 0x0002 | 0x0004 | 0x0008) < 0) {
        *step = "seal memfd";
        goto fail;
    }
    close(src);
    return mfd;
fail:;
    int e = errno;
    close(src);
    if (mfd >= 0) close(mfd);
    errno = e;
    return -1;
}

/*
 * A plan may be up to 1 MiB, but a SOCK_SEQPACKET packet must fit the sender's buffer (net.core.wmem_default,
 * often 208 KiB). Ask for more: SO_SNDBUFFORCE works for root beyond net.core.wmem_max, SO_SNDBUF up to it.
 * Best effort: a failure only limits the packet size, and send() then reports EMSGSIZE.
 */
void initspawn_grow_send_buffer(int fd) {
    int size = 2 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

int initspawn_attrs(posix_spawnattr_t *attr) {
    sigset_t all, none;
    /* Every bit, not sigfillset: that leaves out glibc's internal signals (32, 33), which the spawned
     * child would then get as SIG_IGN and pass on through execve to the container. */
    memset(&all, 0xff, sizeof(all));
    sigemptyset(&none);
    int r = posix_spawnattr_init(attr);
    if (!r) r = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    /* setsid is deliberately not done: the helper stays in the caller's session and process group. */
    if (!r) r = posix_spawnattr_setsigmask(attr, &none);
    if (!r) r = posix_spawnattr_setsigdefault(attr, &all);
    return r;
}
