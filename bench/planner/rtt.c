/* Round trip of the planner protocol (docs/planner.md) as the C front would make it: connect, one sendmsg
 * with the request and its fds (SCM_RIGHTS), read ACK and reply. Prototype of the front's client side.
 * Usage: rtt SOCKET ROOT ITERATIONS. Prints median and p90 in microseconds for:
 *   decline-0fds  a request without fds (declined at once: no cwd),
 *   decline-5fds  cwd, stdio and a socketpair end, `--version` (declined by the command line: protocol only),
 *   kill-5fds     `kill nosuch KILL` (taken: ACK, a per-request engine, state lookup, error line, DONE 1). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static unsigned char buf[1 << 16];
static size_t len;

static void u32(uint32_t v) {
    buf[len++] = v >> 24; buf[len++] = v >> 16; buf[len++] = v >> 8; buf[len++] = v;
}
static void str(const char *s) {
    u32(strlen(s));
    memcpy(buf + len, s, strlen(s));
    len += strlen(s);
}

static void frame(unsigned umask_, int nfds, const unsigned char *roles, int argc, const char **argv) {
    len = 0;
    memcpy(buf, "JRQ1", 4);
    len = 8;
    u32(umask_);
    u32(nfds);
    memcpy(buf + len, roles, nfds);
    len += nfds;
    u32(argc);
    for (int i = 0; i < argc; i++) str(argv[i]);
    u32(1);
    str("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    uint32_t b = len - 8;
    buf[4] = b >> 24; buf[5] = b >> 16; buf[6] = b >> 8; buf[7] = b;
}

static int readn(int fd, unsigned char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r <= 0) return -1;
        got += r;
    }
    return 0;
}

/* one call; returns the reply kind (0 done, 1 fallback) or -1 */
static int call(const char *path, int nfds, const int *fds) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) return -1;
    union {
        char b[CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr a;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds) {
        m.msg_control = ctl.b;
        m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    }
    if (sendmsg(s, &m, MSG_NOSIGNAL) != (ssize_t)len) { close(s); return -1; }
    unsigned char h[8], body[4096];
    if (readn(s, h, 4) < 0) { close(s); return -1; }
    if (!memcmp(h, "JRA1", 4) && readn(s, h, 4) < 0) { close(s); return -1; }
    if (memcmp(h, "JRR1", 4) || readn(s, h + 4, 4) < 0) { close(s); return -1; }
    uint32_t n = (uint32_t)h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7];
    if (n > sizeof(body) || readn(s, body, n) < 0) { close(s); return -1; }
    close(s);
    return body[0];
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench(const char *name, const char *path, int iters, int nfds, const int *fds, int expect) {
    double *t = malloc(sizeof(double) * iters);
    for (int i = -200; i < iters; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int k = call(path, nfds, fds);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (k != expect) {
            fprintf(stderr, "%s: reply kind %d, expected %d\n", name, k, expect);
            exit(1);
        }
        if (i >= 0) t[i] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, iters, sizeof(double), cmp);
    printf("| %s | %.0f | %.0f | %.0f |\n", name, t[iters / 2], t[iters * 9 / 10], t[0]);
    free(t);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: rtt SOCKET ROOT ITERATIONS\n");
        return 2;
    }
    int iters = atoi(argv[3]);
    mode_t um = umask(0);
    umask(um);
    int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
    int sp[2];
    if (cwd < 0 || nul < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) return 1;
    int fds[5] = {cwd, nul, nul, nul, sp[0]};
    unsigned char roles[5] = {1, 2, 3, 4, 5};
    printf("| planner round trip (C client, new connection each) | median us | p90 | min |\n|---|---|---|---|\n");
    const char *v[] = {"--root", argv[2], "--version"};
    frame(um, 0, roles, 3, v);
    bench("decline-0fds", argv[1], iters, 0, fds, 1);
    frame(um, 5, roles, 3, v);
    bench("decline-5fds", argv[1], iters, 5, fds, 1);
    const char *k[] = {"--root", argv[2], "kill", "nosuch", "KILL"};
    frame(um, 4, roles, 5, k);
    bench("kill-4fds (taken, engine, exit 1)", argv[1], iters, 4, fds, 0);
    return 0;
}
