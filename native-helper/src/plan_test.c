/* Unit test of the plan reader (make check). Builds plans the way PlanWriter does and checks the parse. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static int failures;

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
            failures++;                                                  \
        }                                                                \
    } while (0)

/* ---- a minimal PlanWriter ---- */

struct buf {
    uint8_t b[8192];
    size_t n;
};

static void put(struct buf *w, const void *p, size_t n) {
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void le(struct buf *w, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; i++) w->b[w->n++] = (uint8_t)(v >> (8 * i));
}

static void hdr(struct buf *w, int tag, size_t len) {
    le(w, (uint64_t)tag, 2);
    le(w, 0, 2);
    le(w, len, 4);
}

static void u32(struct buf *w, int tag, uint32_t v) { hdr(w, tag, 4), le(w, v, 4); }
static void u64(struct buf *w, int tag, uint64_t v) { hdr(w, tag, 8), le(w, v, 8); }
static void flag(struct buf *w, int tag) { hdr(w, tag, 0); }
static void str(struct buf *w, int tag, const char *s) { hdr(w, tag, strlen(s)), put(w, s, strlen(s)); }
static void group(struct buf *w, int tag, const struct buf *g) { hdr(w, tag, g->n), put(w, g->b, g->n); }
static void magic(struct buf *w) { put(w, PLAN_MAGIC, 4); }

static int parse(const struct buf *w, struct plan *p, char *err) {
    int r = plan_parse(w->b, w->n, p, err, 256);
    if (r < 0 && getenv("PLAN_TEST_VERBOSE")) printf("  (expected failure) %s\n", err);
    return r;
}

/* ---- tests ---- */

static void test_valid(void) {
    struct buf w = {0}, m = {0}, d = {0}, h = {0}, c = {0}, ns = {0};
    magic(&w);
    u64(&w, T_CLONE_FLAGS, 0x20000 | 0x20000000);
    u32(&ns, NS_TYPE, 0x40000000);
    str(&ns, NS_PATH, "/proc/1/ns/net");
    group(&w, T_NS_JOIN, &ns);
    str(&w, T_ROOTFS, "/tmp/rootfs");
    u64(&w, T_ROOTFS_PROPAGATION, 0x80000 | 0x4000);
    flag(&w, T_ROOT_READONLY);
    str(&m, M_SOURCE, "proc");
    str(&m, M_DEST, "/proc");
    str(&m, M_FSTYPE, "proc");
    u64(&m, M_FLAGS, 14);
    group(&w, T_MOUNT, &m);
    group(&w, T_MOUNT, &m);
    str(&d, D_PATH, "/dev/null");
    u32(&d, D_TYPE, 'c');
    u64(&d, D_MAJOR, 1);
    u64(&d, D_MINOR, 3);
    u32(&d, D_MODE, 0666);
    flag(&d, D_BIND);
    group(&w, T_DEVICE, &d);
    str(&w, T_MASK, "/proc/kcore");
    str(&w, T_MASK, "/proc/keys");
    hdr(&w, T_ADDITIONAL_GIDS, 8);
    le(&w, 10, 4);
    le(&w, 20, 4);
    u64(&c, C_BOUNDING, 1ULL << 40);
    u64(&c, C_EFFECTIVE, 3);
    u64(&c, C_PERMITTED, 3);
    u64(&c, C_INHERITABLE, 0);
    u64(&c, C_AMBIENT, 0);
    group(&w, T_CAPS, &c);
    str(&w, T_ARG, "sh");
    str(&w, T_ARG, "-c");
    str(&w, T_ARG, "");
    str(&w, T_ENV, "PATH=/bin");
    u32(&h, H_KIND, HOOK_START_CONTAINER);
    str(&h, H_PATH, "/bin/true");
    str(&h, H_ARG, "true");
    u32(&h, H_TIMEOUT, 5);
    group(&w, T_HOOK, &h);
    str(&w, T_FIFO_PATH, "/run/x/exec.fifo");

    struct plan p;
    char err[256];
    CHECK(plan_parse(w.b, w.n, &p, err, sizeof(err)) == 0);
    if (err[0]) printf("  unexpected: %s\n", err);
    CHECK(p.clone_flags == (0x20000 | 0x20000000));
    CHECK(p.n_ns_join == 1 && p.ns_join[0].type == 0x40000000 && strcmp(p.ns_join[0].path, "/proc/1/ns/net") == 0);
    CHECK(strcmp(p.rootfs, "/tmp/rootfs") == 0);
    CHECK(p.has_rootfs_propagation && p.rootfs_propagation == (0x80000 | 0x4000));
    CHECK(p.root_readonly && !p.no_pivot);
    CHECK(p.n_mounts == 2 && strcmp(p.mounts[1].dest, "/proc") == 0 && p.mounts[1].flags == 14);
    CHECK(strcmp(p.mounts[0].data, "") == 0 && p.mounts[0].propagation == 0);
    CHECK(p.n_devices == 1 && p.devices[0].type == 'c' && p.devices[0].minor == 3 && p.devices[0].bind);
    CHECK(p.devices[0].mode == 0666 && p.devices[0].uid == 0);
    CHECK(p.masks.n == 2 && strcmp(p.masks.v[1], "/proc/keys") == 0 && p.masks.v[2] == NULL);
    CHECK(p.readonly_paths.n == 0 && p.readonly_paths.v[0] == NULL);
    CHECK(p.has_additional_gids && p.n_additional_gids == 2 && p.additional_gids[1] == 20);
    CHECK(p.has_caps && p.caps.bounding == 1ULL << 40 && p.caps.effective == 3);
    CHECK(p.args.n == 3 && strcmp(p.args.v[2], "") == 0 && p.args.v[3] == NULL);
    CHECK(p.env.n == 1);
    CHECK(p.n_hooks == 1 && p.hooks[0].kind == HOOK_START_CONTAINER && p.hooks[0].timeout == 5);
    CHECK(p.hooks[0].args.n == 1 && p.hooks[0].env.n == 0 && p.hooks[0].env.v[0] == NULL);
    CHECK(!p.has_uid && !p.has_seccomp && !p.terminal);
    CHECK(strcmp(p.fifo_path, "/run/x/exec.fifo") == 0);
    plan_free(&p);
}

static void test_empty_plan(void) {
    struct buf w = {0};
    magic(&w);
    struct plan p;
    char err[256];
    CHECK(parse(&w, &p, err) == 0);
    CHECK(p.args.n == 0 && p.args.v && p.args.v[0] == NULL);
    plan_free(&p);
}

static void test_bad_magic(void) {
    struct buf w = {0};
    put(&w, "JRP2", 4);
    struct plan p;
    char err[256];
    CHECK(parse(&w, &p, err) < 0 && strstr(err, "magic"));
    plan_free(&p);
    w.n = 2;
    CHECK(parse(&w, &p, err) < 0);
    plan_free(&p);
}

static void test_truncated(void) {
    struct plan p;
    char err[256];
    struct buf w = {0};
    magic(&w);
    str(&w, T_HOSTNAME, "host");
    /* every proper prefix that cuts into the record must fail */
    for (size_t n = 5; n < w.n; n++) {
        struct buf t = w;
        t.n = n;
        CHECK(plan_parse(t.b, t.n, &p, err, sizeof(err)) < 0);
        plan_free(&p);
    }
    /* a length that claims more than there is */
    struct buf x = {0};
    magic(&x);
    hdr(&x, T_HOSTNAME, 100);
    put(&x, "abc", 3);
    CHECK(parse(&x, &p, err) < 0 && strstr(err, "overruns"));
    plan_free(&p);
    /* a length near 2^32 must not wrap around */
    struct buf y = {0};
    magic(&y);
    hdr(&y, T_HOSTNAME, 0xfffffff8u);
    CHECK(parse(&y, &p, err) < 0);
    plan_free(&p);
}

static void test_wrong_fixed_size(void) {
    struct plan p;
    char err[256];
    struct buf w = {0};
    magic(&w);
    hdr(&w, T_CLONE_FLAGS, 4);
    le(&w, 1, 4);
    CHECK(parse(&w, &p, err) < 0 && strstr(err, "expected 8"));
    plan_free(&p);
    struct buf f = {0};
    magic(&f);
    hdr(&f, T_NO_PIVOT, 1);
    le(&f, 1, 1);
    CHECK(parse(&f, &p, err) < 0);
    plan_free(&p);
    struct buf g = {0};
    magic(&g);
    hdr(&g, T_ADDITIONAL_GIDS, 6);
    le(&g, 0, 6);
    CHECK(parse(&g, &p, err) < 0);
    plan_free(&p);
}

static void test_embedded_nul(void) {
    struct plan p;
    char err[256];
    struct buf w = {0};
    magic(&w);
    hdr(&w, T_ARG, 5);
    put(&w, "ab\0cd", 5);
    CHECK(parse(&w, &p, err) < 0 && strstr(err, "NUL"));
    plan_free(&p);
}

static void test_unknown_and_reserved(void) {
    struct plan p;
    char err[256];
    struct buf w = {0};
    magic(&w);
    flag(&w, 99);
    CHECK(parse(&w, &p, err) < 0 && strstr(err, "unknown tag 99"));
    plan_free(&p);
    struct buf z = {0};
    magic(&z);
    flag(&z, 0);
    CHECK(parse(&z, &p, err) < 0);
    plan_free(&p);
    struct buf r = {0};
    magic(&r);
    le(&r, T_NO_PIVOT, 2);
    le(&r, 1, 2); /* reserved half-word not zero */
    le(&r, 0, 4);
    CHECK(parse(&r, &p, err) < 0 && strstr(err, "reserved"));
    plan_free(&p);
    /* unknown sub-tag inside a group */
    struct buf g = {0}, m = {0};
    magic(&g);
    str(&m, M_DEST, "/x");
    flag(&m, 99);
    group(&g, T_MOUNT, &m);
    CHECK(parse(&g, &p, err) < 0 && strstr(err, "unknown tag 99"));
    plan_free(&p);
}

static void test_duplicates_and_required(void) {
    struct plan p;
    char err[256];
    struct buf w = {0};
    magic(&w);
    str(&w, T_HOSTNAME, "a");
    str(&w, T_HOSTNAME, "b");
    CHECK(parse(&w, &p, err) < 0 && strstr(err, "duplicate"));
    plan_free(&p);
    struct buf g = {0}, m = {0};
    magic(&g);
    str(&m, M_SOURCE, "tmpfs");
    group(&g, T_MOUNT, &m);
    CHECK(parse(&g, &p, err) < 0 && strstr(err, "M_DEST"));
    plan_free(&p);
}

static void test_nested_bounds(void) {
    struct plan p;
    char err[256];
    /* a sub-record that overruns its group, even though the plan has bytes after the group */
    struct buf w = {0}, m = {0};
    magic(&w);
    hdr(&m, M_DEST, 10);
    put(&m, "/abc", 4);
    group(&w, T_MOUNT, &m);
    str(&w, T_HOSTNAME, "hostname");
    CHECK(parse(&w, &p, err) < 0 && strstr(err, "overruns"));
    plan_free(&p);
    /* a group holding a truncated header */
    struct buf x = {0}, n = {0};
    magic(&x);
    str(&n, L_TARGET, "a");
    str(&n, L_LINK, "/b");
    le(&n, 1, 3);
    group(&x, T_SYMLINK, &n);
    CHECK(parse(&x, &p, err) < 0 && strstr(err, "truncated"));
    plan_free(&p);
    /* seccomp BPF must be whole sock_filter instructions */
    struct buf s = {0}, sc = {0};
    magic(&s);
    hdr(&sc, SC_BPF, 12);
    le(&sc, 0, 12);
    group(&s, T_SECCOMP, &sc);
    CHECK(parse(&s, &p, err) < 0);
    plan_free(&p);
    /* and a valid one */
    struct buf t = {0}, tc = {0};
    magic(&t);
    hdr(&tc, SC_BPF, 16);
    le(&tc, 0x06, 8);
    le(&tc, 0x06, 8);
    u32(&tc, SC_FLAGS, 1);
    group(&t, T_SECCOMP, &tc);
    CHECK(parse(&t, &p, err) == 0 && p.has_seccomp && p.seccomp.len == 16 && p.seccomp.flags == 1);
    plan_free(&p);
}

/* Id-mapped mounts: the sub-tags decode, and inconsistent combinations are refused. */
static void test_idmap(void) {
    struct plan p;
    char err[256];
    struct buf w = {0}, m = {0};
    magic(&w);
    str(&m, M_SOURCE, "/src");
    str(&m, M_DEST, "/dst");
    u64(&m, M_FLAGS, 4096 | 16384);
    str(&m, M_IDMAP_UID, "0 1000 1\n");
    str(&m, M_IDMAP_GID, "0 1000 1\n");
    flag(&m, M_IDMAP_RECURSIVE);
    group(&w, T_MOUNT, &m);
    CHECK(parse(&w, &p, err) == 0);
    CHECK(p.n_mounts == 1 && strcmp(p.mounts[0].idmap_uid, "0 1000 1\n") == 0 &&
          strcmp(p.mounts[0].idmap_gid, "0 1000 1\n") == 0 && p.mounts[0].idmap_recursive &&
          p.mounts[0].idmap_userns == NULL);
    plan_free(&p);

    struct buf w2 = {0}, m2 = {0}; /* a uid map without a gid map */
    magic(&w2);
    str(&m2, M_DEST, "/dst");
    u64(&m2, M_FLAGS, 4096);
    str(&m2, M_IDMAP_UID, "0 1000 1\n");
    group(&w2, T_MOUNT, &m2);
    CHECK(parse(&w2, &p, err) < 0 && strstr(err, "go together"));
    plan_free(&p);

    struct buf w3 = {0}, m3 = {0}; /* not a bind */
    magic(&w3);
    str(&m3, M_DEST, "/dst");
    str(&m3, M_FSTYPE, "tmpfs");
    str(&m3, M_IDMAP_USERNS, "/proc/1/ns/user");
    group(&w3, T_MOUNT, &m3);
    CHECK(parse(&w3, &p, err) < 0 && strstr(err, "must be a bind"));
    plan_free(&p);

    struct buf w4 = {0}, m4 = {0}; /* userns path and maps together */
    magic(&w4);
    str(&m4, M_DEST, "/dst");
    u64(&m4, M_FLAGS, 4096);
    str(&m4, M_IDMAP_UID, "0 1000 1\n");
    str(&m4, M_IDMAP_GID, "0 1000 1\n");
    str(&m4, M_IDMAP_USERNS, "/proc/1/ns/user");
    group(&w4, T_MOUNT, &m4);
    CHECK(parse(&w4, &p, err) < 0 && strstr(err, "excludes"));
    plan_free(&p);
}

/* LSM labels: APPARMOR_EXEC's attr must be one of the two files Java may choose. */
static void test_lsm(void) {
    struct plan p;
    char err[256];
    struct buf w = {0}, a = {0};
    magic(&w);
    str(&a, AA_ATTR, "apparmor/exec");
    str(&a, AA_VALUE, "exec my-profile");
    group(&w, T_APPARMOR_EXEC, &a);
    str(&w, T_SELINUX_EXEC, "system_u:system_r:container_t:s0");
    str(&w, T_MASK_DATA, "context=\"x\"");
    flag(&w, T_LSM_AFTER_HOOKS);
    CHECK(parse(&w, &p, err) == 0);
    CHECK(p.lsm_after_hooks);
    CHECK(p.has_apparmor_exec && strcmp(p.apparmor_exec.value, "exec my-profile") == 0 &&
          strcmp(p.selinux_exec, "system_u:system_r:container_t:s0") == 0 && strcmp(p.mask_data, "context=\"x\"") == 0);
    plan_free(&p);
    struct buf w2 = {0}, a2 = {0};
    magic(&w2);
    str(&a2, AA_ATTR, "../../sys/kernel/x");
    str(&a2, AA_VALUE, "exec p");
    group(&w2, T_APPARMOR_EXEC, &a2);
    CHECK(parse(&w2, &p, err) < 0 && strstr(err, "neither"));
    plan_free(&p);
}

int main(void) {
    test_valid();
    test_empty_plan();
    test_bad_magic();
    test_truncated();
    test_wrong_fixed_size();
    test_embedded_nul();
    test_unknown_and_reserved();
    test_duplicates_and_required();
    test_nested_bounds();
    test_idmap();
    test_lsm();
    if (failures) {
        fprintf(stderr, "plan_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("plan_test: all checks passed\n");
    return 0;
}
