#define _GNU_SOURCE
#include "process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int read_cap_last_cap(void) {
    char buf[16] = "";
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    int v = atoi(buf);
    /* Unknown: try every bit of the 64-bit masks and let EINVAL say which the kernel lacks. */
    return v > 0 && v < 64 ? v : 63;
}

void drop_bounding_set(const struct plan *p, int cap_last) {
    if (!p->has_caps) return;
    for (int c = 0; c <= cap_last; c++) {
        if (p->caps.bounding & (1ULL << c)) continue;
        /* Already dropped needs no privilege check; EINVAL: the kernel does not know this capability. */
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) <= 0) continue;
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            die_errno(errno, "drop capability %d from the bounding set", c);
    }
}

void set_credentials(const struct plan *p, bool setgroups_denied) {
    if (!setgroups_denied) {
        size_t n = p->has_additional_gids ? p->n_additional_gids : 0;
        if (setgroups(n, (const gid_t *)p->additional_gids) < 0) die_errno(errno, "setgroups");
    }
    /* Keep the permitted set across the uid change; CAPS then decides what remains. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) die_errno(errno, "prctl(PR_SET_KEEPCAPS)");
    if (p->has_gid && setresgid(p->gid, p->gid, p->gid) < 0) die_errno(errno, "setresgid %u", p->gid);
    if (p->has_uid && setresuid(p->uid, p->uid, p->uid) < 0) die_errno(errno, "setresuid %u", p->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) die_errno(errno, "prctl(PR_SET_KEEPCAPS)");
}

void apply_caps(const struct plan *p, int cap_last) {
    if (!p->has_caps) return;
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2];
    const struct caps_rec *c = &p->caps;
    for (int i = 0; i < 2; i++) {
        d[i].effective = (uint32_t)(c->effective >> (32 * i));
        d[i].permitted = (uint32_t)(c->permitted >> (32 * i));
        d[i].inheritable = (uint32_t)(c->inheritable >> (32 * i));
    }
    if (syscall(SYS_capset, &h, d) < 0) die_errno(errno, "capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        die_errno(errno, "clear the ambient capabilities");
    for (int i = 0; i <= cap_last; i++) {
        if (!(c->ambient & (1ULL << i))) continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0 && errno != EINVAL)
            die_errno(errno, "raise ambient capability %d", i);
    }
}

/*
 * With SECCOMP_FILTER_FLAG_NEW_LISTENER (Java sets it when the profile has SCMP_ACT_NOTIFY rules) the
 * kernel hands back the listener fd. Only the runtime outside can reach listenerPath (we may already be
 * past pivot_root), so the fd goes to Java over the sync socket, and we wait until Java says the agent
 * has it: a process exec'd before that could block on a notification nobody will ever read.
 */
static void hand_over_listener(int listener) {
    int r = send_with_fd(g_sync_fd, SYNC_SECCOMP, sizeof(SYNC_SECCOMP) - 1, listener);
    if (r < 0) die_errno(-r, "send the seccomp listener fd");
    close(listener);
    char ack[64];
    ssize_t n;
    do {
        n = recv(g_sync_fd, ack, sizeof(ack), 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) _exit(1); /* Java failed (and reports why) */
    if (n < 0) die_errno(errno, "wait for the seccomp agent");
    if ((size_t)n != sizeof(SYNC_SECCOMP_OK) - 1 || memcmp(ack, SYNC_SECCOMP_OK, (size_t)n) != 0)
        die("expected \"" SYNC_SECCOMP_OK "\", got \"%.*s\"", (int)n, ack);
}

void install_seccomp(const struct plan *p) {
    if (!p->has_seccomp) return;
    struct sock_fprog prog = {
        .len = (unsigned short)(p->seccomp.len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)p->seccomp.bpf,
    };
    if (p->seccomp.len / sizeof(struct sock_filter) > BPF_MAXINSNS)
        die("seccomp: the filter has %zu instructions, more than %d", p->seccomp.len / sizeof(struct sock_filter),
            BPF_MAXINSNS);
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp.flags, &prog);
    if (r < 0) die_errno(errno, "seccomp");
    if (p->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) hand_over_listener((int)r);
}

/* ---- executable lookup (Go's exec.LookPath, which runc uses) ---- */

/* 0 if path is an executable regular file, else the errno Go's findExecutable would report. */
static int check_executable(const char *path, bool *stat_failed) {
    struct stat st;
    *stat_failed = false;
    if (stat(path, &st) < 0) {
        *stat_failed = true;
        return errno;
    }
    if (S_ISDIR(st.st_mode)) return EACCES; /* Go's findExecutable: a directory is "permission denied" */
    if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0) return 0;
    if (errno != ENOSYS && errno != EPERM) return errno;
    return (st.st_mode & 0111) ? 0 : EACCES;
}

static const char *env_path(const struct plan *p) {
    for (size_t i = 0; i < p->env.n; i++) {
        if (strncmp(p->env.v[i], "PATH=", 5) == 0) return p->env.v[i] + 5;
    }
    return DEFAULT_PATH;
}

void lookup_executable(const struct plan *p, char *out, size_t size) {
    if (p->args.n == 0) die("args must not be empty");
    const char *a0 = p->args.v[0];
    bool stat_failed;
    if (strchr(a0, '/')) {
        int e = check_executable(a0, &stat_failed);
        if (e && stat_failed) die("exec: \"%s\": stat %s: %s", a0, a0, errstr(e));
        if (e) die("exec: \"%s\": %s", a0, errstr(e));
        if ((size_t)snprintf(out, size, "%s", a0) >= size) die("exec: \"%s\": file name too long", a0);
        return;
    }
    const char *path = env_path(p);
    for (const char *dir = path;; dir++) {
        const char *end = strchrnul(dir, ':');
        int dl = (int)(end - dir);
        /* An empty PATH entry means the current directory. */
        int n = dl ? snprintf(out, size, "%.*s/%s", dl, dir, a0) : snprintf(out, size, "./%s", a0);
        if (n > 0 && (size_t)n < size && check_executable(out, &stat_failed) == 0) return;
        dir = end;
        if (!*end) break;
    }
    die("exec: \"%s\": executable file not found in $PATH", a0);
}

/* ---- fds ---- */

static void close_range_or_loop(unsigned int lo, unsigned int hi) {
    if (lo > hi) return;
    if (syscall(SYS_close_range, lo, hi, 0) == 0) return;
    /* No close_range (old kernel, or a seccomp profile that denies it): close what /proc lists. */
    DIR *d = opendir("/proc/self/fd");
    if (!d) die_errno(errno, "close_range");
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        unsigned long fd = strtoul(e->d_name, &end, 10);
        if (*end || e->d_name[0] == '.' || (int)fd == self) continue;
        if (fd >= lo && fd <= hi) close((int)fd);
    }
    closedir(d);
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

void close_fds_from(int from, const int *keep, int n) {
    int k[8];
    int m = 0;
    for (int i = 0; i < n && m < 8; i++) {
        if (keep[i] >= from) k[m++] = keep[i];
    }
    qsort(k, (size_t)m, sizeof(int), cmp_int);
    unsigned int lo = (unsigned int)from;
    for (int i = 0; i < m; i++) {
        if ((unsigned int)k[i] > lo) close_range_or_loop(lo, (unsigned int)k[i] - 1);
        lo = (unsigned int)k[i] + 1;
    }
    close_range_or_loop(lo, ~0U);
}
