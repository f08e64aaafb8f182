#define _GNU_SOURCE
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define STDERR_TAIL 512

static const char *kind_name(uint32_t kind) {
    return kind == HOOK_CREATE_CONTAINER ? "createContainer" : kind == HOOK_START_CONTAINER ? "startContainer" : "?";
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the forked child: stdin from the state pipe, stderr to the capture file, then exec. */
static void exec_hook(const struct hook_rec *h, int in, int err, const struct sigaction *old_pipe) {
    sigaction(SIGPIPE, old_pipe, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in, STDIN_FILENO) < 0) _exit(127);
    if (err >= 0 && dup2(err, STDERR_FILENO) < 0) _exit(127);
    char *fallback[] = {h->path, NULL};
    char *noenv[] = {NULL};
    execve(h->path, h->args.n ? h->args.v : fallback, h->env.n ? h->env.v : noenv);
    dprintf(STDERR_FILENO, "exec %s: %s", h->path, errstr(errno));
    _exit(127);
}

/*
 * Feeds the state to the hook's stdin without ever blocking on it (a hook need not read stdin) and
 * waits for the hook to exit. Returns 0 with *status set, or -1 on timeout (the hook is then killed).
 */
static int feed_and_wait(pid_t pid, int in, const char *state, size_t len, uint32_t timeout, int *status) {
    long long deadline = timeout ? now_ms() + (long long)timeout * 1000 : -1;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    size_t off = 0;
    if (len == 0) {
        close(in);
        in = -1;
    }
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid) break;
        long long left = deadline < 0 ? -1 : deadline - now_ms();
        if (deadline >= 0 && left <= 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
            if (in >= 0) close(in);
            if (pidfd >= 0) close(pidfd);
            return -1;
        }
        struct pollfd fds[2];
        nfds_t n = 0;
        if (in >= 0) fds[n++] = (struct pollfd){.fd = in, .events = POLLOUT};
        if (pidfd >= 0) fds[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        /* Without a pidfd (old kernel, seccomp) nothing wakes us when the hook exits: poll in ticks. */
        if (left > INT_MAX) left = INT_MAX;
        int wait = pidfd < 0 && (left < 0 || left > 20) ? 20 : (int)left;
        if (poll(fds, n, wait) < 0 && errno != EINTR) wait = 20;
        if (in >= 0) {
            ssize_t k = write(in, state + off, len - off);
            if (k > 0) off += (size_t)k;
            if ((k < 0 && errno != EAGAIN && errno != EINTR) || off == len) {
                close(in); /* done, or the hook closed its stdin (EPIPE): either way, no more input */
                in = -1;
            }
        }
    }
    if (in >= 0) close(in);
    if (pidfd >= 0) close(pidfd);
    return 0;
}

/* The last STDERR_TAIL bytes the hook wrote to stderr, trimmed, into buf. */
static void stderr_tail(int fd, char *buf, size_t size) {
    buf[0] = '\0';
    if (fd < 0) return;
    off_t end = lseek(fd, 0, SEEK_END);
    if (end <= 0) return;
    size_t want = end > (off_t)(size - 1) ? size - 1 : (size_t)end;
    ssize_t n = pread(fd, buf, want, end - (off_t)want);
    if (n < 0) n = 0;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r' || buf[n - 1] == '\t')) buf[--n] = '\0';
}

static void run_hook(const struct hook_rec *h, const char *state, size_t len) {
    const char *kind = kind_name(h->kind);
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) die_errno(errno, "%s hook %s: pipe", kind, h->path);
    /* stderr goes to a memory file, not a pipe: a chatty hook must never block on us. */
    int err = memfd_create("jrunc-hook-stderr", MFD_CLOEXEC);
    /* A hook that exits without reading stdin must not kill us with SIGPIPE. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigaction(SIGPIPE, &ign, &old_pipe);
    pid_t pid = fork();
    if (pid < 0) die_errno(errno, "%s hook %s: fork", kind, h->path);
    if (pid == 0) exec_hook(h, in[0], err, &old_pipe);
    close(in[0]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    int status = 0;
    int r = feed_and_wait(pid, in[1], state, len, h->timeout, &status);
    sigaction(SIGPIPE, &old_pipe, NULL);
    if (r < 0) die("%s hook %s timed out after %us", kind, h->path, h->timeout);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (err >= 0) close(err);
        return;
    }
    char tail[STDERR_TAIL + 1], how[64];
    stderr_tail(err, tail, sizeof(tail));
    if (WIFEXITED(status)) snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
    else snprintf(how, sizeof(how), "signal: %s", strsignal(WTERMSIG(status)));
    die("%s hook %s failed: %s%s%s", kind, h->path, how, tail[0] ? ", stderr: " : "", tail);
}

void run_hooks(const struct plan *p, uint32_t kind, const char *state, size_t len) {
    for (size_t i = 0; i < p->n_hooks; i++) {
        if (p->hooks[i].kind == kind) run_hook(&p->hooks[i], state, len);
    }
}
