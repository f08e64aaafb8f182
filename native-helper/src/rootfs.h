/* Root filesystem steps of the container init (docs/plan-format.md, init steps 2, 3, 5, 8, 9). */
#ifndef JRUNC_ROOTFS_H
#define JRUNC_ROOTFS_H

#include "plan.h"

enum create_kind { CREATE_NONE, CREATE_DIR, CREATE_FILE };

/*
 * Opens path (absolute, relative to the directory fd root, which acts as "/") with O_PATH|O_CLOEXEC,
 * resolving every component with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) so that no symlink can
 * lead out of root. Missing components are created as directories (0755), the last one as kind says.
 * Returns the fd or -errno.
 */
int open_in_root(int root, const char *path, enum create_kind kind);

/*
 * Step 2: root propagation, parent of the rootfs made private if shared, rootfs bind-mounted onto itself.
 * Without a mount namespace of its own (own_ns false) the container shares the runtime's: nothing of that
 * is done, since it would change the host's mounts; the config's mounts are made in the shared namespace
 * (Java unmounts them at delete) and the root change is a chroot.
 */
void rootfs_prepare(const struct plan *p, bool own_ns);

/*
 * Step 3: MOUNT, DEVICE and SYMLINK records, in that order. mount_fds (NULL: none) holds, per MOUNT, the
 * detached id-mapped tree the helper made for it (moved onto the target instead of a bind), or -1.
 * Returns nothing: failures die().
 */
void rootfs_populate(const struct plan *p, int *mount_fds);

/* Step 5: pivot_root (or MS_MOVE + chroot with NO_PIVOT; chroot without own_ns), then chdir("/"). */
void rootfs_change_root(const struct plan *p, bool own_ns);

/* Step 8: READONLY_PATH then MASK records (after the root change), in runc's order. */
void rootfs_mask_and_readonly(const struct plan *p);

/* Step 9: ROOT_READONLY. */
void rootfs_root_readonly(void);

/* After the root change: bind-mounts the pty fd (its name for errors) onto /dev/console, created if missing. */
void mount_console(int pty, const char *name);

#endif
