/*
 * The front of the `jrunc` entry binary (launch.c): answers the commands that decide nothing -- `state`, `kill` (one
 * signal to the init) and `start` without poststart hooks -- from the files Java wrote at create
 * (docs/state-format.md: `fast`, `state.tmpl`), without starting a JVM. Anything else, any flag it does
 * not know, any state it does not expect, and every error: return FRONT_FALLBACK before doing anything, and
 * the launcher execs the JVM, which does the same thing the slow way and reports errors in one voice.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FALLBACK FRONT_FALLBACK

struct fast {
    long pid;
    unsigned long long starttime;
    char freezer[512]; /* freezer.state (v1) or cgroup.events (v2), or "-" */
    int poststart, poststop;
    int ncgroups;
    char cgroups[32][512]; /* directories delete removes */
};

static int read_file(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = read(fd, buf + n, size - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    return (int)n;
}

static bool valid_id(const char *id) {
    if (!*id || !strcmp(id, ".") || !strcmp(id, "..")) return false;
    for (const char *p = id; *p; p++)
        if (!(((*p | 32) >= 'a' && (*p | 32) <= 'z') || (*p >= '0' && *p <= '9') || strchr("_+.-", *p))) return false;
    return true;
}

static bool load_fast(const char *dir, struct fast *f) {
    char path[4200], buf[20000];
    snprintf(path, sizeof(path), "%s/fast", dir);
    if (read_file(path, buf, sizeof(buf)) <= 0) return false;
    memset(f, 0, sizeof(*f));
    bool v = false, pid = false, st = false;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strcmp(line, "v1")) v = true;
        else if (!strncmp(line, "pid ", 4)) pid = (f->pid = strtol(line + 4, NULL, 10)) > 0;
        else if (!strncmp(line, "starttime ", 10)) { f->starttime = strtoull(line + 10, NULL, 10); st = true; }
        else if (!strncmp(line, "freezer ", 8)) snprintf(f->freezer, sizeof(f->freezer), "%s", line + 8);
        else if (!strncmp(line, "poststart ", 10)) f->poststart = atoi(line + 10);
        else if (!strncmp(line, "poststop ", 9)) f->poststop = atoi(line + 9);
        else if (!strncmp(line, "cgroup ", 7)) {
            if (f->ncgroups == 32) return false;
            snprintf(f->cgroups[f->ncgroups++], sizeof(f->cgroups[0]), "%s", line + 7);
        }
    }
    return v && pid && st && f->freezer[0];
}

/* The init is alive iff /proc/<pid>/stat has our start time and is not a zombie (never trust a pid). */
static bool alive(const struct fast *f) {
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", f->pid);
    if (read_file(path, buf, sizeof(buf)) <= 0) return false;
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ') return false;
    p += 2;
    char state = *p;
    /* field 22 (starttime) is the 20th after ")" */
    for (int i = 0; i < 19 && p; i++) p = strchr(p + 1, ' ');
    if (!p) return false;
    return strtoull(p + 1, NULL, 10) == f->starttime && state != 'Z' && state != 'X' && state != 'x';
}

static bool frozen(const struct fast *f) {
    char buf[256];
    if (!strcmp(f->freezer, "-") || read_file(f->freezer, buf, sizeof(buf)) < 0) return false;
    return strstr(buf, "FROZEN") == buf || strstr(buf, "frozen 1");
}

static const char *status(const char *dir, const struct fast *f) {
    char path[4200];
    if (!alive(f)) return "stopped";
    if (frozen(f)) return "paused"; /* first, as in Java's StateStore.status and runc */
    snprintf(path, sizeof(path), "%s/exec.fifo", dir);
    return access(path, F_OK) == 0 ? "created" : "running";
}

/* state.tmpl is Java's exact `state` output with "@STATUS@" and @PID@ left to fill in. */
static int do_state(const char *dir, const struct fast *f) {
    char path[4200], tmpl[65536];
    snprintf(path, sizeof(path), "%s/state.tmpl", dir);
    if (read_file(path, tmpl, sizeof(tmpl)) <= 0) return FALLBACK;
    const char *st = status(dir, f);
    char *s = strstr(tmpl, "\"@STATUS@\""), *p = strstr(tmpl, "@PID@");
    if (!s || !p || p > s) return FALLBACK; /* Java writes pid before status (runc's order) */
    *p = 0;
    fputs(tmpl, stdout);
    if (!strcmp(st, "stopped")) fputs("0", stdout); else printf("%ld", f->pid);
    *s = 0;
    fputs(p + 5, stdout);
    printf("\"%s\"%s", st, s + 10);
    return fflush(stdout) == 0 ? 0 : FALLBACK;
}

static int signal_number(const char *s) {
    static const char *names[] = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
                                  "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
                                  "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    if (*s >= '0' && *s <= '9') {
        char *end;
        long n = strtol(s, &end, 10);
        return *end || n < 0 || n > 64 ? -1 : (int)n;
    }
    if (!strncasecmp(s, "SIG", 3)) s += 3;
    for (int i = 1; i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (!strcasecmp(s, names[i])) return i;
    return -1; /* RTMIN+n and friends: the JVM knows them */
}

static int do_kill(const char *dir, const struct fast *f, const char *sig_name) {
    int sig = signal_number(sig_name ? sig_name : "TERM");
    if (sig < 0 || !strcmp(status(dir, f), "stopped")) return FALLBACK;
    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)f->pid, 0);
    if (pidfd < 0) return FALLBACK;
    /* pidfd first, then the start time again: the signal can only reach the init we recorded. */
    int rc = alive(f) && syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0 ? 0 : FALLBACK;
    close(pidfd);
    return rc;
}

static int do_start(const char *dir, const struct fast *f) {
    if (f->poststart || strcmp(status(dir, f), "created") != 0) return FALLBACK;
    char path[4200];
    snprintf(path, sizeof(path), "%s/.lock", dir);
    int lock = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lock < 0 || fcntl(lock, F_SETLKW, &fl) < 0) return FALLBACK;
    snprintf(path, sizeof(path), "%s/exec.fifo", dir);
    /* Non-blocking open of the read end releases the init blocked opening the write end. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return FALLBACK;
    char c;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, 20);
        if (r > 0 && read(fd, &c, 1) == 1) break;
        if (!alive(f)) {
            close(fd);
            return FALLBACK; /* the JVM reports "cannot start a container that has stopped" */
        }
    }
    close(fd);
    unlink(path);
    close(lock);
    return 0;
}

/*
 * delete of a stopped container without poststop hooks: rmdir its cgroups, remove the state directory.
 * A cgroup that still holds processes (EBUSY) needs killing: that, and any other surprise, is the JVM's.
 */
static int do_delete(const char *dir, const struct fast *f) {
    if (f->poststop || strcmp(status(dir, f), "stopped") != 0) return FALLBACK;
    char path[4200];
    snprintf(path, sizeof(path), "%s/.lock", dir);
    int lock = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lock < 0 || fcntl(lock, F_SETLKW, &fl) < 0) return FALLBACK;
    for (int i = 0; i < f->ncgroups; i++)
        if (rmdir(f->cgroups[i]) < 0 && errno != ENOENT) {
            close(lock);
            return FALLBACK;
        }
    DIR *d = opendir(dir);
    if (!d) {
        close(lock);
        return FALLBACK;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    close(lock);
    return rmdir(dir) == 0 ? 0 : FALLBACK;
}

/* argv[0] is the first word after the program name, as the JVM's main sees it. */
int front_main(int argc, char **argv) {
    const char *root = "/run/jrunc";
    bool root_given = false;
    int i = 0;
    /* Global flags this path understands; anything else (--debug, --systemd-cgroup, ...) goes to the JVM. */
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
        if (!strcmp(a, "root") && i + 1 < argc) { root = argv[++i]; root_given = true; }
        else if (!strncmp(a, "root=", 5)) { root = a + 5; root_given = true; }
        /* The log only ever receives errors, and every error goes to the JVM: accept and ignore. */
        else if ((!strcmp(a, "log") || !strcmp(a, "log-format")) && i + 1 < argc) i++;
        else if (!strncmp(a, "log=", 4) || !strncmp(a, "log-format=", 11)) continue;
        else return FALLBACK;
    }
    if (geteuid() != 0 && !root_given) return FALLBACK; /* $XDG_RUNTIME_DIR/jrunc: Java decides */
    if (i >= argc) return FALLBACK;
    const char *cmd = argv[i++];
    bool force = false;
    /* exactly: state ID | start ID | kill ID [SIG] | delete [-f|--force] ID */
    if (!strcmp(cmd, "delete") && i < argc && (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))) {
        force = true;
        i++;
    }
    (void)force; /* a stopped container is deleted the same way with or without --force */
    if (i >= argc || argv[i][0] == '-' || !valid_id(argv[i])) return FALLBACK;
    const char *id = argv[i++];
    const char *extra = i < argc ? argv[i++] : NULL;
    if (i < argc || (extra && extra[0] == '-')) return FALLBACK;
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s/%s", root, id) >= (int)sizeof(dir)) return FALLBACK;
    struct fast f;
    if (!load_fast(dir, &f)) return FALLBACK;
    if (!strcmp(cmd, "state") && !extra) return do_state(dir, &f);
    if (!strcmp(cmd, "kill")) return do_kill(dir, &f, extra);
    if (!strcmp(cmd, "start") && !extra) return do_start(dir, &f);
    if (!strcmp(cmd, "delete") && !extra) return do_delete(dir, &f);
    return FALLBACK;
}
