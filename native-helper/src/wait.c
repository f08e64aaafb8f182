/*
 * `jrunc-init wait <pid> -- <cleanup argv...>`: the foreground `jrunc run` JVM execve's into this, so it
 * keeps the JVM's pid and is therefore still the parent of the container init (cloned with CLONE_PARENT).
 * It forwards signals to the init, reaps, runs the cleanup command once the init has exited and exits
 * with the container's status. Kept tiny: it lives as long as the container.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* Status of a reaped child as a shell would report it: the exit code, or 128 + the signal. */
static int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

/* Reaps every exited child; returns true once `pid` is among them (its code in *code). */
static bool reap(pid_t pid, int *code, bool *gone) {
    int status;
    pid_t w;
    while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
        if (w == pid) {
            *code = exit_code(status);
            *gone = true;
        }
    }
    /* ECHILD with the pid not seen: it is not our child (or someone else reaped it); there is nothing to wait for. */
    if (w < 0 && errno == ECHILD && !*gone) {
        fprintf(stderr, "jrunc-init wait: process %d is not a child of this process\n", pid);
        *code = 255;
        *gone = true;
    }
    return *gone;
}

/* Signals that come from faults in this very process are not forwarded (and cannot usefully be blocked). */
static void forwardable(sigset_t *set) {
    sigfillset(set);
    int sync[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGKILL, SIGSTOP};
    for (size_t i = 0; i < sizeof(sync) / sizeof(sync[0]); i++) sigdelset(set, sync[i]);
}

static int read_signal(int sfd) {
    struct signalfd_siginfo si;
    for (;;) {
        ssize_t n = read(sfd, &si, sizeof(si));
        if (n == (ssize_t)sizeof(si)) return (int)si.ssi_signo;
        if (n < 0 && errno != EINTR) return -1;
    }
}

/* Runs the cleanup command (the container is gone); only its failure is reported. */
static void run_cleanup(char **argv, int sfd, const sigset_t *old) {
    if (!argv[0]) return;
    pid_t pid = fork();
    if (pid < 0) {
        perror("jrunc-init wait: fork for cleanup");
        return;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, old, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "jrunc-init wait: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int code = 0;
    bool gone = false;
    /* Signals while the cleanup runs reach it directly (same process group); here they are only drained. */
    while (!reap(pid, &code, &gone)) {
        if (read_signal(sfd) < 0) break;
    }
    if (code != 0) fprintf(stderr, "jrunc-init wait: cleanup %s failed: exit status %d\n", argv[0], code);
}

/* The pty master sent by the init over the console socket (one message, SCM_RIGHTS with one fd). */
static int receive_master(int listen_fd) {
    int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    close(listen_fd);
    if (c < 0) return -1;
    char name[4096];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    ssize_t n;
    do n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
    close(c);
    struct cmsghdr *cm = n < 0 ? NULL : CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int))) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    return fd;
}

static void copy_winsize(int master) {
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

/* Writes all of buf, or gives up on a dead peer. */
static bool write_all(int fd, const char *buf, ssize_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, (size_t)n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        buf += w;
        n -= w;
    }
    return true;
}

/* Moves what is readable from `from` to `to`; false on EOF or error (EIO: every slave fd is closed). */
static bool pump(int from, int to) {
    char buf[4096];
    ssize_t n;
    do n = read(from, buf, sizeof(buf)); while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    write_all(to, buf, n);
    return true;
}

int wait_main(int argc, char **argv) {
    int pty_listen = -1;
    /* Optional `--pty-socket <fd>` before `--`: relay the container's terminal (foreground run/exec -t). */
    if (argc >= 6 && strcmp(argv[3], SYNC_WAIT_PTY_SOCKET) == 0) {
        pty_listen = atoi(argv[4]);
        /* Drop the option so the rest of the parsing sees `wait <pid> -- ...`. */
        memmove(&argv[3], &argv[5], (size_t)(argc - 5 + 1) * sizeof(char *));
        argc -= 2;
    }
    if (argc < 4 || strcmp(argv[3], SYNC_WAIT_END) != 0) {
        fprintf(stderr, "usage: jrunc-init wait <pid> [--pty-socket FD] -- <cleanup argv...>\n");
        return 2;
    }
    char *end;
    long pid = strtol(argv[2], &end, 10);
    if (*end || pid <= 0) {
        fprintf(stderr, "jrunc-init wait: bad pid \"%s\"\n", argv[2]);
        return 2;
    }
    /* Orphans of the container (without a pid namespace of its own) are reparented to us and reaped. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    sigset_t set, old;
    forwardable(&set);
    sigprocmask(SIG_BLOCK, &set, &old);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0) {
        perror("jrunc-init wait: signalfd");
        return 255;
    }
    int code = 0;
    bool gone = false;
    int master = -1;
    struct termios saved;
    bool raw = false;
    if (pty_listen >= 0) {
        master = receive_master(pty_listen);
        if (master < 0) fprintf(stderr, "jrunc-init wait: no terminal received from the container\n");
        if (master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
            struct termios t = saved;
            cfmakeraw(&t);
            raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
            copy_winsize(master);
        }
    }
    bool in_open = master >= 0;
    /* The init may have exited before the JVM exec'd us: its zombie is waiting, reap it first. */
    while (!reap((pid_t)pid, &code, &gone)) {
        struct pollfd fds[3] = {{.fd = sfd, .events = POLLIN}, {.fd = master, .events = POLLIN},
                                {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN}};
        if (poll(fds, 3, -1) < 0 && errno != EINTR) break;
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!pump(master, STDOUT_FILENO) && !(fds[1].revents & POLLIN)) {
                close(master);
                master = -1;
                in_open = false;
            }
        }
        if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!pump(STDIN_FILENO, master)) in_open = false;
        }
        if (!(fds[0].revents & POLLIN)) continue;
        int sig = read_signal(sfd);
        if (sig < 0) {
            perror("jrunc-init wait: read signalfd");
            return 255;
        }
        /* With a relayed terminal, a window change is applied to the container's pty, as runc does. */
        if (sig == SIGWINCH && master >= 0) {
            copy_winsize(master);
            continue;
        }
        /* kill is safe: the pid cannot be reused before we reap it. */
        if (sig != SIGCHLD) kill((pid_t)pid, sig);
    }
    /* Whatever the container wrote just before exiting is still in the pty. */
    if (master >= 0) {
        int fl = 1;
        ioctl(master, FIONBIO, &fl);
        while (pump(master, STDOUT_FILENO)) {}
        close(master);
    }
    if (raw) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    run_cleanup(argv + 4, sfd, &old);
    return code;
}
