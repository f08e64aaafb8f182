/*
 * How jrunc-init is started, shared by the JVM's spawn (jni.c, io.jrunc.container.InitChannel) and the C front's
 * (client.c, for the resident planner): one copy of each rule, so both start it the same way.
 */
#ifndef JRUNC_INITSPAWN_H
#define JRUNC_INITSPAWN_H

#include <spawn.h>

/*
 * CVE-2019-5736: a sealed memfd copy of path (CLOEXEC; exec it through /proc/self/fd/<fd>, which works for ELF
 * binaries from a CLOEXEC fd). -1 on failure with errno set and *step the call that failed ("open", "read",
 * "memfd_create", "write memfd", "seal memfd").
 */
int initspawn_sealed_copy(const char *path, const char **step);

/* A sync socket end that can carry a plan of up to 1 MiB in one SOCK_SEQPACKET packet: best effort. */
void initspawn_grow_send_buffer(int fd);

/* Every signal back to its default and an empty mask in the child (posix_spawnattr_init included). */
int initspawn_attrs(posix_spawnattr_t *attr);

#endif
