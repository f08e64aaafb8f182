/*
 * The front's client of the resident planner (docs/planner.md): for the commands the front does not answer itself
 * (create, run, exec, and start/delete/kill/pause/resume that need the JVM), ask the planner of this --root to
 * run the call, so that it pays no JVM start. The process tree stays the direct JVM's: for create, run and exec
 * this process (the caller's child) spawns jrunc-init exactly as io.jrunc.container.InitChannel.spawn does and
 * hands the parent end of its sync socket to the planner, so the container's init is our child and, once we
 * exit or exec the waiter, the caller's (containerd's shim and conmon reap it).
 *
 * Decisions are the planner's: this file only finds the socket, passes the call on (argv, environment, umask,
 * cwd, stdio) and does what the reply says. Whenever the planner is absent, refuses, declines or dies before it
 * has acknowledged the call, nothing has been done and planner_call returns FRONT_FALLBACK: the launcher then
 * execs the direct JVM with the same argv, as before the planner existed. Once it has acknowledged, the call is
 * the planner's: if it dies then, the call fails (exit 1, 255 for exec) and is never run twice.
 */
#define _GNU_SOURCE
#include "init.h"
#include "initspawn.h"
#include "planner.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FALLBACK FRONT_FALLBACK
/* The planner acknowledges before it does anything (after its peer check and reading the request): a planner
 * that has not within this time is hung or swamped, and the call goes the direct way. Closing the connection
 * makes its late acknowledgement fail (EPIPE), and a planner whose acknowledgement fails does nothing. */
#define ACK_TIMEOUT_MS 10000
/* After the acknowledgement: as long as the slowest legitimate create (hooks have their own timeouts). */
#define REPLY_TIMEOUT_MS 600000
/* How long a new planner waits for the first call's own JVM to exit before it starts (same two cores). */
#define START_DELAY_MAX_MS 2000

extern char **environ;

static const char *const SERVED[] = {"create", "run", "exec", "start", "delete", "kill", "pause", "resume"};
static const char *const SPAWNING[] = {"create", "run", "exec"};

static bool in(const char *s, const char *const *set, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, set[i])) return true;
    return false;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the call: which root, which command, how many preserved fds ---- */

struct call {
    const char *cmd;
    const char *log, *log_format;
    char root[PATH_MAX]; /* absolute (lexically as given: the planner compares the normalised path) */
    int preserve_fds;    /* the most any --preserve-fds asks for (over-keeping is harmless: the init closes beyond the plan's) */
};

static bool is_flag(const char *arg, const char *name, const char **inline_value) {
    const char *a = arg + (arg[1] == '-' ? 2 : 1);
    size_t n = strlen(name);
    if (strncmp(a, name, n)) return false;
    if (a[n] == 0) {
        *inline_value = NULL;
        return true;
    }
    if (a[n] == '=') {
        *inline_value = a + n + 1;
        return true;
    }
    return false;
}

/*
 * The global flags Served accepts; false (go direct) for anything else, --debug (its sink is process-wide),
 * --no-planner, help and --version. Only the root and the log are kept: the planner parses the rest itself.
 */
static bool parse_call(int argc, char **argv, struct call *c) {
    static const char *valued[] = {"root", "log", "log-format", "criu", "rootless"};
    static const char *booleans[] = {"systemd-cgroup"};
    const char *root = NULL;
    int i = 0;
    c->log = NULL;
    c->log_format = "text";
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v;
        bool known = false;
        for (size_t k = 0; !known && k < sizeof(valued) / sizeof(*valued); k++) {
            if (!is_flag(argv[i], valued[k], &v)) continue;
            if (!v) {
                if (i + 1 >= argc) return false;
                v = argv[++i];
            }
            if (k == 0) root = v;
            else if (k == 1) c->log = v;
            else if (k == 2) c->log_format = v;
            known = true;
        }
        for (size_t k = 0; !known && k < sizeof(booleans) / sizeof(*booleans); k++)
            known = is_flag(argv[i], booleans[k], &v) && !v;
        if (!known) return false;
    }
    if (i >= argc || !in(argv[i], SERVED, sizeof(SERVED) / sizeof(*SERVED))) return false;
    c->cmd = argv[i];
    c->preserve_fds = 0;
    for (int k = i + 1; k < argc && strcmp(argv[k], "--"); k++) {
        const char *v;
        if (argv[k][0] != '-' || !is_flag(argv[k], "preserve-fds", &v)) continue;
        if (!v && k + 1 < argc) v = argv[++k];
        if (!v) continue;
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 0) continue; /* Java reports it */
        if (n > 4096) n = 4096;
        if (n > c->preserve_fds) c->preserve_fds = (int)n;
    }
    /* The default root: /run/jrunc for root outside a user namespace, $XDG_RUNTIME_DIR/jrunc for other users
     * (Rootless.defaultRoot); euid 0 in a user namespace with XDG_RUNTIME_DIR set is decided in Java: direct. */
    if (!root) {
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        bool has_xdg = xdg && *xdg;
        if (geteuid() == 0 && has_xdg && front_in_userns()) return false;
        if (geteuid() != 0 && has_xdg) {
            if ((size_t)snprintf(c->root, sizeof(c->root), "%s/jrunc", xdg) >= sizeof(c->root)) return false;
        } else {
            strcpy(c->root, "/run/jrunc");
        }
    } else if (root[0] == '/') {
        if ((size_t)snprintf(c->root, sizeof(c->root), "%s", root) >= sizeof(c->root)) return false;
    } else {
        char cwd[PATH_MAX];
        if (!*root || !getcwd(cwd, sizeof(cwd))) return false;
        if ((size_t)snprintf(c->root, sizeof(c->root), "%s/%s", cwd, root) >= sizeof(c->root)) return false;
    }
    return c->root[0] == '/';
}

/* ---- the connection ---- */

/* The planner's socket, connected; -1 when there is none (or it does not answer). */
static int connect_planner(const char *root) {
    char path[PATH_MAX + 32];
    if ((size_t)snprintf(path, sizeof(path), "%s/" PLANNER_DIR "/" PLANNER_SOCKET, root) >= sizeof(path)) return -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int dirfd = -1;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        /* too long for sun_path: through the directory's fd */
        char dir[PATH_MAX + 16];
        snprintf(dir, sizeof(dir), "%s/" PLANNER_DIR, root);
        dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) return -1;
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/" PLANNER_SOCKET, dirfd);
    } else {
        memcpy(sa.sun_path, path, strlen(path) + 1);
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, sizeof(sa));
    if (dirfd >= 0) close(dirfd);
    if (rc < 0) {
        if (s >= 0) close(s);
        return -1;
    }
    return s;
}

/* ---- jrunc-init, spawned as InitChannel.spawn does ---- */

bool planner_init_binary(const char *home, char *path, size_t size) {
    static const char *const where[] = {"%s/native-helper/target/jrunc-init", "%s/lib/jrunc-init"};
    for (size_t i = 0; i < 2; i++)
        if ((size_t)snprintf(path, size, where[i], home) < size && access(path, X_OK) == 0) return true;
    return false;
}

static bool open_fd(int fd) { return fcntl(fd, F_GETFD) >= 0; }

/*
 * `jrunc-init init <fd>` from the sealed copy, with our stdio, the child's end of a SOCK_SEQPACKET pair and fds
 * 3..3+preserve-1 (those open) kept, an empty environment, default signals and an empty mask: what the JVM's
 * spawn gives it. Returns its pid and *sync the parent end (CLOEXEC), or -1.
 */
static pid_t spawn_init(const char *init_path, int preserve, int *sync) {
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) return -1;
    initspawn_grow_send_buffer(sp[0]);
    initspawn_grow_send_buffer(sp[1]);
    const char *step;
    int exe = initspawn_sealed_copy(init_path, &step);
    pid_t pid = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (exe >= 0 && posix_spawn_file_actions_init(&fa) == 0) {
        if (initspawn_attrs(&attr) == 0) {
            /* dup2(fd, fd) clears FD_CLOEXEC in the child only */
            int r = posix_spawn_file_actions_adddup2(&fa, sp[1], sp[1]);
            for (int fd = 3; !r && fd < 3 + preserve; fd++)
                if (open_fd(fd) && fd != sp[1]) r = posix_spawn_file_actions_adddup2(&fa, fd, fd);
            char exe_path[64], fdarg[16];
            snprintf(exe_path, sizeof(exe_path), "/proc/self/fd/%d", exe);
            snprintf(fdarg, sizeof(fdarg), "%d", sp[1]);
            char *args[] = {"jrunc-init", SYNC_MODE_INIT, fdarg, NULL};
            char *envp[] = {NULL};
            pid_t child;
            if (!r && posix_spawn(&child, exe_path, &fa, &attr, args, envp) == 0) pid = child;
            posix_spawnattr_destroy(&attr);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    if (exe >= 0) close(exe);
    close(sp[1]);
    if (pid < 0) {
        close(sp[0]);
        return -1;
    }
    *sync = sp[0];
    return pid;
}

/* ---- frames ---- */

struct buf {
    unsigned char *p;
    size_t len, cap;
    bool fail;
};

static void put(struct buf *b, const void *s, size_t n) {
    if (b->fail) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n) cap *= 2;
        unsigned char *p = cap > PLANNER_MAX_BODY + PLANNER_HEADER ? NULL : realloc(b->p, cap);
        if (!p) {
            b->fail = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put_u32(struct buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    put(b, x, 4);
}

static void put_str(struct buf *b, const char *s) {
    put_u32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads exactly n bytes before deadline (ms, CLOCK_MONOTONIC). 1 done, 0 EOF or reset, -1 timeout or error. */
static int read_full(int s, unsigned char *p, size_t n, long long deadline) {
    size_t got = 0;
    while (got < n) {
        long long left = deadline - now_ms();
        if (left <= 0) return -1;
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)(left > INT_MAX ? INT_MAX : left));
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) return -1;
        ssize_t r = read(s, p + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno == ECONNRESET) return 0;
        if (r < 0) return -1;
        if (r == 0) return 0;
        got += (size_t)r;
    }
    return 1;
}

struct reply {
    int kind;
    uint32_t exit;
    uint32_t pid;
    char **waiter; /* NULL-terminated, or NULL */
};

/* The reply body (docs/planner.md); false when malformed. */
static bool parse_reply(unsigned char *b, size_t n, struct reply *r) {
    if (n < 13) return false;
    r->kind = b[0];
    r->exit = get_u32(b + 1);
    r->pid = get_u32(b + 5);
    uint32_t wc = get_u32(b + 9);
    size_t at = 13;
    if (wc > (n - at) / 4) return false;
    r->waiter = calloc((size_t)wc + 1, sizeof(char *));
    if (!r->waiter) return false;
    for (uint32_t i = 0; i < wc; i++) {
        if (n - at < 4) return false;
        uint32_t l = get_u32(b + at);
        at += 4;
        if (l > n - at) return false;
        r->waiter[i] = strndup((char *)b + at, l);
        if (!r->waiter[i]) return false;
        at += l;
    }
    if (!wc) {
        free(r->waiter);
        r->waiter = NULL;
    }
    return r->kind == PLANNER_DONE || r->kind == PLANNER_FALLBACK;
}

/* ---- children ---- */

/* Waits for pid (our child) to exit, at most ms; then SIGKILL and reap. */
static void reap(pid_t pid, int ms, bool kill_first) {
    if (pid <= 0) return;
    if (kill_first) kill(pid, SIGKILL);
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        while (poll(&p, 1, ms) < 0 && errno == EINTR) {}
        close(fd);
    }
    if (waitpid(pid, NULL, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
}

/* Reaps whatever children have exited (the init or exec'd process of a call the planner died in: only it knew). */
static void reap_exited(void) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

/* ---- the error line of a call the planner died in, in runc's format (io.jrunc.cli.Log) ---- */

static void fatal_line(const struct call *c, const char *msg) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    struct tm tm;
    gmtime_r(&t.tv_sec, &tm);
    char when[64], line[1024];
    snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, t.tv_nsec);
    if (!strcmp(c->log_format, "json"))
        snprintf(line, sizeof(line), "{\"level\":\"error\",\"msg\":\"%s\",\"time\":\"%s\"}\n", msg, when);
    else
        snprintf(line, sizeof(line), "time=\"%s\" level=error msg=\"%s\"\n", when, msg);
    int fd = c->log ? open(c->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666) : -1;
    if (fd >= 0) {
        if (write(fd, line, strlen(line)) < 0) {}
        close(fd);
        fprintf(stderr, "%s\n", msg);
    } else {
        fputs(line, stderr);
    }
}

/* ---- starting a planner ---- */

/*
 * A detached `jrunc --root ROOT __planner` (double fork, setsid, cwd /, stdio /dev/null), started once the
 * calling process (which is about to exec the direct JVM) has exited or become a foreground run's waiter: the
 * first call should not share the CPU with a second JVM start. The grandchild takes the planner's lock (fcntl, kept
 * across the exec: the JVM's own lock on the same file is then its own) so that parallel first calls start one
 * planner, not one each; a root that does not exist by then (the call failed) gets none.
 */
/* Is pid a JVM right now (its comm is `java`)? */
static bool runs_java(pid_t pid) {
    char path[64], comm[32] = {0};
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, comm, sizeof(comm) - 1);
    close(fd);
    return n > 0 && !strcmp(comm, "java\n");
}

static void start_planner(const char *root, const char *self) {
    pid_t caller = getpid();
    int me = (int)syscall(SYS_pidfd_open, caller, 0);
    if (me < 0) return;
    pid_t child = fork();
    if (child < 0) {
        close(me);
        return;
    }
    if (child > 0) {
        close(me);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        return;
    }
    if (fork() != 0) _exit(0);
    setsid();
    /* Let go of the caller's stdio at once: a caller reading our stdout to EOF must not wait for the planner. */
    int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (nul < 0 || chdir("/") < 0) _exit(0);
    dup2(nul, 0);
    dup2(nul, 1);
    dup2(nul, 2);
    if (me > 3) syscall(SYS_close_range, 3U, (unsigned)me - 1, 0U);
    syscall(SYS_close_range, (unsigned)me + 1, ~0U, 0U);
    char dir[PATH_MAX + 16], lock[PATH_MAX + 32];
    if ((size_t)snprintf(lock, sizeof(lock), "%s/" PLANNER_DIR "/" PLANNER_LOCK, root) >= sizeof(lock)) _exit(0);
    snprintf(dir, sizeof(dir), "%s/" PLANNER_DIR, root);
    struct stat st;
    /*
     * Until the call is over: its JVM has exited (the pidfd), or it has become the foreground waiter (no longer
     * `java` after START_DELAY_MAX_MS: a run's waiter lives as long as its container). A JVM still working after
     * the delay (an emulated guest: a JVM start there takes seconds) is waited for, at most a minute, so the
     * planner's own start never competes with the first call. The root is made by the call itself: a call that
     * ended without making it failed, and gets no planner. (A relative --root was made absolute before.)
     */
    long long since = now_ms();
    for (;;) {
        struct pollfd p = {.fd = me, .events = POLLIN};
        int r = poll(&p, 1, 100);
        if (r < 0 && errno == EINTR) continue;
        bool have_root = stat(root, &st) == 0 && S_ISDIR(st.st_mode);
        long long waited = now_ms() - since;
        if (r > 0 || waited >= 60000) {
            if (!have_root) _exit(0);
            break;
        }
        if (waited >= START_DELAY_MAX_MS && have_root && !runs_java(caller)) break;
    }
    close(me);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) _exit(0);
    /* What the planner will insist on (Server.start): a 0700 directory of ours, no symlink. Checked here too, so
     * that a root where no planner can run does not get a JVM started in vain by every call. */
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) _exit(0);
    if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) < 0) _exit(0);
    int lk = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW, 0600); /* no CLOEXEC: the planner keeps this lock */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lk < 0 || fcntl(lk, F_SETLK, &fl) < 0) _exit(0);
    const char *idle = getenv("JRUNC_PLANNER_IDLE_MS");
    char *args[] = {"jrunc", "--root", (char *)root, "__planner", idle && *idle ? "--idle-ms" : NULL, (char *)idle, NULL};
    execv(self, args);
    _exit(127);
}

/* ---- the call ---- */

bool planner_enabled(int argc, char **argv) {
    const char *e = getenv("JRUNC_PLANNER");
    if (e && !strcmp(e, "0")) return false;
    for (int i = 0; i < argc && argv[i][0] == '-'; i++)
        if (!strcmp(argv[i], "--no-planner") || !strcmp(argv[i], "-no-planner")) return false;
    return true;
}

int planner_call(int argc, char **argv, const char *home, const char *self) {
    struct call c;
    if (!planner_enabled(argc, argv) || !parse_call(argc, argv, &c)) return FALLBACK;
    bool spawning = in(c.cmd, SPAWNING, sizeof(SPAWNING) / sizeof(*SPAWNING));
    char init_path[PATH_MAX];
    if (spawning && !planner_init_binary(home, init_path, sizeof(init_path))) return FALLBACK;
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0 || !open_fd(STDERR_FILENO)) {
        if (cwd >= 0) close(cwd);
        return FALLBACK;
    }
    int s = connect_planner(c.root);
    if (s < 0) {
        close(cwd);
        /* not under JRUNC_FRONT_ONLY (tests): that promises no JVM starts, and a planner is one */
        const char *only = getenv("JRUNC_FRONT_ONLY");
        if (spawning && !(only && *only)) start_planner(c.root, self);
        return FALLBACK;
    }
    int sync = -1;
    pid_t helper = spawning ? spawn_init(init_path, c.preserve_fds, &sync) : 0;
    if (helper < 0) {
        close(s);
        close(cwd);
        return FALLBACK;
    }

    /* the request: umask, roles, argv (without argv[0]), environment; the fds with its first byte */
    mode_t um = umask(0);
    umask(um);
    int fds[5];
    unsigned char roles[5];
    int nfds = 0;
    fds[nfds] = cwd, roles[nfds++] = PLANNER_ROLE_CWD;
    for (int fd = 0; fd < 3; fd++)
        if (open_fd(fd)) fds[nfds] = fd, roles[nfds++] = (unsigned char)(PLANNER_ROLE_STDIN + fd);
    if (sync >= 0) fds[nfds] = sync, roles[nfds++] = PLANNER_ROLE_INIT;
    struct buf b = {0};
    put(&b, PLANNER_REQUEST_MAGIC, 4);
    put_u32(&b, 0); /* body length, below */
    put_u32(&b, (uint32_t)um);
    put_u32(&b, (uint32_t)nfds);
    put(&b, roles, (size_t)nfds);
    put_u32(&b, (uint32_t)argc);
    for (int i = 0; i < argc; i++) put_str(&b, argv[i]);
    size_t envc = 0;
    for (char **e = environ; *e; e++) envc++;
    put_u32(&b, (uint32_t)envc);
    for (char **e = environ; *e; e++) put_str(&b, *e);
    int rc = FALLBACK;
    bool taken = false;
    struct reply r = {0};
    unsigned char *body = NULL;
    if (b.fail) goto out;
    uint32_t blen = (uint32_t)(b.len - PLANNER_HEADER);
    unsigned char bl[4] = {(unsigned char)(blen >> 24), (unsigned char)(blen >> 16), (unsigned char)(blen >> 8), (unsigned char)blen};
    memcpy(b.p + 4, bl, 4);
    {
        union {
            char b[CMSG_SPACE(sizeof(fds))];
            struct cmsghdr align;
        } ctl;
        memset(&ctl, 0, sizeof(ctl));
        struct iovec iov = {.iov_base = b.p, .iov_len = b.len};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = CMSG_SPACE(nfds * sizeof(int))};
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
        ssize_t w;
        while ((w = sendmsg(s, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
        if (w <= 0) goto out;
        /* the rest of a large request (the fds went with the first bytes) */
        for (size_t at = (size_t)w; at < b.len;) {
            ssize_t n = send(s, b.p + at, b.len - at, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) goto out;
            at += (size_t)n;
        }
    }
    /* the planner has its own copies now */
    close(cwd);
    cwd = -1;
    if (sync >= 0) close(sync);
    sync = -1;

    unsigned char h[PLANNER_HEADER];
    long long deadline = now_ms() + ACK_TIMEOUT_MS;
    if (read_full(s, h, 4, deadline) != 1) goto out;
    if (!memcmp(h, PLANNER_ACK, 4)) {
        taken = true;
        if (read_full(s, h, 4, now_ms() + REPLY_TIMEOUT_MS) != 1) goto out;
    }
    if (memcmp(h, PLANNER_REPLY_MAGIC, 4) || read_full(s, h + 4, 4, now_ms() + 5000) != 1) goto out;
    uint32_t n = get_u32(h + 4);
    if (n > PLANNER_MAX_BODY || !(body = malloc(n ? n : 1)) || read_full(s, body, n, now_ms() + 5000) != 1) goto out;
    if (!parse_reply(body, n, &r)) goto out;
    if (r.kind == PLANNER_FALLBACK) {
        taken = false; /* nothing was done, acknowledged or not */
        goto out;
    }
    /* DONE: the helper has exited or is about to (the planner closed its sync socket) */
    reap(helper, 5000, false);
    helper = 0;
    close(s);
    s = -1;
    if (r.waiter && r.pid > 0) {
        /* a foreground run or exec: this process becomes the waiter, the parent of the process it waits for
         * (which may have exited already: reaping anything here could take its status from the waiter) */
        execve(init_path, r.waiter, environ);
        fatal_line(&c, "exec of the foreground waiter failed");
        rc = 1;
        goto out;
    }
    rc = (int)(r.exit & 0xff);
out:
    free(b.p);
    free(body);
    if (r.waiter)
        for (char **w = r.waiter; *w; w++) free(*w);
    free(r.waiter);
    if (cwd >= 0) close(cwd);
    if (sync >= 0) close(sync);
    if (s >= 0) close(s);
    if (helper > 0) reap(helper, taken ? 5000 : 0, !taken);
    if (rc == FALLBACK && taken) {
        /* acknowledged, then no reply: the planner died with the call in its hands; never run it twice */
        reap_exited();
        char msg[256];
        snprintf(msg, sizeof(msg), "the jrunc planner exited during %s before it replied; `jrunc delete --force` of the "
                                   "container cleans up what it left",
                 c.cmd);
        fatal_line(&c, msg);
        rc = !strcmp(c.cmd, "exec") ? 255 : 1;
    }
    return rc;
}
