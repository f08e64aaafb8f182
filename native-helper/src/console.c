#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int console_connect(const char *path) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) die("console socket path \"%s\" is too long", path);
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die_errno(errno, "console socket");
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) die_errno(errno, "connect to console socket \"%s\"", path);
    return fd;
}

/* One message: the pty name as data, the master as the only SCM_RIGHTS fd. */

/* The slave end: TIOCGPTPEER avoids looking the name up in a /dev/pts the container controls. */
static int open_slave(int master, const char *name) {
    int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) return fd;
    fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) die_errno(errno, "open pty slave \"%s\"", name);
    /* Only older kernels get here: the name must at least be a pty slave (unix98 majors 136-143). */
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) < 136 || major(st.st_rdev) > 143)
        die("pty slave \"%s\" is not a pty", name);
    return fd;
}

void console_setup(int sock, const struct plan *p, bool bind_console) {
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) die_errno(errno, "open \"/dev/ptmx\"");
    if (unlockpt(master) < 0) die_errno(errno, "unlockpt");
    unsigned int n;
    if (ioctl(master, TIOCGPTN, &n) < 0) die_errno(errno, "TIOCGPTN");
    char name[64];
    snprintf(name, sizeof(name), "/dev/pts/%u", n);
    int slave = open_slave(master, name);
    /* runtime-spec: with a terminal, /dev/console is the pty (runc bind-mounts it the same way). */
    if (bind_console) mount_console(slave, name);
    if (ioctl(slave, TIOCSCTTY, 0) < 0) die_errno(errno, "TIOCSCTTY");
    if (p->has_console_size) {
        struct winsize ws = {.ws_row = (unsigned short)p->console_size.rows,
                             .ws_col = (unsigned short)p->console_size.cols};
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0) die_errno(errno, "TIOCSWINSZ");
    }
    for (int i = 0; i < 3; i++) {
        if (dup2(slave, i) < 0) die_errno(errno, "dup2 the pty to fd %d", i);
    }
    if (slave > 2) close(slave);
    int r = send_with_fd(sock, name, strlen(name), master);
    if (r < 0) die_errno(-r, "send the pty master over the console socket");
    close(master);
    close(sock);
}
