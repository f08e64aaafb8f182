/*
 * The helper half of `jrunc-init init <fd>` (docs/plan-format.md, "Processes" 1-3): read the plan, open
 * what must be opened with the host's view of the filesystem, join namespaces, clone the init, write its
 * id maps and rlimits, report its pid, release it, exit.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "console.h"
#include "idmap.h"
#include "process.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const RLIMIT_NAMES[] = {
    "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
    "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
    "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};

static const char *ns_name(uint32_t type) {
    switch (type) {
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWNET: return "network";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWCGROUP: return "cgroup";
    case CLONE_NEWTIME: return "time";
    case CLONE_NEWNS: return "mount";
    default: return "unknown";
    }
}

/*
 * NS_JOIN in plan order. All paths are opened first: joining a mount namespace changes what a later
 * path would mean.
 */
static void join_namespaces(const struct plan *p) {
    if (p->n_ns_join == 0) return;
    int fds[p->n_ns_join];
    for (size_t i = 0; i < p->n_ns_join; i++) {
        fds[i] = open(p->ns_join[i].path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) die_errno(errno, "open %s namespace \"%s\"", ns_name(p->ns_join[i].type), p->ns_join[i].path);
    }
    /* From here on the helper is in namespaces others may control: no core dumps, no ptrace by them. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die_errno(errno, "prctl(PR_SET_DUMPABLE)");
    for (size_t i = 0; i < p->n_ns_join; i++) {
        if (setns(fds[i], (int)p->ns_join[i].type) < 0)
            die_errno(errno, "join %s namespace \"%s\"", ns_name(p->ns_join[i].type), p->ns_join[i].path);
        close(fds[i]);
    }
}

/*
 * A new time namespace applies to children only, so the helper unshares it and the init is cloned into
 * it. The offsets file is opened before any namespace is joined (it must be the host's /proc) and written
 * after the unshare: a write goes to the namespace the task will give its children.
 */
static int open_time_offsets(const struct plan *p) {
    if (!p->time_offsets) return -1;
    int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0) die_errno(errno, "open /proc/self/timens_offsets");
    return fd;
}

static void new_time_namespace(const struct plan *p, int fd) {
    if (fd < 0) return;
    if (unshare(CLONE_NEWTIME) < 0) die_errno(errno, "unshare the time namespace");
    int r = write_all(fd, p->time_offsets, strlen(p->time_offsets));
    if (r < 0) die_errno(-r, "write time offsets");
    close(fd);
}

/*
 * oom_score_adj is inherited by the clone and by execve. Writing it here, with the host's privileges,
 * also allows lowering it, which a user-namespaced init could not (runc does the same).
 */
static void set_oom_score_adj(const struct plan *p) {
    if (!p->oom_score_adj) return;
    int r = write_file("/proc/self/oom_score_adj", p->oom_score_adj, strlen(p->oom_score_adj));
    if (r < 0) die_errno(-r, "write oom_score_adj \"%s\"", p->oom_score_adj);
}

static void write_proc(pid_t pid, const char *file, const char *data) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    int r = write_file(path, data, strlen(data));
    if (r < 0) die_errno(-r, "write %s", path);
}

static void write_id_maps(const struct plan *p, pid_t pid) {
    if (!(p->clone_flags & CLONE_NEWUSER)) return;
    if (p->setgroups) write_proc(pid, "setgroups", p->setgroups); /* must precede gid_map */
    if (p->uid_map) write_proc(pid, "uid_map", p->uid_map);
    if (p->gid_map) write_proc(pid, "gid_map", p->gid_map);
}

/*
 * rlimits are set from outside with prlimit, as runc does: raising a hard limit needs CAP_SYS_RESOURCE in
 * the initial user namespace, which a user-namespaced init does not have.
 */
static void set_rlimits(const struct plan *p, pid_t pid) {
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const struct rlimit_rec *r = &p->rlimits[i];
        struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
        if (prlimit(pid, (__rlimit_resource_t)r->resource, &rl, NULL) < 0) {
            if (r->resource < sizeof(RLIMIT_NAMES) / sizeof(RLIMIT_NAMES[0]))
                die_errno(errno, "setrlimit %s", RLIMIT_NAMES[r->resource]);
            die_errno(errno, "setrlimit %u", r->resource);
        }
    }
}

static pid_t clone_init(uint64_t flags) {
    /* The raw syscall behaves like fork (no new stack, the child returns here). CLONE_PARENT makes the
     * init a child of the JVM, so that it is reaped by whoever reaps Java's children. */
    long pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | flags | SIGCHLD), NULL, NULL, NULL, 0UL);
    if (pid < 0) die_errno(errno, "clone");
    return (pid_t)pid;
}

int helper_main(int sock) {
    g_sync_fd = sock;
    /* posix_spawn cleared FD_CLOEXEC to hand us the socket: set it again so no hook or container gets it. */
    fcntl(sock, F_SETFD, FD_CLOEXEC);
    size_t len;
    uint8_t *buf = recv_message(sock, &len, PLAN_MAX_SIZE, "the plan");
    static struct plan plan;
    char err[512];
    if (plan_parse(buf, len, &plan, err, sizeof(err)) < 0) die("%s", err);
    free(buf);
    struct plan *p = &plan;
    if (p->terminal && !p->console_socket) die("terminal requested but no --console-socket");

    /* Everything named by a host path is opened now, before a namespace changes what paths mean. */
    struct init_ctx c = {.plan = p, .fifo_fd = -1, .console_fd = -1, .proc_fd = -1};
    if (p->fifo_path) {
        c.fifo_fd = open(p->fifo_path, O_PATH | O_CLOEXEC);
        if (c.fifo_fd < 0) die_errno(errno, "open exec fifo \"%s\"", p->fifo_path);
    }
    if (p->terminal) c.console_fd = console_connect(p->console_socket);
    c.cap_last = read_cap_last_cap();
    c.orig_umask = (int)umask(0);
    umask((mode_t)c.orig_umask);
    int time_fd = open_time_offsets(p);
    set_oom_score_adj(p);
    /* Sources of id-mapped mounts are host paths, and MOUNT_ATTR_IDMAP needs the initial user namespace. */
    c.mount_fds = idmap_prepare(p);

    join_namespaces(p);
    new_time_namespace(p, time_fd);

    int release[2];
    if (pipe2(release, O_CLOEXEC) < 0) die_errno(errno, "pipe");
    /* The id maps of a non-dumpable process can only be written by root: stay dumpable for an
     * unprivileged caller until the maps are in (the init turns it off once released). */
    if ((p->clone_flags & CLONE_NEWUSER) && p->n_ns_join) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    /* The cgroup namespace is unshared by the init after `go`: its root must be the container's cgroup,
     * which Java joins only after `pid`. */
    pid_t pid = clone_init(p->clone_flags & ~(uint64_t)CLONE_NEWCGROUP);
    if (pid == 0) {
        close(release[1]);
        c.release_fd = release[0];
        init_main(&c);
    }
    close(release[0]);
    g_unannounced_init = pid;
    write_id_maps(p, pid);
    set_rlimits(p, pid);
    /* The pid goes out before the release, so that it is always the first message Java reads. */
    char msg[32];
    int n = snprintf(msg, sizeof(msg), SYNC_PID_PREFIX "%d", pid);
    if (sync_send(msg, (size_t)n) < 0) {
        kill(pid, SIGKILL);
        return 1;
    }
    g_unannounced_init = 0;
    int r = write_all(release[1], "1", 1);
    if (r < 0) die_errno(-r, "release the container init");
    return 0;
}
