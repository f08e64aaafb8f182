/*
 * Id-mapped mounts, helper side (docs/plan-format.md, "Processes" 2): while the helper is still in the
 * host's mount and user namespaces with full privileges, every MOUNT with M_IDMAP_* gets a detached clone
 * of its source (open_tree OPEN_TREE_CLONE) with MOUNT_ATTR_IDMAP set to a user namespace holding exactly
 * the planned maps. The init inherits the fds through clone and move_mount()s them onto their targets
 * (rootfs.c). Java decided every map; nothing here chooses one.
 */
#define _GNU_SOURCE
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#define JR_MOUNT_ATTR_IDMAP 0x00100000ULL

struct jr_mount_attr_idmap {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* A child that is born in a new user namespace and only waits until the pipe closes. */
static pid_t spawn_userns_holder(int *release) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) die_errno(errno, "pipe");
    long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, 0UL);
    if (pid < 0) die_errno(errno, "create a user namespace for an id-mapped mount");
    if (pid == 0) {
        char b;
        close(p[1]);
        while (read(p[0], &b, 1) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    close(p[0]);
    *release = p[1];
    return (pid_t)pid;
}

static void end_holder(pid_t pid, int release) {
    close(release); /* EOF: the holder exits */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
}

/*
 * A user namespace fd with the given maps. The helper is root of the initial user namespace, so the
 * gid map needs no "deny" in setgroups.
 */
static int userns_with_maps(const struct mount_rec *m) {
    int release;
    pid_t pid = spawn_userns_holder(&release);
    char path[64];
    const char *files[] = {"uid_map", "gid_map"}, *maps[] = {m->idmap_uid, m->idmap_gid};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "/proc/%d/%s", pid, files[i]);
        int r = write_file(path, maps[i], strlen(maps[i]));
        if (r < 0) {
            end_holder(pid, release);
            die_errno(-r, "write the %s of the id-mapped mount on \"%s\"", files[i], m->dest);
        }
    }
    snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int e = errno;
    end_holder(pid, release);
    if (fd < 0) die_errno(e, "open the user namespace of the id-mapped mount on \"%s\"", m->dest);
    return fd;
}

static int idmapped_tree(const struct mount_rec *m) {
    int ns = m->idmap_userns ? open(m->idmap_userns, O_RDONLY | O_CLOEXEC) : userns_with_maps(m);
    if (ns < 0) die_errno(errno, "open user namespace \"%s\" for the id-mapped mount on \"%s\"", m->idmap_userns, m->dest);
    const char *src = m->source ? m->source : "";
    unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, src, flags);
    if (tree < 0) die_errno(errno, "open_tree \"%s\" for the id-mapped mount on \"%s\"", src, m->dest);
    struct jr_mount_attr_idmap a = {.attr_set = JR_MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)ns};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0) {
        int e = errno;
        if (e == EINVAL)
            die("id-map the mount of \"%s\" on \"%s\" (mount_setattr MOUNT_ATTR_IDMAP): %s (the filesystem of the "
                "source, or of a mount below it with ridmap, may not support id-mapped mounts)",
                src, m->dest, errstr(e));
        die_errno(e, "id-map the mount of \"%s\" on \"%s\" (mount_setattr MOUNT_ATTR_IDMAP)", src, m->dest);
    }
    close(ns);
    return tree;
}

int *idmap_prepare(const struct plan *p) {
    int *fds = NULL;
    for (size_t i = 0; i < p->n_mounts; i++) {
        const struct mount_rec *m = &p->mounts[i];
        if (!m->idmap_uid && !m->idmap_userns) continue;
        if (!fds) {
            fds = malloc(p->n_mounts * sizeof(*fds));
            if (!fds) die("out of memory");
            for (size_t j = 0; j < p->n_mounts; j++) fds[j] = -1;
        }
        fds[i] = idmapped_tree(m);
    }
    return fds;
}
