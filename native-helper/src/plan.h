/*
 * The plan: a TLV byte string written by Java (io.jrunc.plan.PlanWriter) and carried out by jrunc-init.
 * Format and semantics: docs/plan-format.md. Tag numbers must match io.jrunc.plan.Tag.
 */
#ifndef JRUNC_PLAN_H
#define JRUNC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync.h"

#define PLAN_MAGIC SYNC_PLAN_MAGIC
/* A sanity bound, not a format limit: the largest plan (or go message) the helper accepts. */
#define PLAN_MAX_SIZE (64u << 20)

/* Top-level tags. */
enum {
    T_CLONE_FLAGS = 1, T_NS_JOIN = 2, T_UID_MAP = 3, T_GID_MAP = 4, T_SETGROUPS = 5,
    T_TIME_OFFSETS = 6, T_ROOTFS = 7, T_ROOTFS_PROPAGATION = 8, T_ROOT_READONLY = 9, T_NO_PIVOT = 10,
    T_MOUNT = 11, T_DEVICE = 12, T_SYMLINK = 13, T_MASK = 14, T_READONLY_PATH = 15, T_SYSCTL = 16,
    T_HOSTNAME = 17, T_DOMAINNAME = 18, T_RLIMIT = 19, T_OOM_SCORE_ADJ = 20, T_UID = 21, T_GID = 22,
    T_ADDITIONAL_GIDS = 23, T_UMASK = 24, T_CAPS = 25, T_NO_NEW_PRIVS = 26, T_SECCOMP = 27, T_CWD = 28,
    T_ARG = 29, T_ENV = 30, T_TERMINAL = 31, T_CONSOLE_SOCKET = 32, T_CONSOLE_SIZE = 33,
    T_PRESERVE_FDS = 34, T_HOOK = 35, T_FIFO_PATH = 36, T_PERSONALITY = 37, T_SESSION_KEYRING = 38,
    T_APPARMOR_EXEC = 39, T_SELINUX_EXEC = 40, T_MASK_DATA = 41, T_LSM_AFTER_HOOKS = 42,
    T_MAX_ = 42
};

/* Sub-tags, one enum per group. */
enum { NS_TYPE = 1, NS_PATH = 2 };
enum { AA_ATTR = 1, AA_VALUE = 2 };
enum { M_SOURCE = 1, M_DEST = 2, M_FSTYPE = 3, M_FLAGS = 4, M_DATA = 5, M_PROPAGATION = 6,
       M_ATTR_SET = 7, M_ATTR_CLR = 8, M_IDMAP_UID = 9, M_IDMAP_GID = 10, M_IDMAP_RECURSIVE = 11,
       M_IDMAP_USERNS = 12, M_COPY_UP = 13 };
enum { D_PATH = 1, D_TYPE = 2, D_MAJOR = 3, D_MINOR = 4, D_MODE = 5, D_UID = 6, D_GID = 7, D_BIND = 8 };
enum { L_TARGET = 1, L_LINK = 2 };
enum { S_KEY = 1, S_VALUE = 2 };
enum { R_RESOURCE = 1, R_SOFT = 2, R_HARD = 3 };
enum { C_BOUNDING = 1, C_EFFECTIVE = 2, C_PERMITTED = 3, C_INHERITABLE = 4, C_AMBIENT = 5 };
enum { SC_BPF = 1, SC_FLAGS = 2 };
enum { CS_ROWS = 1, CS_COLS = 2 };
enum { H_KIND = 1, H_PATH = 2, H_ARG = 3, H_ENV = 4, H_TIMEOUT = 5 };
enum { HOOK_CREATE_CONTAINER = 1, HOOK_START_CONTAINER = 2 };

/* A NULL-terminated string vector (directly usable as argv/envp). */
struct strv {
    char **v;
    size_t n;
};

struct ns_join {
    uint32_t type; /* CLONE_NEW* */
    char *path;
};

struct mount_rec {
    char *source; /* NULL when absent */
    char *dest;
    char *fstype; /* "" for binds */
    char *data;   /* "" when absent */
    uint64_t flags, propagation, attr_set, attr_clr;
    /* An id-mapped bind: the maps of the user namespace to attach (both, or neither), or the path of an
     * existing one; idmap_recursive applies MOUNT_ATTR_IDMAP to the whole tree (ridmap). */
    char *idmap_uid, *idmap_gid, *idmap_userns;
    bool idmap_recursive;
    bool copy_up; /* a tmpfs that starts with a copy of the directory it covers (runc's tmpcopyup) */
};

struct device_rec {
    char *path;
    uint32_t type; /* 'c', 'b', 'p' */
    uint64_t major, minor;
    uint32_t mode, uid, gid;
    bool bind;
};

struct symlink_rec {
    char *target, *link;
};

struct sysctl_rec {
    char *key, *value;
};

struct rlimit_rec {
    uint32_t resource;
    uint64_t soft, hard;
};

struct caps_rec {
    uint64_t bounding, effective, permitted, inheritable, ambient;
};

struct seccomp_rec {
    uint8_t *bpf; /* n × struct sock_filter, n >= 1 */
    size_t len;   /* bytes */
    uint32_t flags;
};

/* What to write, just before execve, to /proc/self/attr/<attr> ("apparmor/exec" or "exec"). */
struct lsm_attr_rec {
    char *attr, *value;
};

struct console_size_rec {
    uint32_t rows, cols;
};

struct hook_rec {
    uint32_t kind;
    char *path;
    struct strv args, env;
    uint32_t timeout; /* seconds, 0 = none */
};

struct plan {
    uint64_t clone_flags;
    struct ns_join *ns_join;
    size_t n_ns_join;
    char *uid_map, *gid_map, *setgroups, *time_offsets;

    char *rootfs;
    bool has_rootfs_propagation;
    uint64_t rootfs_propagation;
    bool root_readonly, no_pivot;
    struct mount_rec *mounts;
    size_t n_mounts;
    struct device_rec *devices;
    size_t n_devices;
    struct symlink_rec *symlinks;
    size_t n_symlinks;
    struct strv masks, readonly_paths;

    struct sysctl_rec *sysctls;
    size_t n_sysctls;
    char *hostname, *domainname;
    struct rlimit_rec *rlimits;
    size_t n_rlimits;
    char *oom_score_adj;
    bool has_personality;
    uint32_t personality;
    const char *session_keyring; /* join a new session keyring of this name (runc's default) */

    bool has_uid, has_gid, has_additional_gids, has_umask;
    uint32_t uid, gid, umask;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    bool has_caps;
    struct caps_rec caps;
    bool no_new_privs;
    bool has_seccomp;
    struct seccomp_rec seccomp;

    /* LSM labels, decided by Java (docs/plan-format.md, init step 18). */
    bool has_apparmor_exec;
    struct lsm_attr_rec apparmor_exec;
    char *selinux_exec; /* label for /proc/self/attr/exec */
    char *mask_data;    /* data of the read-only tmpfs over masked directories (a context= mount label), or NULL */
    bool lsm_after_hooks; /* write the labels after the startContainer hooks, not before `ready` */

    char *cwd;
    struct strv args, env;
    bool terminal;
    char *console_socket;
    bool has_console_size;
    struct console_size_rec console_size;
    uint32_t preserve_fds;
    struct hook_rec *hooks;
    size_t n_hooks;
    char *fifo_path;

    /* Every allocation made by the parser, freed by plan_free. */
    void **allocs;
    size_t n_allocs, cap_allocs;
};

/*
 * Parses buf[0..len) (magic included) into *p. Returns 0, or -1 with a message in err (for example
 * "plan: tag 11 at offset 40: length 100 overruns the remaining 20 bytes"). *p is always left in a state
 * plan_free accepts.
 */
int plan_parse(const uint8_t *buf, size_t len, struct plan *p, char *err, size_t errlen);

void plan_free(struct plan *p);

#endif
