#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int g_sync_fd = -1;
pid_t g_unannounced_init = 0;

const char *errstr(int e) {
    static char buf[128];
    /* strerror_r (GNU) may return a static string instead of filling buf: copy either way. */
    char tmp[128];
    const char *s = strerror_r(e, tmp, sizeof(tmp));
    snprintf(buf, sizeof(buf), "%s", s);
    buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}

int sync_send(const char *data, size_t len) {
    if (g_sync_fd < 0) return -EBADF;
    ssize_t n;
    do {
        n = send(g_sync_fd, data, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    return (size_t)n == len ? 0 : -EMSGSIZE;
}

int send_with_fd(int sock, const void *data, size_t len, int fd) {
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

static void vdie(int e, const char *fmt, va_list ap) __attribute__((noreturn, format(printf, 2, 0)));

#define PREFIX_LEN (sizeof(SYNC_ERROR_PREFIX) - 1)

static void vdie(int e, const char *fmt, va_list ap) {
    char msg[4096];
    int n = snprintf(msg, sizeof(msg), "%s", SYNC_ERROR_PREFIX);
    n += vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    if (n >= (int)sizeof(msg)) n = (int)sizeof(msg) - 1;
    if (e) {
        int m = snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", errstr(e));
        n = n + m >= (int)sizeof(msg) ? (int)sizeof(msg) - 1 : n + m;
    }
    if (g_unannounced_init > 0) {
        char pid[32];
        int k = snprintf(pid, sizeof(pid), SYNC_PID_PREFIX "%d", (int)g_unannounced_init);
        kill(g_unannounced_init, SIGKILL);
        g_unannounced_init = 0;
        (void)sync_send(pid, (size_t)k);
    }
    if (sync_send(msg, (size_t)n) < 0) {
        /* No one to tell over the socket (it is closed after `ready`): stderr is all that is left. */
        msg[n] = '\n';
        (void)write_all(STDERR_FILENO, "jrunc-init: ", 12);
        (void)write_all(STDERR_FILENO, msg + PREFIX_LEN, (size_t)n - PREFIX_LEN + 1);
    }
    /* _exit: the init is a clone of the helper and must not run the helper's exit handlers or flush its stdio. */
    _exit(1);
}

void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vdie(0, fmt, ap);
}

void die_errno(int e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vdie(e, fmt, ap);
}

int write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int write_file(const char *path, const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int r = write_all(fd, data, len);
    if (close(fd) < 0 && r == 0 && errno != EINTR) r = -errno;
    return r;
}

const char *g_fd_path_prefix = "/proc/self/fd/";

const char *fd_path(char *buf, int fd) {
    snprintf(buf, FD_PATH_LEN, "%s%d", g_fd_path_prefix, fd);
    return buf;
}

static ssize_t recv_packet(int sock, void *buf, size_t size) {
    ssize_t n;
    do {
        n = recv(sock, buf, size, MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    return n;
}

unsigned char *recv_message(int sock, size_t *len, size_t max, const char *what) {
    unsigned char *buf = malloc(SYNC_MSG_CHUNK + 1);
    if (!buf) die("out of memory receiving %s", what);
    ssize_t n = recv_packet(sock, buf, SYNC_MSG_CHUNK);
    if (n == 0) _exit(1); /* Java went away before sending anything: nobody to report to */
    if (n < 0) die_errno(errno, "receive %s", what);
    if ((size_t)n > SYNC_MSG_CHUNK) die("receive %s: packet of %zd bytes is larger than %u", what, n, SYNC_MSG_CHUNK);
    if (n != SYNC_CHUNK_HEADER_SIZE || memcmp(buf, SYNC_CHUNK_MAGIC, sizeof(SYNC_CHUNK_MAGIC) - 1) != 0) {
        buf[n] = 0;
        *len = (size_t)n;
        return buf;
    }
    size_t total = ((size_t)buf[4] << 24) | ((size_t)buf[5] << 16) | ((size_t)buf[6] << 8) | (size_t)buf[7];
    free(buf);
    if (total > max) die("receive %s: %zu bytes is larger than the %zu byte limit", what, total, max);
    buf = malloc(total + 1);
    if (!buf) die("out of memory for %s of %zu bytes", what, total);
    size_t off = 0;
    while (off < total) {
        size_t want = total - off < SYNC_MSG_CHUNK ? total - off : SYNC_MSG_CHUNK;
        n = recv_packet(sock, buf + off, want);
        if (n == 0) _exit(1);
        if (n < 0) die_errno(errno, "receive %s", what);
        if ((size_t)n > want) die("receive %s: packet of %zd bytes overruns the announced %zu", what, n, total);
        off += (size_t)n;
    }
    buf[total] = 0;
    *len = total;
    return buf;
}
