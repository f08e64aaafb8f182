#define _GNU_SOURCE
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* Our own copy of struct mount_attr: older headers lack it, newer ones clash with <linux/mount.h>. */
struct jr_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

/* ---- path resolution inside the rootfs ---- */

static int openat2_in_root(int root, const char *rel) {
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
        if (fd >= 0) return (int)fd;
        /* EAGAIN: a concurrent rename or mount raced the lookup; the kernel asks us to try again. */
        if (errno != EAGAIN || tries >= 16) return -errno;
    }
}

/* Creates the missing component name in dir: a directory, or an empty file if kind is CREATE_FILE. */
static int create_component(int dir, const char *name, enum create_kind kind) {
    if (kind == CREATE_FILE) {
        int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) return errno == EEXIST ? 0 : -errno;
        close(fd);
        return 0;
    }
    if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST) return -errno;
    return 0;
}

/* Drops the last component of the root-relative path p ("a/b" -> "a", "a" -> ""). */
static void pop_component(char *p) {
    char *slash = strrchr(p, '/');
    if (slash) *slash = '\0';
    else p[0] = '\0';
}

/* Appends name to the root-relative path p. */
static int push_component(char *p, size_t size, const char *name) {
    size_t l = strlen(p);
    if ((size_t)snprintf(p + l, size - l, "%s%s", l ? "/" : "", name) >= size - l) return -ENAMETOOLONG;
    return 0;
}

static int lstat_at(int dir, const char *name, struct stat *st) {
    return fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/*
 * Replaces the walk's remaining path with target + "/" + rest (a symlink met on the way). An absolute
 * target restarts from root: this is how the kernel's RESOLVE_IN_ROOT treats it too.
 */
static int expand_link(int dir, const char *name, char *todo, size_t size, char **rest, char *done) {
    char target[PATH_MAX], tail[PATH_MAX];
    ssize_t n = readlinkat(dir, name, target, sizeof(target) - 1);
    if (n < 0) return -errno;
    target[n] = '\0';
    if ((size_t)snprintf(tail, sizeof(tail), "%s", *rest) >= sizeof(tail)) return -ENAMETOOLONG;
    if ((size_t)snprintf(todo, size, "%s/%s", target, tail) >= size) return -ENAMETOOLONG;
    *rest = todo;
    if (target[0] == '/') done[0] = '\0';
    return 0;
}

/* Cuts the next component off *rest into name; returns its length (0: none left) or -ENAMETOOLONG. */
static int next_component(char **rest, char name[NAME_MAX + 1]) {
    *rest += strspn(*rest, "/");
    size_t n = strcspn(*rest, "/");
    if (n > NAME_MAX) return -ENAMETOOLONG;
    memcpy(name, *rest, n);
    name[n] = '\0';
    *rest += n;
    return (int)n;
}

#define MAX_SYMLINKS 40

/*
 * The slow path of open_in_root: component by component, creating what is missing. Symlinks are read
 * and expanded here (not followed by the kernel), so that a dangling one, such as an image's
 * /etc/resolv.conf -> /run/..., gets its target created inside root, as runc does. Every directory
 * reached is reopened from root with openat2(RESOLVE_IN_ROOT), so a concurrent swap cannot escape either.
 */
static int walk_create(int root, const char *path, enum create_kind kind) {
    char todo[PATH_MAX], done[PATH_MAX] = "", name[NAME_MAX + 1];
    if ((size_t)snprintf(todo, sizeof(todo), "%s", path) >= sizeof(todo)) return -ENAMETOOLONG;
    char *rest = todo;
    int links = 0, cur = openat2_in_root(root, "");
    int n;
    while (cur >= 0 && (n = next_component(&rest, name)) != 0) {
        bool last = rest[strspn(rest, "/")] == '\0';
        struct stat st;
        int r = n < 0 ? n : 0;
        if (r < 0 || strcmp(name, ".") == 0) {
            /* nothing to do */
        } else if (strcmp(name, "..") == 0) {
            pop_component(done); /* done holds no symlinks: the lexical parent is the real one */
        } else if ((r = lstat_at(cur, name, &st)) == 0 && S_ISLNK(st.st_mode)) {
            r = ++links > MAX_SYMLINKS ? -ELOOP : expand_link(cur, name, todo, sizeof(todo), &rest, done);
        } else {
            if (r == -ENOENT) r = create_component(cur, name, last ? kind : CREATE_DIR);
            if (r == 0) r = push_component(done, sizeof(done), name);
        }
        close(cur);
        /* Reopened from root every time: the directory we stand in is what done names inside root. */
        cur = r < 0 ? r : openat2_in_root(root, done);
    }
    return cur;
}

int open_in_root(int root, const char *path, enum create_kind kind) {
    while (*path == '/') path++;
    int fd = openat2_in_root(root, path);
    if (fd != -ENOENT || kind == CREATE_NONE) return fd;
    return walk_create(root, path, kind);
}

/* Splits "/a/b/c" into the parent fd (created as directories if needed) and the last name. */
static int open_parent(int root, const char *path, char *name, size_t namelen) {
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strlen(base) >= namelen) return -EINVAL;
    strcpy(name, base);
    char dir[PATH_MAX];
    size_t dl = slash ? (size_t)(slash - path) : 0;
    if (dl >= sizeof(dir)) return -ENAMETOOLONG;
    memcpy(dir, path, dl);
    dir[dl] = '\0';
    return open_in_root(root, dir, CREATE_DIR);
}

static int open_root_dir(const char *path) {
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) die_errno(errno, "open rootfs \"%s\"", path);
    return fd;
}

/* ---- mount flag helpers ---- */

/* statvfs f_flag bits to the MS_* flags a bind remount must repeat (the kernel locks them in user namespaces). */
static unsigned long vfs_to_ms(unsigned long f) {
    unsigned long ms = 0;
    if (f & ST_RDONLY) ms |= MS_RDONLY;
    if (f & ST_NOSUID) ms |= MS_NOSUID;
    if (f & ST_NODEV) ms |= MS_NODEV;
    if (f & ST_NOEXEC) ms |= MS_NOEXEC;
    if (f & ST_NOATIME) ms |= MS_NOATIME;
    if (f & ST_NODIRATIME) ms |= MS_NODIRATIME;
    if (f & ST_RELATIME) ms |= MS_RELATIME;
    return ms;
}

static int current_ms_flags(int fd, unsigned long *out) {
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0) return -errno;
    *out = vfs_to_ms(sv.f_flag);
    return 0;
}

/*
 * mount(NULL, fd, NULL, MS_BIND|MS_REMOUNT|flags). If the kernel says EPERM, some flags of the existing
 * mount are locked (an unprivileged mount namespace may not clear them): retry with them added, as runc does.
 */
static int remount_bind(int fd, unsigned long flags) {
    char p[FD_PATH_LEN];
    flags |= MS_BIND | MS_REMOUNT;
    if (mount(NULL, fd_path(p, fd), NULL, flags, NULL) == 0) return 0;
    if (errno != EPERM) return -errno;
    unsigned long cur;
    if (current_ms_flags(fd, &cur) < 0 || (cur & ~flags) == 0) return -EPERM;
    /* Only one atime mode may be given: the existing one wins, since it is the locked one. */
    if (cur & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) flags &= ~(MS_NOATIME | MS_RELATIME | MS_STRICTATIME);
    if (mount(NULL, p, NULL, flags | cur, NULL) == 0) return 0;
    return -errno;
}

/* ---- step 2 ---- */

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s) {
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

static bool path_under(const char *path, const char *mp) {
    size_t n = strlen(mp);
    if (strcmp(mp, "/") == 0) return true;
    return strncmp(path, mp, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/*
 * pivot_root refuses a new root whose parent mount is shared, and a bind of the rootfs under a shared
 * parent would propagate back to the host: make the mount holding the rootfs private if it is shared
 * (runc's rootfsParentMountPrivate).
 */
static void make_parent_private(const char *rootfs) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) die_errno(errno, "open /proc/self/mountinfo");
    char *line = NULL, best[PATH_MAX] = "";
    size_t cap = 0, best_len = 0;
    bool best_shared = false;
    while (getline(&line, &cap, f) > 0) {
        /* id parent major:minor root mountpoint options [optional fields...] - fstype source super */
        char *save = NULL, *tok = strtok_r(line, " ", &save);
        char *mp = NULL;
        bool shared = false;
        for (int i = 0; tok && strcmp(tok, "-") != 0; i++, tok = strtok_r(NULL, " ", &save)) {
            if (i == 4) mp = tok;
            if (i >= 6 && strncmp(tok, "shared:", 7) == 0) shared = true;
        }
        if (!mp) continue;
        unescape(mp);
        size_t l = strlen(mp);
        if (path_under(rootfs, mp) && l >= best_len && l < sizeof(best)) {
            strcpy(best, mp);
            best_len = l;
            best_shared = shared; /* later lines are mounted on top: they win ties */
        }
    }
    free(line);
    fclose(f);
    if (best_shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
        die_errno(errno, "make the parent mount \"%s\" of the rootfs private", best);
}

void rootfs_prepare(const struct plan *p, bool own_ns) {
    if (!own_ns) return;
    /* An unbindable "/" would refuse the bind of the rootfs below (EINVAL): private until the new root
     * is in place, which gets the configured propagation then (rootfs_change_root), as crun does. */
    unsigned long prop = p->rootfs_propagation;
    if (prop & MS_UNBINDABLE) prop = (prop & ~(unsigned long)MS_UNBINDABLE) | MS_PRIVATE;
    if (p->has_rootfs_propagation && mount(NULL, "/", NULL, prop, NULL) < 0)
        die_errno(errno, "set propagation of \"/\"");
    make_parent_private(p->rootfs);
    if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        die_errno(errno, "bind-mount the rootfs \"%s\" onto itself", p->rootfs);
}

/* ---- step 3: mounts ---- */

static const char *src_name(const struct mount_rec *m) { return m->source ? m->source : m->fstype; }

/* Opens the target again after mounting: the fd then refers to the new mount, not to what it covers. */
static int reopen_target(int root, const struct mount_rec *m) {
    int fd = open_in_root(root, m->dest, CREATE_NONE);
    if (fd < 0) die_errno(-fd, "open mount target \"%s\" after mounting", m->dest);
    return fd;
}

/* The second steps of a mount: propagation and mount_setattr attributes. */
static void mount_finish(int root, const struct mount_rec *m) {
    if (!m->propagation && !m->attr_set && !m->attr_clr) return;
    int fd = reopen_target(root, m);
    char p[FD_PATH_LEN];
    if (m->propagation && mount(NULL, fd_path(p, fd), NULL, m->propagation, NULL) < 0)
        die_errno(errno, "set propagation of \"%s\"", m->dest);
    if (m->attr_set || m->attr_clr) {
        struct jr_mount_attr a = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};
        if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
            die_errno(errno, "mount_setattr \"%s\"", m->dest);
    }
    close(fd);
}

static void mount_bind(int root, const struct mount_rec *m, const char *source, unsigned long flags) {
    struct stat st;
    if (stat(source, &st) < 0) die_errno(errno, "stat bind mount source \"%s\"", source);
    int fd = open_in_root(root, m->dest, S_ISDIR(st.st_mode) ? CREATE_DIR : CREATE_FILE);
    if (fd < 0) die_errno(-fd, "create mount target \"%s\"", m->dest);
    char p[FD_PATH_LEN];
    /* A bind ignores every flag but MS_REC: the others need the remount below (a rule of mount(2)). */
    if (mount(source, fd_path(p, fd), NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
        die_errno(errno, "mount \"%s\" on \"%s\"", source, m->dest);
    close(fd);
    unsigned long extra = flags & ~(MS_BIND | MS_REC | MS_REMOUNT | MS_PROPAGATION);
    if (extra) {
        fd = reopen_target(root, m);
        int r = remount_bind(fd, extra);
        if (r < 0) die_errno(-r, "remount \"%s\" on \"%s\"", source, m->dest);
        close(fd);
    }
}

/*
 * An id-mapped bind: the helper cloned and id-mapped the source (idmap.c); move that detached tree onto
 * the target, then apply the remaining flags as for any bind.
 */
static void mount_idmapped(int root, const struct mount_rec *m, int tree) {
    struct stat st;
    if (fstat(tree, &st) < 0) die_errno(errno, "stat the id-mapped tree of \"%s\"", m->dest);
    int fd = open_in_root(root, m->dest, S_ISDIR(st.st_mode) ? CREATE_DIR : CREATE_FILE);
    if (fd < 0) die_errno(-fd, "create mount target \"%s\"", m->dest);
    if (syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        die_errno(errno, "move the id-mapped mount of \"%s\" onto \"%s\"", m->source ? m->source : "", m->dest);
    close(fd);
    close(tree);
    unsigned long extra = (unsigned long)m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | MS_PROPAGATION);
    if (extra) {
        fd = reopen_target(root, m);
        int r = remount_bind(fd, extra);
        if (r < 0) die_errno(-r, "remount \"%s\" on \"%s\"", m->source ? m->source : "", m->dest);
        close(fd);
    }
    mount_finish(root, m);
}

/*
 * tmpcopyup: the tree under src (the directory the tmpfs now covers) copied into dst (the tmpfs): types,
 * contents, owners, modes and times; symlinks as links. Every step is relative to a directory fd with
 * AT_SYMLINK_NOFOLLOW / O_NOFOLLOW, so nothing in the image can send the copy outside either tree.
 */
static void copy_attrs(int dst, const char *name, const struct stat *st, const char *where) {
    /* EINVAL: an owner the container's user namespace does not map; the copy then stays the container root's */
    if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
        die_errno(errno, "tmpcopyup of \"%s\": chown \"%s\"", where, name);
    /* after chown, which clears set-id bits */
    if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
        die_errno(errno, "tmpcopyup of \"%s\": chmod \"%s\"", where, name);
    struct timespec t[2] = {st->st_atim, st->st_mtim};
    if (utimensat(dst, name, t, AT_SYMLINK_NOFOLLOW) < 0)
        die_errno(errno, "tmpcopyup of \"%s\": set the times of \"%s\"", where, name);
}

static void copy_file(int src, int dst, const char *name, const struct stat *st, const char *where) {
    int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) die_errno(errno, "tmpcopyup of \"%s\": open \"%s\"", where, name);
    int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 0777);
    if (out < 0) die_errno(errno, "tmpcopyup of \"%s\": create \"%s\"", where, name);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die_errno(errno, "tmpcopyup of \"%s\": read \"%s\"", where, name);
        int r = write_all(out, buf, (size_t)n);
        if (r < 0) die_errno(-r, "tmpcopyup of \"%s\": write \"%s\"", where, name);
    }
    close(in);
    close(out);
}

static void copy_tree(int src, int dst, const char *where, int depth) {
    if (depth > 128) die("tmpcopyup of \"%s\": directories nested more than 128 deep", where);
    int d = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = d < 0 ? NULL : fdopendir(d);
    if (!dir) die_errno(errno, "tmpcopyup of \"%s\": read the directory", where);
    struct dirent *e;
    while ((errno = 0, e = readdir(dir))) {
        const char *name = e->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..")) continue;
        struct stat st;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno(errno, "tmpcopyup of \"%s\": stat \"%s\"", where, name);
        if (S_ISDIR(st.st_mode)) {
            if (mkdirat(dst, name, 0700) < 0) die_errno(errno, "tmpcopyup of \"%s\": mkdir \"%s\"", where, name);
            int s2 = openat(src, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int d2 = openat(dst, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (s2 < 0 || d2 < 0) die_errno(errno, "tmpcopyup of \"%s\": open directory \"%s\"", where, name);
            copy_tree(s2, d2, where, depth + 1);
            close(s2);
            close(d2);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(src, dst, name, &st, where);
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
            if (n < 0) die_errno(errno, "tmpcopyup of \"%s\": readlink \"%s\"", where, name);
            target[n] = '\0';
            if (symlinkat(target, dst, name) < 0) die_errno(errno, "tmpcopyup of \"%s\": symlink \"%s\"", where, name);
        } else if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0) {
            die_errno(errno, "tmpcopyup of \"%s\": mknod \"%s\"", where, name);
        }
        copy_attrs(dst, name, &st, where);
    }
    if (errno) die_errno(errno, "tmpcopyup of \"%s\": read the directory", where);
    closedir(dir);
}

/*
 * The tmpfs just mounted on m->dest gets the content and the mode of the directory it covers; its root
 * stays root's, as with runc and crun.
 */
static void copy_up(int root, const struct mount_rec *m, int covered) {
    int top = reopen_target(root, m);
    copy_tree(covered, top, m->dest, 0);
    struct stat st;
    if (fstat(covered, &st) < 0) die_errno(errno, "tmpcopyup of \"%s\": stat", m->dest);
    char p[FD_PATH_LEN];
    if (chmod(fd_path(p, top), st.st_mode & 07777) < 0) die_errno(errno, "tmpcopyup of \"%s\": mode of the tmpfs", m->dest);
    close(top);
}

static void mount_one(int root, const struct mount_rec *m) {
    unsigned long flags = (unsigned long)m->flags;
    if ((flags & MS_BIND) && !(flags & MS_REMOUNT)) {
        mount_bind(root, m, m->source ? m->source : "", flags);
        mount_finish(root, m);
        return;
    }
    int fd = open_in_root(root, m->dest, (flags & MS_REMOUNT) ? CREATE_NONE : CREATE_DIR);
    if (fd < 0) die_errno(-fd, "create mount target \"%s\"", m->dest);
    /* Opened before the mount: it keeps the covered directory reachable for the copy. */
    int covered = -1;
    if (m->copy_up && (covered = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        die_errno(errno, "tmpcopyup of \"%s\": open the directory", m->dest);
    char p[FD_PATH_LEN];
    /* read-only only once the copy is in (runc does the same) */
    int r = mount(m->source, fd_path(p, fd), m->fstype, covered >= 0 ? flags & ~MS_RDONLY : flags, m->data);
    int e = errno;
    close(fd);
    if (r == 0 && covered >= 0) {
        copy_up(root, m, covered);
        close(covered);
        if (flags & MS_RDONLY) {
            fd = reopen_target(root, m);
            if (mount(m->source, fd_path(p, fd), m->fstype, flags | MS_REMOUNT, m->data) < 0)
                die_errno(errno, "remount \"%s\" read-only after tmpcopyup", m->dest);
            close(fd);
        }
    }
    if (r < 0 && e == EPERM && strcmp(m->fstype, "sysfs") == 0) {
        /* Without its own network namespace a user-namespaced container may not mount sysfs: runc then
         * binds the host's /sys with the same flags. */
        mount_bind(root, m, "/sys", flags | MS_BIND | MS_REC);
    } else if (r < 0) {
        die_errno(e, "mount \"%s\" on \"%s\"", src_name(m), m->dest);
    }
    mount_finish(root, m);
}

/* ---- step 3: devices and symlinks ---- */

static void bind_device(int root, const struct device_rec *d) {
    int fd = open_in_root(root, d->path, CREATE_FILE);
    if (fd < 0) die_errno(-fd, "create device target \"%s\"", d->path);
    char p[FD_PATH_LEN];
    if (mount(d->path, fd_path(p, fd), NULL, MS_BIND, NULL) < 0)
        die_errno(errno, "bind-mount device \"%s\"", d->path);
    close(fd);
}

static void make_device(int root, const struct device_rec *d) {
    if (d->bind) {
        bind_device(root, d);
        return;
    }
    mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : d->type == 'c' ? S_IFCHR : 0;
    if (!type) die("device \"%s\": unknown type %u", d->path, d->type);
    char name[NAME_MAX + 1];
    int dir = open_parent(root, d->path, name, sizeof(name));
    if (dir < 0) die_errno(-dir, "create the directory of device \"%s\"", d->path);
    if (mknodat(dir, name, type | (d->mode & 07777), makedev(d->major, d->minor)) < 0) {
        int e = errno;
        close(dir);
        if (e == EEXIST) return; /* runc keeps an existing node as it is */
        if (e == EPERM) {        /* no CAP_MKNOD (user namespace): bind the host's node instead */
            bind_device(root, d);
            return;
        }
        die_errno(e, "mknod \"%s\"", d->path);
    }
    if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        die_errno(errno, "chown device \"%s\"", d->path);
    close(dir);
}

static void make_symlink(int root, const struct symlink_rec *l) {
    char name[NAME_MAX + 1];
    int dir = open_parent(root, l->link, name, sizeof(name));
    if (dir < 0) die_errno(-dir, "create the directory of symlink \"%s\"", l->link);
    if (symlinkat(l->target, dir, name) < 0 && errno != EEXIST)
        die_errno(errno, "symlink \"%s\" -> \"%s\"", l->link, l->target);
    close(dir);
}

void rootfs_populate(const struct plan *p, int *mount_fds) {
    int root = open_root_dir(p->rootfs);
    for (size_t i = 0; i < p->n_mounts; i++) {
        if (mount_fds && mount_fds[i] >= 0) {
            mount_idmapped(root, &p->mounts[i], mount_fds[i]);
            mount_fds[i] = -1;
        } else {
            mount_one(root, &p->mounts[i]);
        }
    }
    for (size_t i = 0; i < p->n_devices; i++) make_device(root, &p->devices[i]);
    for (size_t i = 0; i < p->n_symlinks; i++) make_symlink(root, &p->symlinks[i]);
    close(root);
}

/* ---- step 5 ---- */

static void pivot(const char *rootfs) {
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0) die_errno(errno, "open \"/\"");
    int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0) die_errno(errno, "open rootfs \"%s\"", rootfs);
    if (fchdir(newroot) < 0) die_errno(errno, "chdir to rootfs \"%s\"", rootfs);
    /* pivot_root(".", "."): the old root ends up stacked on the new one and is unmounted right away,
     * so no directory is needed for it inside the rootfs. */
    if (syscall(SYS_pivot_root, ".", ".") < 0) die_errno(errno, "pivot_root \"%s\"", rootfs);
    if (fchdir(oldroot) < 0) die_errno(errno, "chdir to the old root");
    /* Slave first, so that the unmount below does not propagate to the host. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) die_errno(errno, "make the old root rslave");
    if (umount2(".", MNT_DETACH) < 0) die_errno(errno, "unmount the old root");
    close(oldroot);
    close(newroot);
}

static void move_root(const char *rootfs) {
    if (chdir(rootfs) < 0) die_errno(errno, "chdir to rootfs \"%s\"", rootfs);
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0) die_errno(errno, "move rootfs \"%s\" to \"/\"", rootfs);
    if (chroot(".") < 0) die_errno(errno, "chroot \"%s\"", rootfs);
}

void rootfs_change_root(const struct plan *p, bool own_ns) {
    if (!own_ns) {
        /* The runtime's mount namespace: pivot_root or MS_MOVE would change the host's root (runc chroots too). */
        if (chdir(p->rootfs) < 0) die_errno(errno, "chdir to rootfs \"%s\"", p->rootfs);
        if (chroot(".") < 0) die_errno(errno, "chroot \"%s\"", p->rootfs);
        if (chdir("/") < 0) die_errno(errno, "chdir \"/\"");
        return;
    }
    if (p->no_pivot) move_root(p->rootfs);
    else pivot(p->rootfs);
    if (chdir("/") < 0) die_errno(errno, "chdir \"/\"");
    /* linux.rootfsPropagation is the propagation of the container's root mount: applied to the new root
     * (crun). The root is a private copy by now (make_parent_private), so "shared" starts a peer group of
     * the container's own, which binds of "/" inside the container join; nothing reaches the host. Not
     * recursive: the mounts made on it already have the propagation their own options asked for. */
    if (p->has_rootfs_propagation && mount(NULL, "/", NULL, p->rootfs_propagation & ~(uint64_t)MS_REC, NULL) < 0)
        die_errno(errno, "set the propagation of the container's root (linux.rootfsPropagation)");
}

/* ---- steps 6 and 7 ---- */

/*
 * The container's /dev/null, checked to be the null device: files are masked by binding it, and the
 * container's image (or a racing container) controls what that name is. Bound through this fd, never
 * by name again (CVE-2025-31133: a symlink there made masks writable copies of read-only files).
 */
static int open_dev_null(int root) {
    int fd = open_in_root(root, "/dev/null", CREATE_NONE);
    if (fd < 0) die_errno(-fd, "open \"/dev/null\" to mask paths with it");
    struct stat st;
    if (fstat(fd, &st) < 0) die_errno(errno, "stat \"/dev/null\"");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        die("\"/dev/null\" in the container is not the null device (char 1:3): refusing to mask paths with it");
    return fd;
}

static void mask_path(int root, int *devnull, const char *path, const char *data) {
    int fd = open_in_root(root, path, CREATE_NONE);
    if (fd == -ENOENT) return;
    if (fd < 0) die_errno(-fd, "open masked path \"%s\"", path);
    struct stat st;
    if (fstat(fd, &st) < 0) die_errno(errno, "stat masked path \"%s\"", path);
    char p[FD_PATH_LEN], n[FD_PATH_LEN];
    if (!S_ISDIR(st.st_mode) && *devnull < 0) *devnull = open_dev_null(root);
    int r = S_ISDIR(st.st_mode) ? mount("tmpfs", fd_path(p, fd), "tmpfs", MS_RDONLY, data ? data : "")
                                : mount(fd_path(n, *devnull), fd_path(p, fd), NULL, MS_BIND, NULL);
    if (r < 0 && data && *data && S_ISDIR(st.st_mode)) die_errno(errno, "mask \"%s\" (tmpfs with data %s)", path, data);
    if (r < 0) die_errno(errno, "mask \"%s\"", path);
    close(fd);
}

static void readonly_path(int root, const char *path) {
    int fd = open_in_root(root, path, CREATE_NONE);
    if (fd == -ENOENT) return;
    if (fd < 0) die_errno(-fd, "open readonly path \"%s\"", path);
    char p[FD_PATH_LEN];
    if (mount(fd_path(p, fd), p, NULL, MS_BIND | MS_REC, NULL) < 0)
        die_errno(errno, "bind-mount readonly path \"%s\"", path);
    close(fd);
    fd = open_in_root(root, path, CREATE_NONE);
    if (fd < 0) die_errno(-fd, "open readonly path \"%s\"", path);
    unsigned long cur;
    int r = current_ms_flags(fd, &cur);
    if (r == 0) r = remount_bind(fd, cur | MS_RDONLY);
    if (r < 0) die_errno(-r, "remount readonly path \"%s\" read-only", path);
    close(fd);
}

void rootfs_mask_and_readonly(const struct plan *p) {
    int root = open_root_dir("/");
    for (size_t i = 0; i < p->readonly_paths.n; i++) readonly_path(root, p->readonly_paths.v[i]);
    int devnull = -1;
    for (size_t i = 0; i < p->masks.n; i++) mask_path(root, &devnull, p->masks.v[i], p->mask_data);
    if (devnull >= 0) close(devnull);
    close(root);
}

void rootfs_root_readonly(void) {
    int fd = open_root_dir("/");
    unsigned long cur;
    int r = current_ms_flags(fd, &cur);
    if (r == 0) r = remount_bind(fd, cur | MS_RDONLY);
    if (r < 0) die_errno(-r, "remount \"/\" read-only");
    close(fd);
}

void mount_console(int pty, const char *name) {
    int root = open_root_dir("/");
    /* No symlink anywhere on the way: the image must not choose what the pty covers (CVE-2025-52565). */
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS};
    int fd = (int)syscall(SYS_openat2, root, "dev/console", &how, sizeof(how));
    if (fd < 0 && errno == ENOENT) fd = open_in_root(root, "/dev/console", CREATE_FILE);
    else if (fd < 0) fd = -errno;
    if (fd < 0) die_errno(-fd, "open \"/dev/console\" to mount the console on it");
    struct stat st;
    if (fstat(fd, &st) < 0) die_errno(errno, "stat \"/dev/console\"");
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        die("\"/dev/console\" in the container is neither a file nor a device: refusing to mount the console on it");
    char p[FD_PATH_LEN], s[FD_PATH_LEN];
    /* The pty we opened, by fd: a name in /dev/pts is the container's to redirect. */
    if (mount(fd_path(s, pty), fd_path(p, fd), NULL, MS_BIND, NULL) < 0)
        die_errno(errno, "mount \"%s\" on \"/dev/console\"", name);
    close(fd);
    close(root);
}
