/*
 * The entry binary's half of io.jrunc.cgroup.Prewarm (see there and docs/design-notes.md): the first
 * cgroup migration after a quiet period waits for an RCU grace period (7-17 ms here), and migrations
 * that come while one is waiting or within a grace period after it do not. The JVM takes ~35-40 ms to
 * reach main, so for create/run/exec a detached grandchild starts the grace period before the JVM does:
 * it moves itself into the cgroup it is already in ("0" to a cgroup.procs that lists it), then repeats
 * that every few milliseconds for a bounded time, until Java's own Prewarm thread has taken over.
 * Nothing moves: the file is written only after reading it shows the writer's own pid. Every failure
 * just ends the child.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEEP_WARM_MS 150 /* past the JVM's start and a typical create; Java's thread covers the rest */
#define INTERVAL_MS 4

/* Does the cgroup.procs file at path list pid (one decimal number per line)? */
static bool lists(const char *path, pid_t pid) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    char want[24];
    int wl = snprintf(want, sizeof(want), "%d", (int)pid);
    char buf[8192], line[24];
    size_t ll = 0;
    bool found = false, overlong = false;
    ssize_t n;
    while (!found && (n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n && !found; i++) {
            if (buf[i] == '\n') {
                found = !overlong && ll == (size_t)wl && !memcmp(line, want, ll);
                ll = 0;
                overlong = false;
            } else if (ll < sizeof(line)) {
                line[ll++] = buf[i];
            } else {
                overlong = true;
            }
        }
    }
    close(fd);
    return found;
}

/* The first /proc/self/cgroup line whose cgroup.procs (at the usual mount points) lists pid. */
static bool own_procs(pid_t pid, char *out, size_t size) {
    char buf[4096];
    int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) return false;
    buf[n] = 0;
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        const char *ctrls = c1 + 1, *path = c2 + 1;
        if (path[0] != '/' || strstr(path, "/..")) continue;
        if (!strcmp(path, "/")) path = "";
        if (!strncmp(ctrls, "name=", 5)) ctrls += 5;
        const char *cand[2][2] = {{"/sys/fs/cgroup/", ctrls}, {NULL, NULL}};
        if (!*ctrls) {
            cand[0][0] = "/sys/fs/cgroup";
            cand[0][1] = "";
            cand[1][0] = "/sys/fs/cgroup/unified";
            cand[1][1] = "";
        }
        for (int k = 0; k < 2 && cand[k][0]; k++) {
            if ((size_t)snprintf(out, size, "%s%s%s/cgroup.procs", cand[k][0], cand[k][1], path) >= size) continue;
            if (lists(out, pid)) return true;
        }
    }
    return false;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void prewarm_cgroup_migration(void) {
    pid_t a = fork();
    if (a < 0) return;
    if (a > 0) {
        /* the intermediate child exits at once: reaped here, so the JVM inherits no child of ours */
        while (waitpid(a, NULL, 0) < 0 && errno == EINTR) {
        }
        return;
    }
    if (fork() != 0) _exit(0);
    prctl(PR_SET_NAME, "jrunc-prewarm", 0, 0, 0);
    /* the grandchild, reparented to the caller's subreaper or init: holds none of the caller's stdio */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    closefrom(3);
    /* nor the caller's cwd: with the planner a call can be over before this child is (the directory would stay busy) */
    if (chdir("/") < 0) _exit(0);
    char procs[4200];
    if (!own_procs(getpid(), procs, sizeof(procs))) _exit(0);
    int fd = open(procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) _exit(0);
    long long end = now_ms() + KEEP_WARM_MS;
    do {
        if (write(fd, "0", 1) != 1) _exit(0);
        struct timespec d = {0, INTERVAL_MS * 1000000L};
        nanosleep(&d, NULL);
    } while (now_ms() < end);
    _exit(0);
}
