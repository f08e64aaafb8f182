/*
 * Test seccomp agent (built by `make check`, never installed): what a runtime-spec seccomp agent does, kept
 * minimal so the conformance suite can check any runtime's SCMP_ACT_NOTIFY support end to end.
 *
 *   seccomp_agent <socket-path> <out-file> <errno> <connections>
 *
 * Listens on <socket-path> and accepts <connections> connections (one per filter: the init's, then one per
 * exec). From each it receives the container process state (data) and the listener fd (SCM_RIGHTS) and
 * appends `state <json>` to <out-file>; it answers every notification with -<errno> (0: a faked success)
 * and appends `nr <syscall number> pid <pid>`. It exits 0 once all connections came and every listener
 * hung up (no process uses that filter any more), 2 on errors. Prints `listening` on stdout once the socket
 * accepts connections.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void fail(const char *what) {
    fprintf(stderr, "seccomp_agent: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* One connection: the state as data, the listener as the one fd. Returns the listener. */
static int take(int ls, FILE *out) {
    int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) fail("accept");
    static char data[1 << 16];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = data, .iov_len = sizeof(data) - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0) fail("recvmsg");
    data[n] = '\0';
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
        errno = EPROTO;
        fail("no fd in the message");
    }
    int listener;
    memcpy(&listener, CMSG_DATA(cm), sizeof(int));
    close(c);
    fprintf(out, "state %s\n", data);
    fflush(out);
    return listener;
}

#define MAX_CONN 8

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: seccomp_agent <socket-path> <out-file> <errno> <connections>\n");
        return 2;
    }
    int answer = atoi(argv[3]), expected = atoi(argv[4]);
    if (expected < 1 || expected > MAX_CONN) return 2;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof(sa.sun_path)) return 2;
    strcpy(sa.sun_path, argv[1]);
    FILE *out = fopen(argv[2], "w");
    if (!out) fail("open out-file");
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, MAX_CONN) < 0) fail("listen");
    printf("listening\n");
    fflush(stdout);

    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) fail("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    if (!req || !resp) fail("calloc");

    struct pollfd fds[1 + MAX_CONN];
    int accepted = 0, open_listeners = 0;
    fds[0] = (struct pollfd){.fd = ls, .events = POLLIN};
    for (int i = 1; i <= MAX_CONN; i++) fds[i] = (struct pollfd){.fd = -1};
    while (accepted < expected || open_listeners > 0) {
        if (poll(fds, 1 + MAX_CONN, -1) < 0) {
            if (errno == EINTR) continue;
            fail("poll");
        }
        if (fds[0].revents & POLLIN) {
            fds[1 + accepted].fd = take(ls, out);
            fds[1 + accepted].events = POLLIN;
            accepted++;
            open_listeners++;
            if (accepted == expected) {
                close(ls);
                unlink(argv[1]);
                fds[0].fd = -1;
            }
        }
        for (int i = 1; i <= MAX_CONN; i++) {
            if (fds[i].fd < 0 || !fds[i].revents) continue;
            if (fds[i].revents & POLLIN) {
                memset(req, 0, sizes.seccomp_notif);
                if (ioctl(fds[i].fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                    if (errno == EINTR || errno == ENOENT) continue; /* the caller went away meanwhile */
                    fail("SECCOMP_IOCTL_NOTIF_RECV");
                }
                fprintf(out, "nr %d pid %u\n", req->data.nr, req->pid);
                fflush(out);
                memset(resp, 0, sizes.seccomp_notif_resp);
                resp->id = req->id;
                resp->error = -answer;
                resp->val = 0;
                if (ioctl(fds[i].fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
                    fail("SECCOMP_IOCTL_NOTIF_SEND");
            } else if (fds[i].revents & (POLLHUP | POLLERR)) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_listeners--;
            }
        }
    }
    fclose(out);
    return 0;
}
