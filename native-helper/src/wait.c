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
#include <sys/prctl.h>
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

int wait_main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: jrunc-init wait <pid> -- <cleanup argv...>\n");
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
    /* The init may have exited before the JVM exec'd us: its zombie is waiting, reap it first. */
    while (!reap((pid_t)pid, &code, &gone)) {
        int sig = read_signal(sfd);
        if (sig < 0) {
            perror("jrunc-init wait: read signalfd");
            return 255;
        }
        /* kill is safe: the pid cannot be reused before we reap it. */
        if (sig != SIGCHLD) kill((pid_t)pid, sig);
    }
    run_cleanup(argv + 4, sfd, &old);
    return code;
}
