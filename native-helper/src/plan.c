/*
 * Plan reader (docs/plan-format.md). The format is described once, as tables (schemas) of fields, and
 * one generic decoder walks any record sequence against a schema: that keeps every bounds check in one
 * place instead of one hand-written loop per group.
 *
 * Each record sequence is walked twice: the first pass checks every header and length and counts the
 * repeated fields, the second decodes into arrays allocated with exactly those counts.
 */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ftype {
    F_U32,    /* uint32_t at off, optional bool at has_off */
    F_U64,    /* uint64_t at off, optional bool at has_off */
    F_STR,    /* char * at off (NULL when absent) */
    F_FLAG,   /* bool at off */
    F_BYTES,  /* uint8_t * at off, size_t byte count at n_off; non-empty, a multiple of unit */
    F_U32S,   /* uint32_t * at off, size_t element count at n_off, bool at has_off; may be empty */
    F_STRV,   /* struct strv at off; repeated */
    F_GROUP,  /* embedded struct at off decoded with sub, bool at has_off */
    F_GROUPS, /* array of sub->size structs at off, size_t count at n_off; repeated */
};

#define NONE ((size_t)-1)

struct schema;

struct field {
    uint16_t tag;
    uint8_t type;
    bool required;
    const char *name;
    size_t off, has_off, n_off;
    size_t unit;
    const struct schema *sub;
};

struct schema {
    const char *name;
    const struct field *fields;
    size_t nfields;
    size_t size; /* of the struct a sequence decodes into */
};

#define MAX_FIELDS 48

/* Field table shorthands. S is the struct being described. */
#define U32(t, f) {t, F_U32, false, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define U32H(t, f, h) {t, F_U32, false, #t, offsetof(S, f), offsetof(S, h), NONE, 0, NULL}
#define U32R(t, f) {t, F_U32, true, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define U64(t, f) {t, F_U64, false, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define U64H(t, f, h) {t, F_U64, false, #t, offsetof(S, f), offsetof(S, h), NONE, 0, NULL}
#define U64R(t, f) {t, F_U64, true, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define STR(t, f) {t, F_STR, false, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define STRR(t, f) {t, F_STR, true, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define FLAG(t, f) {t, F_FLAG, false, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define STRV(t, f) {t, F_STRV, false, #t, offsetof(S, f), NONE, NONE, 0, NULL}
#define GROUP(t, f, h, sch) {t, F_GROUP, false, #t, offsetof(S, f), offsetof(S, h), NONE, 0, &sch}
#define GROUPS(t, f, n, sch) {t, F_GROUPS, false, #t, offsetof(S, f), NONE, offsetof(S, n), 0, &sch}
#define SCHEMA(var, fields) \
    static const struct schema var = {#var, fields, sizeof(fields) / sizeof(fields[0]), sizeof(S)}

#define S struct ns_join
static const struct field ns_join_f[] = {U32R(NS_TYPE, type), STRR(NS_PATH, path)};
SCHEMA(NS_JOIN, ns_join_f);
#undef S

#define S struct mount_rec
static const struct field mount_f[] = {
    STR(M_SOURCE, source), STRR(M_DEST, dest), STR(M_FSTYPE, fstype), U64(M_FLAGS, flags),
    STR(M_DATA, data), U64(M_PROPAGATION, propagation), U64(M_ATTR_SET, attr_set),
    U64(M_ATTR_CLR, attr_clr), STR(M_IDMAP_UID, idmap_uid), STR(M_IDMAP_GID, idmap_gid),
    FLAG(M_IDMAP_RECURSIVE, idmap_recursive), STR(M_IDMAP_USERNS, idmap_userns), FLAG(M_COPY_UP, copy_up)};
SCHEMA(MOUNT, mount_f);
#undef S

#define S struct device_rec
static const struct field device_f[] = {
    STRR(D_PATH, path), U32R(D_TYPE, type), U64(D_MAJOR, major), U64(D_MINOR, minor),
    U32(D_MODE, mode), U32(D_UID, uid), U32(D_GID, gid), FLAG(D_BIND, bind)};
SCHEMA(DEVICE, device_f);
#undef S

#define S struct symlink_rec
static const struct field symlink_f[] = {STRR(L_TARGET, target), STRR(L_LINK, link)};
SCHEMA(SYMLINK, symlink_f);
#undef S

#define S struct sysctl_rec
static const struct field sysctl_f[] = {STRR(S_KEY, key), STRR(S_VALUE, value)};
SCHEMA(SYSCTL, sysctl_f);
#undef S

#define S struct rlimit_rec
static const struct field rlimit_f[] = {U32R(R_RESOURCE, resource), U64R(R_SOFT, soft), U64R(R_HARD, hard)};
SCHEMA(RLIMIT, rlimit_f);
#undef S

#define S struct caps_rec
static const struct field caps_f[] = {
    U64R(C_BOUNDING, bounding), U64R(C_EFFECTIVE, effective), U64R(C_PERMITTED, permitted),
    U64R(C_INHERITABLE, inheritable), U64R(C_AMBIENT, ambient)};
SCHEMA(CAPS, caps_f);
#undef S

#define S struct seccomp_rec
static const struct field seccomp_f[] = {
    {SC_BPF, F_BYTES, true, "SC_BPF", offsetof(S, bpf), NONE, offsetof(S, len), 8, NULL},
    U32(SC_FLAGS, flags)};
SCHEMA(SECCOMP, seccomp_f);
#undef S

#define S struct lsm_attr_rec
static const struct field lsm_attr_f[] = {STRR(AA_ATTR, attr), STRR(AA_VALUE, value)};
SCHEMA(APPARMOR_EXEC, lsm_attr_f);
#undef S

#define S struct console_size_rec
static const struct field console_size_f[] = {U32R(CS_ROWS, rows), U32R(CS_COLS, cols)};
SCHEMA(CONSOLE_SIZE, console_size_f);
#undef S

#define S struct hook_rec
static const struct field hook_f[] = {
    U32R(H_KIND, kind), STRR(H_PATH, path), STRV(H_ARG, args), STRV(H_ENV, env), U32(H_TIMEOUT, timeout)};
SCHEMA(HOOK, hook_f);
#undef S

#define S struct plan
static const struct field plan_f[] = {
    U64(T_CLONE_FLAGS, clone_flags),
    GROUPS(T_NS_JOIN, ns_join, n_ns_join, NS_JOIN),
    STR(T_UID_MAP, uid_map), STR(T_GID_MAP, gid_map), STR(T_SETGROUPS, setgroups),
    STR(T_TIME_OFFSETS, time_offsets),
    STR(T_ROOTFS, rootfs),
    U64H(T_ROOTFS_PROPAGATION, rootfs_propagation, has_rootfs_propagation),
    FLAG(T_ROOT_READONLY, root_readonly), FLAG(T_NO_PIVOT, no_pivot),
    GROUPS(T_MOUNT, mounts, n_mounts, MOUNT),
    GROUPS(T_DEVICE, devices, n_devices, DEVICE),
    GROUPS(T_SYMLINK, symlinks, n_symlinks, SYMLINK),
    STRV(T_MASK, masks), STRV(T_READONLY_PATH, readonly_paths),
    GROUPS(T_SYSCTL, sysctls, n_sysctls, SYSCTL),
    STR(T_HOSTNAME, hostname), STR(T_DOMAINNAME, domainname),
    GROUPS(T_RLIMIT, rlimits, n_rlimits, RLIMIT),
    STR(T_OOM_SCORE_ADJ, oom_score_adj),
    U32H(T_UID, uid, has_uid), U32H(T_GID, gid, has_gid),
    {T_ADDITIONAL_GIDS, F_U32S, false, "T_ADDITIONAL_GIDS", offsetof(S, additional_gids),
     offsetof(S, has_additional_gids), offsetof(S, n_additional_gids), 4, NULL},
    U32H(T_UMASK, umask, has_umask),
    GROUP(T_CAPS, caps, has_caps, CAPS),
    FLAG(T_NO_NEW_PRIVS, no_new_privs),
    GROUP(T_SECCOMP, seccomp, has_seccomp, SECCOMP),
    STR(T_CWD, cwd),
    STRV(T_ARG, args), STRV(T_ENV, env),
    FLAG(T_TERMINAL, terminal), STR(T_CONSOLE_SOCKET, console_socket),
    GROUP(T_CONSOLE_SIZE, console_size, has_console_size, CONSOLE_SIZE),
    U32(T_PRESERVE_FDS, preserve_fds),
    GROUPS(T_HOOK, hooks, n_hooks, HOOK),
    STR(T_FIFO_PATH, fifo_path),
    U32H(T_PERSONALITY, personality, has_personality),
    STR(T_SESSION_KEYRING, session_keyring),
    GROUP(T_APPARMOR_EXEC, apparmor_exec, has_apparmor_exec, APPARMOR_EXEC),
    STR(T_SELINUX_EXEC, selinux_exec),
    STR(T_MASK_DATA, mask_data),
    FLAG(T_LSM_AFTER_HOOKS, lsm_after_hooks),
};
SCHEMA(PLAN, plan_f);
#undef S

struct ctx {
    struct plan *p;
    char *err;
    size_t errlen;
};

/* One record of a sequence; off is its offset in the whole plan, for messages. */
struct rec {
    uint16_t tag;
    const uint8_t *val;
    uint32_t len;
    size_t off;
};

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...) {
    int n = snprintf(c->err, c->errlen, "plan: ");
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < c->errlen) vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t le32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t le64(const uint8_t *b) { return (uint64_t)le32(b) | (uint64_t)le32(b + 4) << 32; }

/* Zeroed memory owned by the plan (freed by plan_free). */
static void *palloc(struct ctx *c, size_t n) {
    struct plan *p = c->p;
    if (p->n_allocs == p->cap_allocs) {
        size_t cap = p->cap_allocs ? p->cap_allocs * 2 : 64;
        void **a = realloc(p->allocs, cap * sizeof(*a));
        if (!a) return NULL;
        p->allocs = a;
        p->cap_allocs = cap;
    }
    void *m = calloc(1, n ? n : 1);
    if (m) p->allocs[p->n_allocs++] = m;
    return m;
}

/*
 * Reads the record at *pos of buf[0..len); base is buf's offset in the plan. Returns 1 with *r filled,
 * 0 at the end, -1 on a malformed header or a length that overruns the sequence.
 */
static int next_rec(struct ctx *c, const uint8_t *buf, size_t len, size_t base, size_t *pos, struct rec *r) {
    size_t left = len - *pos;
    if (left == 0) return 0;
    if (left < 8) return fail(c, "truncated record header at offset %zu (%zu bytes left)", base + *pos, left);
    const uint8_t *h = buf + *pos;
    r->tag = (uint16_t)(h[0] | h[1] << 8);
    r->len = le32(h + 4);
    r->off = base + *pos;
    if (h[2] != 0 || h[3] != 0) return fail(c, "tag %u at offset %zu: reserved bytes are not zero", r->tag, r->off);
    if (r->len > left - 8)
        return fail(c, "tag %u at offset %zu: length %u overruns the remaining %zu bytes", r->tag, r->off, r->len,
                    left - 8);
    r->val = h + 8;
    *pos += 8 + (size_t)r->len;
    return 1;
}

static const struct field *find_field(const struct schema *s, uint16_t tag, size_t *index) {
    for (size_t i = 0; i < s->nfields; i++) {
        if (s->fields[i].tag == tag) {
            *index = i;
            return &s->fields[i];
        }
    }
    return NULL;
}

static bool repeatable(const struct field *f) { return f->type == F_STRV || f->type == F_GROUPS; }

static int decode_seq(struct ctx *c, const struct schema *s, const uint8_t *buf, size_t len, size_t base,
                      void *out);

static int check_size(struct ctx *c, const struct field *f, const struct rec *r, size_t want) {
    if (r->len != want)
        return fail(c, "%s at offset %zu: length %u, expected %zu", f->name, r->off, r->len, want);
    return 0;
}

static int decode_str(struct ctx *c, const struct field *f, const struct rec *r, char **out) {
    if (memchr(r->val, 0, r->len)) return fail(c, "%s at offset %zu: embedded NUL byte", f->name, r->off);
    char *s = palloc(c, (size_t)r->len + 1);
    if (!s) return fail(c, "out of memory");
    memcpy(s, r->val, r->len);
    *out = s;
    return 0;
}

static void set_has(const struct field *f, void *out) {
    if (f->has_off != NONE) *(bool *)((char *)out + f->has_off) = true;
}

/* Decodes one record into its field of out; idx is the slot for repeated fields. */
static int decode_field(struct ctx *c, const struct field *f, const struct rec *r, void *out, size_t idx) {
    char *dst = (char *)out + f->off;
    switch (f->type) {
    case F_U32:
        if (check_size(c, f, r, 4)) return -1;
        *(uint32_t *)dst = le32(r->val);
        set_has(f, out);
        return 0;
    case F_U64:
        if (check_size(c, f, r, 8)) return -1;
        *(uint64_t *)dst = le64(r->val);
        set_has(f, out);
        return 0;
    case F_FLAG:
        if (check_size(c, f, r, 0)) return -1;
        *(bool *)dst = true;
        return 0;
    case F_STR:
        return decode_str(c, f, r, (char **)dst);
    case F_STRV:
        return decode_str(c, f, r, &((struct strv *)dst)->v[idx]);
    case F_BYTES: {
        if (r->len == 0 || r->len % f->unit != 0)
            return fail(c, "%s at offset %zu: length %u is not a non-zero multiple of %zu", f->name, r->off, r->len,
                        f->unit);
        uint8_t *b = palloc(c, r->len);
        if (!b) return fail(c, "out of memory");
        memcpy(b, r->val, r->len);
        *(uint8_t **)dst = b;
        *(size_t *)((char *)out + f->n_off) = r->len;
        return 0;
    }
    case F_U32S: {
        if (r->len % 4 != 0) return fail(c, "%s at offset %zu: length %u is not a multiple of 4", f->name, r->off, r->len);
        size_t n = r->len / 4;
        uint32_t *v = palloc(c, n * sizeof(*v));
        if (!v) return fail(c, "out of memory");
        for (size_t i = 0; i < n; i++) v[i] = le32(r->val + 4 * i);
        *(uint32_t **)dst = v;
        *(size_t *)((char *)out + f->n_off) = n;
        set_has(f, out);
        return 0;
    }
    case F_GROUP:
        set_has(f, out);
        return decode_seq(c, f->sub, r->val, r->len, r->off + 8, dst);
    case F_GROUPS: {
        char *elem = *(char **)dst + idx * f->sub->size;
        return decode_seq(c, f->sub, r->val, r->len, r->off + 8, elem);
    }
    }
    return fail(c, "internal error: field type %d", f->type);
}

/* Pass 1: validates headers, rejects unknown and duplicate tags, counts each field's records. */
static int count_fields(struct ctx *c, const struct schema *s, const uint8_t *buf, size_t len, size_t base,
                        size_t *counts) {
    size_t pos = 0;
    struct rec r;
    int k;
    while ((k = next_rec(c, buf, len, base, &pos, &r)) > 0) {
        size_t i;
        const struct field *f = find_field(s, r.tag, &i);
        if (!f) return fail(c, "unknown tag %u in %s at offset %zu", r.tag, s->name, r.off);
        if (++counts[i] > 1 && !repeatable(f)) return fail(c, "duplicate %s at offset %zu", f->name, r.off);
    }
    return k;
}

/* Allocates the arrays of the repeated fields (strv arrays get their NULL terminator for free). */
static int alloc_arrays(struct ctx *c, const struct schema *s, const size_t *counts, void *out) {
    for (size_t i = 0; i < s->nfields; i++) {
        const struct field *f = &s->fields[i];
        char *dst = (char *)out + f->off;
        if (f->type == F_STRV) {
            struct strv *v = (struct strv *)dst;
            v->v = palloc(c, (counts[i] + 1) * sizeof(char *));
            if (!v->v) return fail(c, "out of memory");
            v->n = counts[i];
        } else if (f->type == F_GROUPS) {
            void *a = palloc(c, counts[i] * f->sub->size);
            if (!a) return fail(c, "out of memory");
            *(void **)dst = a;
            *(size_t *)((char *)out + f->n_off) = counts[i];
        }
    }
    return 0;
}

static int decode_seq(struct ctx *c, const struct schema *s, const uint8_t *buf, size_t len, size_t base,
                      void *out) {
    size_t counts[MAX_FIELDS] = {0}, filled[MAX_FIELDS] = {0};
    if (s->nfields > MAX_FIELDS) return fail(c, "internal error: schema %s too large", s->name);
    if (count_fields(c, s, buf, len, base, counts) < 0) return -1;
    for (size_t i = 0; i < s->nfields; i++) {
        if (s->fields[i].required && counts[i] == 0)
            return fail(c, "%s at offset %zu lacks %s", s->name, base >= 8 ? base - 8 : base, s->fields[i].name);
    }
    if (alloc_arrays(c, s, counts, out) < 0) return -1;
    size_t pos = 0;
    struct rec r;
    int k;
    while ((k = next_rec(c, buf, len, base, &pos, &r)) > 0) {
        size_t i;
        const struct field *f = find_field(s, r.tag, &i);
        if (decode_field(c, f, &r, out, filled[i]++) < 0) return -1;
    }
    return k;
}

int plan_parse(const uint8_t *buf, size_t len, struct plan *p, char *err, size_t errlen) {
    struct ctx c = {p, err, errlen};
    memset(p, 0, sizeof(*p));
    if (err && errlen) err[0] = 0;
    if (len < 4 || memcmp(buf, PLAN_MAGIC, sizeof(PLAN_MAGIC) - 1) != 0) return fail(&c, "bad magic (not a jrunc plan)");
    if (len > PLAN_MAX_SIZE) return fail(&c, "%zu bytes is larger than the %u byte limit", len, PLAN_MAX_SIZE);
    if (decode_seq(&c, &PLAN, buf + 4, len - 4, 4, p) < 0) return -1;
    if (p->has_apparmor_exec && strcmp(p->apparmor_exec.attr, "exec") != 0 &&
        strcmp(p->apparmor_exec.attr, "apparmor/exec") != 0)
        return fail(&c, "APPARMOR_EXEC: attr \"%s\" is neither \"exec\" nor \"apparmor/exec\"", p->apparmor_exec.attr);
    for (size_t i = 0; i < p->n_mounts; i++) {
        const struct mount_rec *m = &p->mounts[i];
        if (!m->idmap_uid != !m->idmap_gid)
            return fail(&c, "MOUNT %zu (\"%s\"): M_IDMAP_UID and M_IDMAP_GID go together", i, m->dest);
        if (m->idmap_uid && m->idmap_userns)
            return fail(&c, "MOUNT %zu (\"%s\"): M_IDMAP_USERNS excludes M_IDMAP_UID/GID", i, m->dest);
        if ((m->idmap_uid || m->idmap_userns) && !(m->flags & 4096 /* MS_BIND */))
            return fail(&c, "MOUNT %zu (\"%s\"): an id-mapped mount must be a bind", i, m->dest);
        if (m->idmap_recursive && !m->idmap_uid && !m->idmap_userns)
            return fail(&c, "MOUNT %zu (\"%s\"): M_IDMAP_RECURSIVE without a mapping", i, m->dest);
    }
    /* Absent strings that are passed to mount(2) as data/type are "", not NULL. */
    for (size_t i = 0; i < p->n_mounts; i++) {
        if (!p->mounts[i].fstype) p->mounts[i].fstype = "";
        if (!p->mounts[i].data) p->mounts[i].data = "";
    }
    return 0;
}

void plan_free(struct plan *p) {
    for (size_t i = 0; i < p->n_allocs; i++) free(p->allocs[i]);
    free(p->allocs);
    memset(p, 0, sizeof(*p));
}
