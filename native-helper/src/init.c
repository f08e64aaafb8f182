/*
 * The container init (docs/plan-format.md, "Init steps"): runs in the clone'd child, single-threaded,
 * from the release by the helper until execve of the container process. Every failure is reported as
 * `error <text>` on the sync socket (or stderr once the socket is closed) and ends the init with exit 1.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "console.h"
#include "hooks.h"
#include "lsm.h"
#include "process.h"
#include "rootfs.h"
#include "util.h"

/* The `go` packet: SYNC_GO ("go\n") + the state JSON the createContainer hooks get on stdin, optionally "\n" + the
 * one the startContainer hooks get (compact JSON has no raw newline); without it both get the first. */
struct go_msg {
    char *state, *start_state;
    size_t len, start_len;
};

static void wait_for_release(int fd) {
    char b;
    ssize_t n;
    do {
        n = read(fd, &b, 1);
    } while (n < 0 && errno == EINTR);
    /* EOF: the helper failed (and reported it) before releasing us. */
    if (n != 1) _exit(1);
    close(fd);
}

/* In a new user namespace the init starts as the overflow uid: become root of the namespace. */
static void become_ns_root(const struct plan *p) {
    if (!(p->clone_flags & CLONE_NEWUSER)) return;
    if (setresgid(0, 0, 0) < 0) die_errno(errno, "setresgid 0 in the user namespace");
    if (setresuid(0, 0, 0) < 0) die_errno(errno, "setresuid 0 in the user namespace");
}

/* A joined or new user namespace may deny setgroups(2); read it while /proc is the host's. */
static bool setgroups_denied(void) {
    char buf[16] = "";
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    return n >= 4 && strncmp(buf, "deny", 4) == 0;
}

static struct go_msg wait_for_go(void) {
    size_t len;
    char *buf = (char *)recv_message(g_sync_fd, &len, PLAN_MAX_SIZE, "go");
    /* SYNC_GO, or a bare "go": SYNC_GO without its line break and nothing after it */
    const size_t go = sizeof(SYNC_GO) - 1;
    if (len < go - 1 || memcmp(buf, SYNC_GO, go - 1) != 0 || (len > go - 1 && buf[go - 1] != SYNC_GO[go - 1]))
        die("expected \"go\", got \"%.40s\"", buf);
    struct go_msg g = {.state = buf + (len >= go ? go : go - 1), .len = len >= go ? len - go : 0};
    char *nl = memchr(g.state, SYNC_GO_STATE_SEPARATOR[0], g.len);
    g.start_state = nl ? nl + 1 : g.state;
    g.start_len = nl ? g.len - (size_t)(nl + 1 - g.state) : g.len;
    if (nl) g.len = (size_t)(nl - g.state);
    return g;
}

static bool has_mount_ns(const struct plan *p) {
    if (p->clone_flags & CLONE_NEWNS) return true;
    for (size_t i = 0; i < p->n_ns_join; i++) {
        if (p->ns_join[i].type == CLONE_NEWNS) return true;
    }
    return false;
}

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#define PROC_ROOT_INO 1
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

/*
 * After the root change every write the init makes through /proc (sysctls, the magic links it mounts
 * through, the exec fifo) must reach the kernel's files, not whatever a mount over /proc or over a file
 * in it (a volume, a racing container's shared mount: CVE-2019-19921, CVE-2023-27561, CVE-2025-52881)
 * puts there. The container's /proc must be the root of a procfs mount; a non-recursive clone of that
 * mount carries none of the mounts stacked on it, and being detached, none can be added to it.
 */
static int trusted_proc(void) {
    int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) die_errno(errno, "open \"/proc\" in the container");
    struct statfs sfs;
    struct stat st;
    if (fstatfs(fd, &sfs) < 0) die_errno(errno, "statfs \"/proc\"");
    if (fstat(fd, &st) < 0) die_errno(errno, "stat \"/proc\"");
    if (sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO)
        die("\"/proc\" in the container is not the root of a procfs mount (something is mounted over it): "
            "refusing to write through it");
    int clone = (int)syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);
    if (clone < 0) die_errno(errno, "clone the procfs mount of \"/proc\"");
    close(fd);
    return clone;
}

/* Step 7 (sysctl): the key is resolved beneath the private procfs's sys, never through a symlink or a mount. */
static void write_sysctl(int proc, const struct sysctl_rec *s) {
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "sys/%s", s->key) >= sizeof(path))
        die("sysctl key \"%s\" is too long", s->key);
    struct open_how how = {.flags = O_WRONLY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
    int fd = (int)syscall(SYS_openat2, proc, path, &how, sizeof(how));
    if (fd < 0) die_errno(errno, "write sysctl key \"%s\"", s->key);
    int r = write_all(fd, s->value, strlen(s->value));
    if (r < 0) die_errno(-r, "write sysctl key \"%s\"", s->key);
    close(fd);
}

static void system_settings(const struct init_ctx *c) {
    const struct plan *p = c->plan;
    /* Without a rootfs there was no root change: /proc is whatever this mount namespace has there. */
    int proc = c->proc_fd >= 0 || !p->n_sysctls ? c->proc_fd : trusted_proc();
    for (size_t i = 0; i < p->n_sysctls; i++) write_sysctl(proc, &p->sysctls[i]);
    if (proc != c->proc_fd) close(proc);
    if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
        die_errno(errno, "sethostname \"%s\"", p->hostname);
    if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
        die_errno(errno, "setdomainname \"%s\"", p->domainname);
    if (p->has_personality && personality(p->personality) < 0) die_errno(errno, "personality %#x", p->personality);
}

/*
 * runc's reOpenDevNull: stdio that is the host's /dev/null (conmon's stdin, `</dev/null`) becomes the
 * container's own /dev/null. The same device, but a file of the container's mount namespace: criu
 * cannot checkpoint an fd on a mount outside the container ("Can't lookup mount"), and nothing of the
 * host's /dev stays reachable through /proc/1/fd. Only when the container's /dev/null is the null device.
 */
static void reopen_dev_null(void) {
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return;
    struct stat null_st, st;
    if (fstat(fd, &null_st) == 0 && S_ISCHR(null_st.st_mode) && major(null_st.st_rdev) == 1 && minor(null_st.st_rdev) == 3) {
        for (int i = 0; i < 3; i++)
            if (fstat(i, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == null_st.st_rdev && dup3(fd, i, 0) < 0)
                die_errno(errno, "reopen fd %d on the container's /dev/null", i);
    }
    close(fd);
}

/* Steps 2-6: the container's mount namespace up to the root change, and the terminal. */
static void enter_rootfs(struct init_ctx *c, const struct go_msg *go) {
    const struct plan *p = c->plan;
    bool own_ns = has_mount_ns(p);
    /* Paths and device modes are exactly as planned, whatever umask Java had. */
    umask(0);
    rootfs_prepare(p, own_ns);
    rootfs_populate(p, c->mount_fds);
    /* createContainer hooks run in the container's namespaces with the host's filesystem view, in the rootfs (runc). */
    if (chdir(p->rootfs) < 0) die_errno(errno, "chdir to rootfs \"%s\"", p->rootfs);
    run_hooks(p, HOOK_CREATE_CONTAINER, go->state, go->len);
    rootfs_change_root(p, own_ns);
    if (own_ns) reopen_dev_null();
    /* From here on mounts go through the magic links of the private procfs clone, as the working directory. */
    c->proc_fd = trusted_proc();
    if (fchdir(c->proc_fd) < 0) die_errno(errno, "chdir to the private procfs");
    g_fd_path_prefix = "self/fd/";
    /* Before masks and the read-only root: /dev/console must still be creatable (runc's order). */
    if (p->terminal) {
        console_setup(c->console_fd, p, true);
        c->console_fd = -1;
    }
}

/* Steps 8-9, after the sysctls: a read-only /proc/sys would refuse them (runc's order). */
static void finish_rootfs(const struct plan *p) {
    rootfs_mask_and_readonly(p);
    if (p->root_readonly) rootfs_root_readonly();
}

/*
 * Step 10; runc retries a chdir that fails with EACCES after the uid change, when the user may enter.
 * The cwd is resolved inside the container's root without magic links: /proc/self/fd/N would otherwise
 * make it any directory an fd of ours (or a preserved one) refers to, on the host too (CVE-2024-21626).
 */
static bool change_cwd(const struct plan *p, bool last_try) {
    g_fd_path_prefix = "/proc/self/fd/"; /* the procfs clone stops being the working directory */
    if (!p->cwd) return true;
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) die_errno(errno, "open \"/\"");
    struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, root, p->cwd, &how, sizeof(how));
    int e = errno;
    close(root);
    if (fd >= 0 && fchdir(fd) < 0) e = errno, close(fd), fd = -1;
    if (fd < 0) {
        if (e == EACCES && !last_try) return false;
        die_errno(e, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
    }
    close(fd);
    /* Belt and braces: the kernel calls a directory outside our root "(unreachable)". */
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
        die("current working directory is outside of the container's root: refusing to start (cwd \"%s\")", p->cwd);
    return true;
}

/* Step 16: `ready`, then block until `jrunc start` opens the fifo for reading. */
static void signal_ready_and_wait_for_start(struct init_ctx *c) {
    int r = sync_send(SYNC_READY, sizeof(SYNC_READY) - 1);
    if (r < 0) die_errno(-r, "send ready");
    close(g_sync_fd);
    g_sync_fd = -1;
    if (c->fifo_fd < 0) return;
    char path[FD_PATH_LEN];
    /* Reopened through the private procfs (the container's /proc may be covered, see trusted_proc). */
    int fd, dir = c->proc_fd >= 0 ? c->proc_fd : AT_FDCWD;
    snprintf(path, sizeof(path), "%s%d", c->proc_fd >= 0 ? "self/fd/" : "/proc/self/fd/", c->fifo_fd);
    do {
        fd = openat(dir, path, O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) die_errno(errno, "open exec fifo");
    r = write_all(fd, SYNC_FIFO_BYTE, sizeof(SYNC_FIFO_BYTE) - 1);
    if (r < 0) die_errno(-r, "write exec fifo");
    /* The write end stays open (O_CLOEXEC) until execve: `start` sees end-of-file exactly when the
     * container's process has been executed (or the init died), and runs poststart hooks only then
     * (config.md: "after the user-specified process is executed"). */
    close(c->fifo_fd);
    c->fifo_fd = -1;
    if (c->proc_fd >= 0) close(c->proc_fd);
    c->proc_fd = -1;
}

/*
 * A session keyring of its own, so the container cannot read the host's or other containers' keys
 * (runc's default; --no-new-keyring keeps the caller's). Readable and searchable by the container's
 * processes: permissions as runc sets them. Done first, as runc's standard and setns inits do: a
 * seccomp filter installed later (Docker's and containerd's default profiles deny keyctl) or a dropped
 * capability must not be able to break it. Kernels without keyrings (ENOSYS) are tolerated, as in runc.
 */
static void join_session_keyring(const struct plan *p) {
    if (!p->session_keyring) return;
    long k = syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, p->session_keyring);
    if (k < 0 && errno == ENOSYS) return;
    if (k < 0) die_errno(errno, "join session keyring \"%s\"", p->session_keyring);
    /* exec (no rootfs) joins the keyring the init made, as runc's setns init does, leaving its permissions be. */
    if (p->rootfs && syscall(SYS_keyctl, 5 /* KEYCTL_SETPERM */, k, 0x3f1b0000) < 0)
        die_errno(errno, "set the permissions of session keyring \"%s\"", p->session_keyring);
}

/* The kernel's struct sigaction: only the handler (first member everywhere) is read or set. */
struct k_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

/*
 * The container starts with every signal at its default: an ignored disposition survives execve, and
 * whoever started us may have left some (glibc's posix_spawn ignores its internal signals 32 and 33,
 * which glibc's own sigaction refuses to touch, hence the raw syscall).
 */
static void reset_ignored_signals(void) {
    for (int sig = 1; sig <= 64; sig++) {
        struct k_sigaction old, dfl = {.handler = SIG_DFL};
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof(uint64_t)) == 0 && old.handler == SIG_IGN)
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
    }
}

void init_main(struct init_ctx *c) {
    const struct plan *p = c->plan;
    wait_for_release(c->release_fd);
    /* The init holds host fds (fifo, console socket) until execve: nobody may ptrace it or read its memory. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die_errno(errno, "prctl(PR_SET_DUMPABLE)");
    become_ns_root(p);
    bool deny_setgroups = setgroups_denied();
    struct go_msg go = wait_for_go();
    /* Now that Java has put us in the container's cgroup, it becomes the root of the new cgroup namespace (runc). */
    if ((p->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) die_errno(errno, "unshare the cgroup namespace");

    if (setsid() < 0) die_errno(errno, "setsid"); /* step 1 */
    join_session_keyring(p);
    if (p->rootfs) enter_rootfs(c, &go);          /* steps 2-6 */
    /* Without a rootfs (the filesystem is not ours to change) the pty is made, but /dev/console left alone. */
    if (c->console_fd >= 0) console_setup(c->console_fd, p, false);
    system_settings(c);                   /* step 7 */
    if (p->rootfs) finish_rootfs(p);     /* steps 8-9 */
    bool cwd_done = change_cwd(p, false); /* step 10 */

    /* The LSM attr files are opened now, in the container's /proc and before any seccomp filter, and written
     * just before execve (step 18). */
    struct lsm_fds lsm;
    lsm_open(p, &lsm);

    /* Steps 11-12. Without NO_NEW_PRIVS, seccomp needs CAP_SYS_ADMIN: install it while we still have it (runc). */
    if (!p->no_new_privs) install_seccomp(p);
    drop_bounding_set(p, c->cap_last);
    set_credentials(p, deny_setgroups);
    if (!cwd_done) change_cwd(p, true);
    apply_caps(p, c->cap_last);
    umask(p->has_umask ? (mode_t)p->umask : (mode_t)c->orig_umask);

    /* Steps 13-15: look the executable up and close stray fds before seccomp, so that the filter sees as
     * few syscalls of ours as possible. */
    char exe[PATH_MAX];
    lookup_executable(p, exe, sizeof(exe));
    int keep[] = {g_sync_fd, c->fifo_fd, c->proc_fd, lsm.apparmor, lsm.selinux};
    close_fds_from(3 + (int)p->preserve_fds, keep, 5);
    if (p->no_new_privs) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die_errno(errno, "prctl(PR_SET_NO_NEW_PRIVS)");
        install_seccomp(p);
    }

    /* LSM exec attrs apply at the next execve and are inherited by fork: written before `ready` (a refused
     * profile fails create, as in runc), or after the startContainer hooks when there are some, so that the
     * hooks the init forks do not run under the container's label. */
    if (!p->lsm_after_hooks) lsm_write(p, &lsm);
    signal_ready_and_wait_for_start(c);
    run_hooks(p, HOOK_START_CONTAINER, go.start_state, go.start_len);
    reset_ignored_signals();
    lsm_write(p, &lsm);
    execve(exe, p->args.v, p->env.v);
    die_errno(errno, "exec \"%s\"", exe);
}
