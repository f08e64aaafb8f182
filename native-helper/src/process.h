/* The process part of the init: credentials, capabilities, seccomp, the executable lookup, fd hygiene. */
#ifndef JRUNC_PROCESS_H
#define JRUNC_PROCESS_H

#include <stdbool.h>

#include "plan.h"

/* Highest capability number the kernel knows (/proc/sys/kernel/cap_last_cap); read it while /proc is the host's. */
int read_cap_last_cap(void);

/* PR_CAPBSET_DROP of every capability not in CAPS.BOUNDING (needs CAP_SETPCAP, so before the uid change). */
void drop_bounding_set(const struct plan *p, int cap_last);

/* ADDITIONAL_GIDS / setgroups(0), setresgid(GID), setresuid(UID) keeping the capabilities, then UMASK. */
void set_credentials(const struct plan *p, bool setgroups_denied);

/* capset (v3) with CAPS.EFFECTIVE/PERMITTED/INHERITABLE, then the ambient set. */
void apply_caps(const struct plan *p, int cap_last);

/* seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP.FLAGS, SECCOMP.BPF). */
void install_seccomp(const struct plan *p);

/*
 * Resolves ARG[0] like execvp against PATH from ENV (runc's exec.LookPath) into out. die()s with runc's
 * texts: `exec: "x": executable file not found in $PATH`, `exec: "x": permission denied`, ...
 */
void lookup_executable(const struct plan *p, char *out, size_t size);

/* Closes every fd from `from` up except the ones in keep (n of them, -1 entries ignored). */
void close_fds_from(int from, const int *keep, int n);

#endif
