/* Id-mapped mounts, helper side (idmap.c). */
#ifndef JRUNC_IDMAP_H
#define JRUNC_IDMAP_H

#include "plan.h"

/*
 * For every MOUNT with M_IDMAP_UID/GID or M_IDMAP_USERNS: a detached clone of its source with
 * MOUNT_ATTR_IDMAP (O_CLOEXEC fds, inherited by the init through clone). Returns an array indexed like
 * p->mounts holding the fd or -1, or NULL when no mount is id-mapped. Failures die().
 */
int *idmap_prepare(const struct plan *p);

#endif
