/*
 * runtimetest: runs as a container's process and checks, from the inside, that the runtime applied
 * /config.json (which the conformance suite copies into the rootfs; in mutation mode the copy is
 * deliberately wrong, so every check below has been seen to fail). Output is TAP.
 *
 * Facts the container cannot see about the host come from /runtimetest-host, written by the suite:
 *   ns.<type> <inode>      the host's namespace inodes (a namespace the config does not list must equal it)
 *   nspath.<type> <inode>  the inode of a namespace the config joins by path
 *   capbnd <hex>           the host's bounding set (a runtime cannot grant more than it holds)
 *
 * A test program, not part of the runtime: it reads JSON itself (the runtime never does in C), small
 * and bounds-checked; unknown or malformed input makes it say so and exit 2.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---------- a minimal JSON tree ---------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jnode {
    enum jtype type;
    const char *key; /* member name when the parent is an object */
    const char *str; /* J_STR: decoded; J_NUM: the literal */
    int boolean;
    int child, next; /* indexes into nodes[], -1 = none */
};

#define MAX_NODES 20000
static struct jnode nodes[MAX_NODES];
static int nnodes;
static const char *jp, *jend;

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("Bail out! ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    exit(2);
}

static void skipws(void) {
    while (jp < jend && (*jp == ' ' || *jp == '\t' || *jp == '\n' || *jp == '\r')) jp++;
}

static char *jstring(void) {
    if (jp >= jend || *jp != '"') die("config: string expected");
    jp++;
    size_t cap = 64, n = 0;
    char *out = malloc(cap);
    if (!out) die("out of memory");
    while (jp < jend && *jp != '"') {
        unsigned c = (unsigned char)*jp++;
        if (c == '\\') {
            if (jp >= jend) die("config: truncated escape");
            char e = *jp++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                if (jend - jp < 4) die("config: truncated \\u escape");
                char hex[5] = {jp[0], jp[1], jp[2], jp[3], 0};
                jp += 4;
                c = (unsigned)strtoul(hex, NULL, 16);
                /* Config values here are ASCII; anything wider becomes '?' rather than mis-decoded UTF-16. */
                if (c > 0x7f) c = '?';
                break;
            }
            default: c = (unsigned char)e;
            }
        }
        if (n + 2 > cap) {
            cap *= 2;
            out = realloc(out, cap);
            if (!out) die("out of memory");
        }
        out[n++] = (char)c;
    }
    if (jp >= jend) die("config: unterminated string");
    jp++;
    out[n] = 0;
    return out;
}

static int jvalue(int depth);

static int newnode(enum jtype t) {
    if (nnodes >= MAX_NODES) die("config: too many JSON values");
    struct jnode *n = &nodes[nnodes];
    memset(n, 0, sizeof *n);
    n->type = t;
    n->child = n->next = -1;
    return nnodes++;
}

static int jcontainer(enum jtype t, int depth) {
    int self = newnode(t), last = -1;
    char close = t == J_OBJ ? '}' : ']';
    jp++;
    skipws();
    if (jp < jend && *jp == close) {
        jp++;
        return self;
    }
    for (;;) {
        skipws();
        const char *key = NULL;
        if (t == J_OBJ) {
            key = jstring();
            skipws();
            if (jp >= jend || *jp != ':') die("config: ':' expected");
            jp++;
        }
        int v = jvalue(depth + 1);
        nodes[v].key = key;
        if (last < 0) nodes[self].child = v;
        else nodes[last].next = v;
        last = v;
        skipws();
        if (jp < jend && *jp == ',') {
            jp++;
            continue;
        }
        if (jp < jend && *jp == close) {
            jp++;
            return self;
        }
        die("config: ',' or '%c' expected", close);
    }
}

static int jvalue(int depth) {
    if (depth > 64) die("config: nested too deeply");
    skipws();
    if (jp >= jend) die("config: value expected");
    if (*jp == '{') return jcontainer(J_OBJ, depth);
    if (*jp == '[') return jcontainer(J_ARR, depth);
    if (*jp == '"') {
        int n = newnode(J_STR);
        nodes[n].str = jstring();
        return n;
    }
    if (jend - jp >= 4 && !strncmp(jp, "true", 4)) {
        int n = newnode(J_BOOL);
        nodes[n].boolean = 1;
        jp += 4;
        return n;
    }
    if (jend - jp >= 5 && !strncmp(jp, "false", 5)) {
        jp += 5;
        return newnode(J_BOOL);
    }
    if (jend - jp >= 4 && !strncmp(jp, "null", 4)) {
        jp += 4;
        return newnode(J_NULL);
    }
    const char *s = jp;
    while (jp < jend && (isdigit((unsigned char)*jp) || strchr("+-.eE", *jp))) jp++;
    if (jp == s) die("config: unexpected character '%c'", *s);
    int n = newnode(J_NUM);
    nodes[n].str = strndup(s, (size_t)(jp - s));
    return n;
}

/* Member of an object by name, or -1 (also when obj itself is -1, so lookups chain). */
static int get(int obj, const char *key) {
    if (obj < 0 || nodes[obj].type != J_OBJ) return -1;
    for (int c = nodes[obj].child; c >= 0; c = nodes[c].next)
        if (!strcmp(nodes[c].key, key)) return c;
    return -1;
}

static const char *str(int n) { return n >= 0 && nodes[n].type == J_STR ? nodes[n].str : NULL; }
static int isnum(int n) { return n >= 0 && nodes[n].type == J_NUM; }
static long long num(int n) { return isnum(n) ? strtoll(nodes[n].str, NULL, 10) : 0; }
static unsigned long long unum(int n) { return isnum(n) ? strtoull(nodes[n].str, NULL, 10) : 0; }
static int truthy(int n) { return n >= 0 && nodes[n].type == J_BOOL && nodes[n].boolean; }
#define EACH(c, arr) for (int c = (arr) >= 0 ? nodes[arr].child : -1; c >= 0; c = nodes[c].next)

/* ---------- TAP ---------- */

#define MAX_RESULTS 2048
static char *results[MAX_RESULTS];
static int nresults, nfailed;

static void add(const char *status, const char *desc, const char *fmt, va_list ap) {
    if (nresults >= MAX_RESULTS) die("too many checks");
    char extra[512] = "";
    if (fmt) vsnprintf(extra, sizeof extra, fmt, ap);
    char *line;
    if (asprintf(&line, "%s %d - %s%s%s", status, nresults + 1, desc, *extra ? " # " : "", extra) < 0) die("out of memory");
    results[nresults++] = line;
}

static void okf(int good, const char *desc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add(good ? "ok" : "not ok", desc, good ? NULL : fmt, ap);
    va_end(ap);
    if (!good) nfailed++;
}

static void skip(const char *desc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char reason[400];
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    char desc2[600];
    snprintf(desc2, sizeof desc2, "%s # SKIP %s", desc, reason);
    if (nresults >= MAX_RESULTS) die("too many checks");
    char *line;
    if (asprintf(&line, "ok %d - %s", nresults + 1, desc2) < 0) die("out of memory");
    results[nresults++] = line;
}

static void eqs(const char *desc, const char *got, const char *want) {
    okf(!strcmp(got, want), desc, "got \"%s\" want \"%s\"", got, want);
}

static void eql(const char *desc, long long got, long long want) {
    okf(got == want, desc, "got %lld want %lld", got, want);
}

/* ---------- host facts and small file helpers ---------- */

static char hostinfo[16384];

/* Value of "key value" in /runtimetest-host, or NULL. */
static const char *host(const char *key) {
    static char val[256];
    size_t kl = strlen(key);
    for (const char *l = hostinfo; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        if (len > kl && !strncmp(l, key, kl) && l[kl] == ' ') {
            size_t vl = len - kl - 1;
            if (vl >= sizeof val) vl = sizeof val - 1;
            memcpy(val, l + kl + 1, vl);
            val[vl] = 0;
            return val;
        }
        l += len + (e ? 1 : 0);
    }
    return NULL;
}

/* Reads a whole (small) file; returns length or -1 with errno set. */
static ssize_t slurp(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) break;
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    return (ssize_t)n;
}

static void trim(char *s) {
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
}

/* "Name:\tvalue" from /proc/self/status. */
static const char *status_field(const char *name) {
    static char buf[8192], val[128];
    if (slurp("/proc/self/status", buf, sizeof buf) < 0) return NULL;
    size_t nl = strlen(name);
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, name, nl) && l[nl] == ':') {
            const char *v = l + nl + 1;
            while (*v == ' ' || *v == '\t') v++;
            size_t i = 0;
            while (v[i] && v[i] != '\n' && i + 1 < sizeof val) {
                val[i] = v[i];
                i++;
            }
            val[i] = 0;
            return val;
        }
    }
    return NULL;
}

/* ---------- checks ---------- */

static int config;

static void check_uts(void) {
    struct utsname u;
    if (uname(&u)) die("uname: %s", strerror(errno));
    if (str(get(config, "hostname"))) eqs("hostname", u.nodename, str(get(config, "hostname")));
    if (str(get(config, "domainname"))) eqs("domainname", u.domainname, str(get(config, "domainname")));
}

static const char *const NS[][2] = {{"pid", "pid"},     {"network", "net"}, {"ipc", "ipc"},   {"uts", "uts"},
                                    {"mount", "mnt"},   {"user", "user"},   {"cgroup", "cgroup"}, {"time", "time"}};

static void check_namespaces(void) {
    int list = get(get(config, "linux"), "namespaces");
    for (size_t i = 0; i < sizeof NS / sizeof NS[0]; i++) {
        char desc[64], path[64];
        snprintf(desc, sizeof desc, "namespace %s", NS[i][0]);
        snprintf(path, sizeof path, "/proc/self/ns/%s", NS[i][1]);
        struct stat st;
        if (stat(path, &st)) {
            skip(desc, "%s: %s (kernel without this namespace)", path, strerror(errno));
            continue;
        }
        int entry = -1;
        EACH(c, list) if (str(get(c, "type")) && !strcmp(str(get(c, "type")), NS[i][0])) entry = c;
        char key[64];
        snprintf(key, sizeof key, "ns.%s", NS[i][0]);
        const char *h = host(key);
        if (!h) {
            skip(desc, "no host inode in /runtimetest-host");
            continue;
        }
        unsigned long long hino = strtoull(h, NULL, 10), ino = (unsigned long long)st.st_ino;
        if (entry < 0) {
            okf(ino == hino, desc, "got inode %llu want the host's %llu (not in config: shared)", ino, hino);
        } else if (str(get(entry, "path"))) {
            snprintf(key, sizeof key, "nspath.%s", NS[i][0]);
            const char *p = host(key);
            if (!p) skip(desc, "joined by path, no inode of the path in /runtimetest-host");
            else okf(ino == strtoull(p, NULL, 10), desc, "got inode %llu want %s of %s", ino, p, str(get(entry, "path")));
        } else {
            okf(ino != hino, desc, "got inode %llu, the host's (want a new namespace)", ino);
        }
    }
}

/* One /proc/self/mountinfo line, split. */
struct mnt {
    char point[512], opts[512], optional[256], fstype[64], super[512];
};

static char *unoctal(char *s) {
    char *r = s, *w = s;
    while (*r) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 4;
        } else *w++ = *r++;
    }
    *w = 0;
    return s;
}

#define MAX_MOUNTS 512
static struct mnt mounts[MAX_MOUNTS];
static int nmounts = -1;

static void load_mounts(void) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) die("mountinfo: %s", strerror(errno));
    char line[4096];
    nmounts = 0;
    while (nmounts < MAX_MOUNTS && fgets(line, sizeof line, f)) {
        char *save, *tok[32];
        int n = 0;
        for (char *t = strtok_r(line, " \n", &save); t && n < 32; t = strtok_r(NULL, " \n", &save)) tok[n++] = t;
        int dash = -1;
        for (int i = 6; i < n; i++)
            if (!strcmp(tok[i], "-")) {
                dash = i;
                break;
            }
        if (n < 10 || dash < 0 || dash + 3 > n) continue;
        struct mnt *m = &mounts[nmounts++];
        memset(m, 0, sizeof *m);
        snprintf(m->point, sizeof m->point, "%s", unoctal(tok[4]));
        snprintf(m->opts, sizeof m->opts, "%s", tok[5]);
        for (int i = 6; i < dash; i++) {
            strncat(m->optional, tok[i], sizeof m->optional - strlen(m->optional) - 2);
            strcat(m->optional, " ");
        }
        snprintf(m->fstype, sizeof m->fstype, "%s", tok[dash + 1]);
        snprintf(m->super, sizeof m->super, "%s", tok[dash + 3]);
    }
    fclose(f);
}

/* The topmost mount at exactly `point` (listed last, as it covers the others). */
static struct mnt *find_mount(const char *point) {
    if (nmounts < 0) load_mounts();
    for (int i = nmounts - 1; i >= 0; i--)
        if (!strcmp(mounts[i].point, point)) return &mounts[i];
    return NULL;
}

static int has_opt(const char *list, const char *opt) {
    size_t l = strlen(opt);
    for (const char *p = list; (p = strstr(p, opt)); p += l)
        if ((p == list || p[-1] == ',') && (p[l] == 0 || p[l] == ',')) return 1;
    return 0;
}

/* Checks one mount option of the config against the mount at `point`; desc names the config's mount. */
static void check_option(const char *dest, const char *opt, const struct mnt *mi) {
    static const char *const FLAGS[] = {"ro", "rw", "nosuid", "nodev", "noexec", "relatime", "noatime"};
    char desc[700];
    const char *where = strcmp(dest, mi->point) ? mi->point : "";
    for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
        if (strcmp(opt, FLAGS[i])) continue;
        snprintf(desc, sizeof desc, "mount %s option %s", dest, opt);
        /* Per-mount flags are field 6 of mountinfo; the superblock's own flags (field 11) do not count. */
        okf(has_opt(mi->opts, opt), desc, "got %s%s%s", mi->opts, *where ? " on " : "", where);
    }
    if (!strcmp(opt, "strictatime")) {
        snprintf(desc, sizeof desc, "mount %s option strictatime", dest);
        okf(!has_opt(mi->opts, "relatime") && !has_opt(mi->opts, "noatime"), desc, "got %s%s%s", mi->opts, *where ? " on " : "", where);
    }
    const char *prop = NULL;
    if (!strcmp(opt, "shared") || !strcmp(opt, "rshared")) prop = "shared:";
    else if (!strcmp(opt, "slave") || !strcmp(opt, "rslave")) prop = "master:";
    else if (!strcmp(opt, "private") || !strcmp(opt, "rprivate")) prop = "";
    if (prop) {
        snprintf(desc, sizeof desc, "mount %s propagation %s", dest, opt);
        /* A slave of a private mount stays private (the kernel has no master to give it): slave means
         * "receives, never sends", so only a shared peer group contradicts it. */
        int good = !strcmp(prop, "shared:")   ? strstr(mi->optional, "shared:") != NULL
                   : !strcmp(prop, "master:") ? !strstr(mi->optional, "shared:")
                                              : !strstr(mi->optional, "shared:") && !strstr(mi->optional, "master:");
        okf(good, desc, "got optional fields \"%s\"%s%s", mi->optional, *where ? " on " : "", where);
    }
}

static void check_mounts(void) {
    EACH(m, get(config, "mounts")) {
        const char *dest = str(get(m, "destination")), *type = str(get(m, "type"));
        if (!dest) continue;
        char desc[600];
        snprintf(desc, sizeof desc, "mount %s", dest);
        struct mnt *mi = find_mount(dest);
        if (!mi) {
            okf(0, desc, "got no mount at %s want one", dest);
            continue;
        }
        okf(1, desc, NULL);
        int bind = type && !strcmp(type, "bind");
        EACH(o, get(m, "options")) if (str(o) && (!strcmp(str(o), "bind") || !strcmp(str(o), "rbind"))) bind = 1;
        /* A cgroup v1 mount is a tmpfs holding one mount per hierarchy (runc, crun): its flags are those
         * of the hierarchies, where the cgroup files are (runc leaves the tmpfs itself writable). */
        int v1 = type && !strcmp(type, "cgroup") && !strcmp(mi->fstype, "tmpfs");
        if (type && !bind && strcmp(type, "none")) {
            snprintf(desc, sizeof desc, "mount %s type", dest);
            okf(!strcmp(mi->fstype, type) || v1 || (!strcmp(type, "cgroup") && !strcmp(mi->fstype, "cgroup2")), desc,
                "got %s want %s", mi->fstype, type);
        }
        size_t dl = strlen(dest);
        EACH(o, get(m, "options")) {
            if (!str(o)) continue;
            if (!v1) {
                check_option(dest, str(o), mi);
                continue;
            }
            for (int i = 0; i < nmounts; i++)
                if (!strncmp(mounts[i].point, dest, dl) && mounts[i].point[dl] == '/' && !strchr(mounts[i].point + dl + 1, '/') &&
                    (!strcmp(mounts[i].fstype, "cgroup") || !strcmp(mounts[i].fstype, "cgroup2")))
                    check_option(dest, str(o), &mounts[i]);
        }
    }
}

static void check_masked(void) {
    EACH(p, get(get(config, "linux"), "maskedPaths")) {
        const char *path = str(p);
        if (!path) continue;
        char desc[600];
        snprintf(desc, sizeof desc, "masked %s", path);
        struct stat st;
        if (lstat(path, &st)) {
            /* Masking a path that does not exist is a no-op for every runtime (runc skips ENOENT). */
            okf(errno == ENOENT, desc, "stat: %s", strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(path);
            int entries = 0;
            if (d) {
                struct dirent *e;
                while ((e = readdir(d)))
                    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) entries++;
                closedir(d);
            }
            okf(entries == 0, desc, "got a directory with %d entries want it empty", entries);
        } else {
            char buf[64];
            int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
            ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof buf);
            if (fd >= 0) close(fd);
            okf(n <= 0, desc, "got %zd readable bytes want none", n);
        }
    }
}

static void check_readonly(void) {
    EACH(p, get(get(config, "linux"), "readonlyPaths")) {
        const char *path = str(p);
        if (!path) continue;
        char desc[600];
        snprintf(desc, sizeof desc, "readonly %s", path);
        struct statvfs sv;
        if (statvfs(path, &sv)) {
            okf(errno == ENOENT, desc, "statvfs: %s", strerror(errno));
            continue;
        }
        /* The mount flag is what makes writes fail with EROFS, and proc files cannot be written to test it safely. */
        okf(sv.f_flag & ST_RDONLY, desc, "got a writable mount want read-only (EROFS on write)");
    }
}

static void check_devices(void) {
    static const char *const DEFAULTS[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"};
    for (size_t i = 0; i < sizeof DEFAULTS / sizeof DEFAULTS[0]; i++) {
        char desc[64];
        struct stat st;
        snprintf(desc, sizeof desc, "default device %s", DEFAULTS[i]);
        int r = stat(DEFAULTS[i], &st);
        okf(r == 0 && S_ISCHR(st.st_mode), desc, "got %s want a character device", r ? strerror(errno) : "another file type");
    }
    EACH(d, get(get(config, "linux"), "devices")) {
        const char *path = str(get(d, "path")), *type = str(get(d, "type"));
        if (!path || !type) continue;
        char desc[600];
        struct stat st;
        snprintf(desc, sizeof desc, "device %s", path);
        if (stat(path, &st)) {
            okf(0, desc, "got %s want a device", strerror(errno));
            continue;
        }
        char got = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : S_ISFIFO(st.st_mode) ? 'p' : '?';
        char want = type[0] == 'u' ? 'c' : type[0];
        okf(got == want, desc, "got type %c want %c", got, want);
        if (want != 'p') {
            snprintf(desc, sizeof desc, "device %s major:minor", path);
            okf(major(st.st_rdev) == num(get(d, "major")) && minor(st.st_rdev) == num(get(d, "minor")), desc,
                "got %u:%u want %lld:%lld", major(st.st_rdev), minor(st.st_rdev), num(get(d, "major")), num(get(d, "minor")));
        }
        if (isnum(get(d, "fileMode"))) {
            snprintf(desc, sizeof desc, "device %s mode", path);
            okf((st.st_mode & 07777) == (mode_t)num(get(d, "fileMode")), desc, "got %o want %llo", st.st_mode & 07777, num(get(d, "fileMode")));
        }
        if (isnum(get(d, "uid"))) {
            snprintf(desc, sizeof desc, "device %s uid", path);
            eql(desc, st.st_uid, num(get(d, "uid")));
        }
        if (isnum(get(d, "gid"))) {
            snprintf(desc, sizeof desc, "device %s gid", path);
            eql(desc, st.st_gid, num(get(d, "gid")));
        }
    }
}

static void check_process(int argc, char **argv) {
    int proc = get(config, "process"), user = get(proc, "user");
    eql("process uid", getuid(), num(get(user, "uid")));
    eql("process euid", geteuid(), num(get(user, "uid")));
    eql("process gid", getgid(), num(get(user, "gid")));
    gid_t groups[256];
    int ng = getgroups(256, groups);
    char got[1024] = "", want[1024] = "";
    int good = ng >= 0;
    /* Equal as sets; the primary gid may or may not be listed again among the supplementary groups. */
    for (int i = 0; i < ng; i++) {
        int listed = groups[i] == (gid_t)num(get(user, "gid"));
        EACH(g, get(user, "additionalGids")) if ((gid_t)num(g) == groups[i]) listed = 1;
        if (!listed) good = 0;
        snprintf(got + strlen(got), sizeof got - strlen(got), "%u ", groups[i]);
    }
    EACH(g, get(user, "additionalGids")) {
        int found = 0;
        for (int i = 0; i < ng; i++) found |= groups[i] == (gid_t)num(g);
        if (!found) good = 0;
        snprintf(want + strlen(want), sizeof want - strlen(want), "%lld ", num(g));
    }
    okf(good, "process additionalGids", "got [%s] want [%s]", got, want);
    if (isnum(get(user, "umask"))) {
        const char *u = status_field("Umask");
        if (!u) skip("process umask", "no Umask in /proc/self/status (kernel < 4.7)");
        else eql("process umask", strtol(u, NULL, 8), num(get(user, "umask")));
    }
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, "(%s)", strerror(errno));
    eqs("process cwd", cwd, str(get(proc, "cwd")) ? str(get(proc, "cwd")) : "/");
    EACH(e, get(proc, "env")) {
        const char *kv = str(e), *eq = kv ? strchr(kv, '=') : NULL;
        if (!eq) continue;
        char name[256], desc[300];
        snprintf(name, sizeof name, "%.*s", (int)(eq - kv), kv);
        snprintf(desc, sizeof desc, "process env %s", name);
        const char *v = getenv(name);
        okf(v && !strcmp(v, eq + 1), desc, "got %s want %s", v ? v : "(unset)", eq + 1);
    }
    int i = 0, same = 1;
    EACH(a, get(proc, "args")) {
        if (i >= argc || !str(a) || strcmp(argv[i], str(a))) same = 0;
        i++;
    }
    okf(same && i == argc, "process args", "got %d args starting \"%s\" want %d", argc, argc ? argv[0] : "", i);
}

static const struct { const char *name; int res; } RLIMITS[] = {
    {"RLIMIT_AS", RLIMIT_AS},       {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},   {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static void check_rlimits(void) {
    EACH(r, get(get(config, "process"), "rlimits")) {
        const char *type = str(get(r, "type"));
        if (!type) continue;
        char desc[300];
        snprintf(desc, sizeof desc, "rlimit %s", type);
        int res = -1;
        for (size_t i = 0; i < sizeof RLIMITS / sizeof RLIMITS[0]; i++)
            if (!strcmp(RLIMITS[i].name, type)) res = RLIMITS[i].res;
        if (res < 0) {
            skip(desc, "unknown to this checker");
            continue;
        }
        struct rlimit rl;
        getrlimit(res, &rl);
        unsigned long long soft = unum(get(r, "soft")), hard = unum(get(r, "hard"));
        okf(rl.rlim_cur == soft && rl.rlim_max == hard, desc, "got %llu/%llu want %llu/%llu", (unsigned long long)rl.rlim_cur,
            (unsigned long long)rl.rlim_max, soft, hard);
    }
}

static const char *const CAPS[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
    "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

static unsigned long long capset_of(int arr) {
    unsigned long long m = 0;
    EACH(c, arr) {
        for (size_t i = 0; i < sizeof CAPS / sizeof CAPS[0]; i++)
            if (str(c) && !strcmp(str(c), CAPS[i])) m |= 1ULL << i;
    }
    return m;
}

static void check_caps(void) {
    int proc = get(config, "process"), caps = get(proc, "capabilities");
    if (caps < 0) {
        skip("capabilities", "no process.capabilities in config");
        return;
    }
    const char *hb = host("capbnd");
    unsigned long long hostbnd = hb ? strtoull(hb, NULL, 16) : ~0ULL;
    /* What the runtime sets before execve, then what the kernel makes of it at the checker's execve
     * (capabilities(7)): ambient needs permitted and inheritable; root gains bounding|inheritable, and
     * no_new_privs forbids gaining anything beyond the old permitted set. */
    unsigned long long B = capset_of(get(caps, "bounding")) & hostbnd, I = capset_of(get(caps, "inheritable")) & hostbnd,
                       P = capset_of(get(caps, "permitted")) & hostbnd, A = capset_of(get(caps, "ambient")) & P & I, Pn, En;
    if (geteuid() == 0) {
        Pn = B | I | A;
        if (truthy(get(proc, "noNewPrivileges"))) Pn &= P;
        En = Pn;
    } else {
        Pn = En = A;
    }
    static const char *const FIELDS[][2] = {{"CapBnd", "bounding"}, {"CapInh", "inheritable"}, {"CapPrm", "permitted"},
                                            {"CapEff", "effective"}, {"CapAmb", "ambient"}};
    unsigned long long want[] = {B, I, Pn, En, A};
    for (int i = 0; i < 5; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "capabilities %s", FIELDS[i][1]);
        const char *v = status_field(FIELDS[i][0]);
        if (!v) {
            skip(desc, "no %s in /proc/self/status", FIELDS[i][0]);
            continue;
        }
        unsigned long long got = strtoull(v, NULL, 16) & ((1ULL << (sizeof CAPS / sizeof CAPS[0])) - 1);
        okf(got == want[i], desc, "got %016llx want %016llx", got, want[i]);
    }
}

static void check_security(void) {
    int proc = get(config, "process"), lnx = get(config, "linux");
    const char *v = status_field("NoNewPrivs");
    if (v) eql("noNewPrivileges", atoi(v), truthy(get(proc, "noNewPrivileges")));
    else skip("noNewPrivileges", "no NoNewPrivs in /proc/self/status");
    v = status_field("Seccomp");
    if (v) eql("seccomp mode", atoi(v), get(lnx, "seccomp") >= 0 ? 2 : 0);
    else skip("seccomp mode", "kernel without seccomp");
    if (isnum(get(proc, "oomScoreAdj"))) {
        char buf[64];
        if (slurp("/proc/self/oom_score_adj", buf, sizeof buf) < 0) skip("oomScoreAdj", "%s", strerror(errno));
        else eql("oomScoreAdj", atoll(buf), num(get(proc, "oomScoreAdj")));
    }
}

static void squash(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            if (w != s && w[-1] != ' ') *w++ = ' ';
        } else *w++ = *r;
    }
    *w = 0;
    trim(s);
}

static void check_sysctls(void) {
    EACH(s, get(get(config, "linux"), "sysctl")) {
        if (!str(s)) continue;
        char path[512], desc[512], got[4096], want[4096];
        snprintf(path, sizeof path, "/proc/sys/%s", nodes[s].key);
        for (char *p = path + 10; *p; p++)
            if (*p == '.') *p = '/';
        snprintf(desc, sizeof desc, "sysctl %s", nodes[s].key);
        if (slurp(path, got, sizeof got) < 0) {
            okf(0, desc, "read %s: %s", path, strerror(errno));
            continue;
        }
        snprintf(want, sizeof want, "%s", str(s));
        squash(got);
        squash(want);
        eqs(desc, got, want);
    }
}

/* The value of a cgroup file of this process: v1 (controller hierarchy, mounted at the cgroup root or at
 * the full path) or v2 (unified). Returns the path read from, or NULL. */
static const char *cgroup_read(const char *controller, const char *v1file, const char *v2file, char *out, size_t cap) {
    static char path[1024];
    char buf[4096];
    if (slurp("/proc/self/cgroup", buf, sizeof buf) < 0) return NULL;
    char v1path[512] = "", v2path[512] = "", *save;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        if (!strcmp(c1 + 1, "")) snprintf(v2path, sizeof v2path, "%s", c2 + 1);
        for (char *t = strtok(c1 + 1, ","); t; t = strtok(NULL, ","))
            if (!strcmp(t, controller)) snprintf(v1path, sizeof v1path, "%s", c2 + 1);
    }
    const char *cands[4][2] = {{controller, v1path}, {controller, ""}, {"", v2path}, {"", ""}};
    for (int i = 0; i < 4; i++) {
        const char *file = *cands[i][0] ? v1file : v2file;
        if (!*cands[i][0] && i == 2 && !*v2path) continue;
        if (*cands[i][0] && !*v1path) continue;
        snprintf(path, sizeof path, "/sys/fs/cgroup/%s%s%s/%s", cands[i][0], *cands[i][0] ? "/" : "", cands[i][1], file);
        if (slurp(path, out, cap) >= 0) {
            trim(out);
            return path;
        }
    }
    return NULL;
}

static void check_cgroups(void) {
    int res = get(get(config, "linux"), "resources");
    char val[256];
    if (isnum(get(get(res, "memory"), "limit"))) {
        const char *p = cgroup_read("memory", "memory.limit_in_bytes", "memory.max", val, sizeof val);
        if (!p) okf(0, "cgroup memory limit", "got no readable memory.limit_in_bytes or memory.max");
        else eqs("cgroup memory limit", val, nodes[get(get(res, "memory"), "limit")].str);
    }
    if (isnum(get(get(res, "pids"), "limit"))) {
        const char *p = cgroup_read("pids", "pids.max", "pids.max", val, sizeof val);
        long long want = num(get(get(res, "pids"), "limit"));
        char w[32];
        if (want <= 0) snprintf(w, sizeof w, "max");
        else snprintf(w, sizeof w, "%lld", want);
        if (!p) okf(0, "cgroup pids limit", "got no readable pids.max");
        else eqs("cgroup pids limit", val, w);
    }
    int cpu = get(res, "cpu");
    if (isnum(get(cpu, "quota"))) {
        char quota[256] = "", period[256] = "";
        const char *p = cgroup_read("cpu", "cpu.cfs_quota_us", "cpu.max", val, sizeof val);
        if (p && strstr(p, "cpu.max")) sscanf(val, "%255s %255s", quota, period);
        else if (p) {
            snprintf(quota, sizeof quota, "%s", val);
            if (cgroup_read("cpu", "cpu.cfs_period_us", "cpu.max", val, sizeof val)) snprintf(period, sizeof period, "%s", val);
        }
        char want[128], got[520];
        snprintf(want, sizeof want, "%s/%s", nodes[get(cpu, "quota")].str, isnum(get(cpu, "period")) ? nodes[get(cpu, "period")].str : "100000");
        snprintf(got, sizeof got, "%s/%s", quota, period);
        if (!p) okf(0, "cgroup cpu quota", "got no readable cpu.cfs_quota_us or cpu.max");
        else eqs("cgroup cpu quota", got, want);
    }
}

static void check_root(void) {
    struct statvfs sv;
    if (statvfs("/", &sv)) die("statvfs /: %s", strerror(errno));
    eql("root readonly", !!(sv.f_flag & ST_RDONLY), truthy(get(get(config, "root"), "readonly")));
}

static void check_idmaps(void) {
    int lnx = get(config, "linux");
    const char *which[][2] = {{"uidMappings", "/proc/self/uid_map"}, {"gidMappings", "/proc/self/gid_map"}};
    for (int i = 0; i < 2; i++) {
        int maps = get(lnx, which[i][0]);
        if (maps < 0) continue;
        char buf[4096], got[4096] = "", want[4096] = "", *save;
        if (slurp(which[i][1], buf, sizeof buf) < 0) {
            okf(0, which[i][0], "read %s: %s", which[i][1], strerror(errno));
            continue;
        }
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
            unsigned long long a, b, c;
            if (sscanf(l, "%llu %llu %llu", &a, &b, &c) == 3) snprintf(got + strlen(got), sizeof got - strlen(got), "%llu:%llu:%llu ", a, b, c);
        }
        EACH(m, maps)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%llu:%llu:%llu ", unum(get(m, "containerID")), unum(get(m, "hostID")),
                 unum(get(m, "size")));
        trim(got);
        trim(want);
        eqs(which[i][0], got, want);
    }
}

static void check_timens(void) {
    int offs = get(get(config, "linux"), "timeOffsets");
    if (offs < 0) return;
    char buf[1024];
    if (slurp("/proc/self/timens_offsets", buf, sizeof buf) < 0) {
        skip("timeOffsets", "/proc/self/timens_offsets: %s (kernel without time namespaces)", strerror(errno));
        return;
    }
    for (const char *clock = "monotonic";; clock = "boottime") {
        long long secs = 0, nsecs = 0;
        char name[32], *l = strstr(buf, clock);
        if (l) sscanf(l, "%31s %lld %lld", name, &secs, &nsecs);
        int o = get(offs, clock);
        char desc[64];
        snprintf(desc, sizeof desc, "timeOffsets %s", clock);
        long long ws = num(get(o, "secs")), wn = num(get(o, "nanosec"));
        okf(secs == ws && nsecs == wn, desc, "got %lld.%09lld want %lld.%09lld", secs, nsecs, ws, wn);
        if (!strcmp(clock, "boottime")) break;
    }
}

int main(int argc, char **argv) {
    const char *path = "/config.json";
    if (argc > 2 && !strcmp(argv[1], "--config")) path = argv[2];
    static char text[1 << 20];
    ssize_t n = slurp(path, text, sizeof text);
    if (n < 0) die("%s: %s", path, strerror(errno));
    if ((size_t)n >= sizeof text - 1) die("%s: larger than %zu bytes", path, sizeof text - 2);
    jp = text;
    jend = text + n;
    config = jvalue(0);
    if (nodes[config].type != J_OBJ) die("%s: not a JSON object", path);
    if (slurp("/runtimetest-host", hostinfo, sizeof hostinfo) < 0) hostinfo[0] = 0;

    check_uts();
    check_namespaces();
    check_mounts();
    check_masked();
    check_readonly();
    check_devices();
    check_process(argc, argv);
    check_rlimits();
    check_caps();
    check_security();
    check_sysctls();
    check_cgroups();
    check_root();
    check_idmaps();
    check_timens();

    printf("1..%d\n", nresults);
    for (int i = 0; i < nresults; i++) printf("%s\n", results[i]);
    fflush(stdout);
    return nfailed ? 1 : 0;
}
