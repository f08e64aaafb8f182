/*
 * The front of the `jrunc` entry binary (launch.c): answers the commands that decide nothing -- `state`, `kill` (one
 * signal to the init), `start` without poststart hooks, `delete` of a stopped container without poststop hooks,
 * `list`, `ps --format json` -- from the files Java wrote at create (docs/state-format.md: `fast`, `state.tmpl`,
 * `list.tmpl`), and `--version` and `features` from the files the build wrote next to the jar, without starting a
 * JVM. Anything else, any flag it does not know, any state it does not expect, and every error: return
 * FRONT_FALLBACK before doing or printing anything, and the launcher execs the JVM, which does the same thing the
 * slow way and reports errors in one voice.
 *
 * No JSON is parsed here: `fast` and `front.stamp` are flat lines, the rest are templates or finished outputs.
 * Every read is bounded; a file that does not fit its buffer is a reason to fall back, never truncated.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FALLBACK FRONT_FALLBACK
#define TOO_BIG (-2)

struct fast {
    long pid;
    unsigned long long starttime;
    /* How to tell `paused` (StateStore.FreezeFacts): the file, what it reads when frozen and when thawed, and
     * (v1) the file that must not read "0" for frozen to count. */
    char freezer[512], frozen[32], thawed[32], freezer_self[512];
    int poststart, poststop;
    int systemd; /* a systemd unit holds the cgroup: delete must stop it over D-Bus (the JVM's) */
    int ncgroups;
    char cgroups[32][512]; /* directories delete removes */
    /* Keys added for list and ps; absent in directories written by an older create (then: the JVM answers). */
    bool has_procs, has_bundle, has_created, has_owner;
    char procs[4096];   /* the directory `ps` walks (its cgroup.procs and every child's), or "-" */
    char bundle[4096];
    char created[64];
    unsigned long long owner_uid; /* the state directory's owner at create, and its user name then */
    char owner[256];
};

/*
 * Reads all of dirfd/path (O_NOFOLLOW when nofollow) into buf, NUL-terminated. Returns the length, -1 when it
 * cannot be opened or read, TOO_BIG when it does not fit in size - 1 bytes. st (optional) gets its fstat.
 */
static int read_at(int dirfd, const char *path, bool nofollow, char *buf, size_t size, struct stat *st) {
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) return -1;
    if (st && fstat(fd, st) < 0) {
        close(fd);
        return -1;
    }
    size_t n = 0;
    int rc = 0;
    for (;;) {
        char probe;
        bool full = n + 1 >= size;
        ssize_t r = full ? read(fd, &probe, 1) : read(fd, buf + n, size - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) rc = -1;
        else if (r > 0 && full) rc = TOO_BIG;
        else if (r > 0) {
            n += (size_t)r;
            continue;
        }
        break;
    }
    close(fd);
    buf[n] = 0;
    return rc < 0 ? rc : (int)n;
}

static int read_file(const char *path, char *buf, size_t size) { return read_at(AT_FDCWD, path, false, buf, size, NULL); }

static bool not_older(const struct stat *a, const struct stat *b);

/* A growing output buffer; any failure (or more than 64 MiB) sets fail and the command falls back. */
struct out {
    char *p;
    size_t len, cap;
    bool fail;
};

static void put(struct out *o, const char *s, size_t n) {
    if (o->fail) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1) cap *= 2;
        char *p = cap > (64u << 20) ? NULL : realloc(o->p, cap);
        if (!p) {
            o->fail = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = 0;
}

static void puts_out(struct out *o, const char *s) { put(o, s, strlen(s)); }

static void spaces(struct out *o, size_t n) {
    while (n--) put(o, " ", 1);
}

/*
 * What the JVM prints goes through stdout.encoding (ASCII under LANG=C): only ASCII output is certainly the
 * same bytes, so a non-ASCII byte anywhere (a bundle path, an annotation) sends the command to the JVM.
 */
static bool ascii(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

/*
 * The answer, once nothing can fall back any more. Like the JVM (which ignores SIGPIPE and whose PrintStream
 * swallows write errors) a closed or full stdout still exits 0; SIGPIPE is ignored only now, so a JVM started
 * after a fallback never inherits that.
 */
static int emit(const char *s, size_t n) {
    signal(SIGPIPE, SIG_IGN);
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int emit_out(struct out *o) {
    if (o->fail || !ascii(o->p ? o->p : "", o->len)) {
        free(o->p);
        return FALLBACK;
    }
    int rc = emit(o->p ? o->p : "", o->len);
    free(o->p);
    return rc;
}

static bool valid_id(const char *id) {
    if (!*id || !strcmp(id, ".") || !strcmp(id, "..")) return false;
    for (const char *p = id; *p; p++)
        if (!(((*p | 32) >= 'a' && (*p | 32) <= 'z') || (*p >= '0' && *p <= '9') || strchr("_+.-", *p))) return false;
    return true;
}

/* Decimal digits only, no sign, no overflow. */
static bool parse_ull(const char *s, unsigned long long *v) {
    if (!*s) return false;
    unsigned long long n = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > (~0ULL - 9) / 10) return false;
        n = n * 10 + (unsigned)(*s - '0');
    }
    *v = n;
    return true;
}

static bool copy(char *dst, size_t size, const char *src) { return (size_t)snprintf(dst, size, "%s", src) < size; }

static bool flag01(const char *s, int *v) {
    if (strcmp(s, "0") && strcmp(s, "1")) return false;
    *v = *s - '0';
    return true;
}

/*
 * The key/value files Java writes for the front (fast, front.facts, front.stamp): a version line, then
 * "key value" lines, every one ending in '\n' (anything else was cut short). kv_begin checks both and
 * returns the first key line, or NULL; kv_next splits the line at *cur in place, moves *cur on and returns
 * its key (NULL at the end) with *val its value, or NULL for a line without a space.
 */
static char *kv_begin(char *buf, const char *version) {
    size_t len = strlen(buf);
    if (len == 0 || buf[len - 1] != '\n') return NULL;
    char *nl = strchr(buf, '\n');
    *nl = 0;
    return strcmp(buf, version) ? NULL : nl + 1;
}

static char *kv_next(char **cur, char **val) {
    char *line = *cur;
    if (!*line) return NULL;
    char *nl = strchr(line, '\n');
    *nl = 0;
    *cur = nl + 1;
    char *v = strchr(line, ' ');
    if (v) *v++ = 0;
    *val = v;
    return line;
}

/* `fast` (docs/state-format.md): "v2", then "key value" lines; keys this reader does not know are skipped. */
static bool parse_fast(char *buf, struct fast *f) {
    /* Field by field, not memset: the struct is ~26 KiB, mostly buffers that stay unused, and every page touched is
     * a page fault (a few microseconds of this ~0.5 ms process). A new field must be cleared here. */
    f->pid = 0;
    f->starttime = f->owner_uid = 0;
    f->freezer[0] = f->frozen[0] = f->thawed[0] = f->freezer_self[0] = 0;
    f->poststart = f->poststop = f->systemd = f->ncgroups = 0;
    f->has_procs = f->has_bundle = f->has_created = f->has_owner = false;
    f->procs[0] = f->bundle[0] = f->created[0] = f->owner[0] = 0;
    char *cur = kv_begin(buf, "v2");
    if (!cur) return false;
    bool pid = false, st = false, ok = true;
    for (char *line, *v; ok && (line = kv_next(&cur, &v));) {
        if (!v) continue;
        unsigned long long n;
        if (!strcmp(line, "pid")) ok = pid = parse_ull(v, &n) && n > 0 && n <= 0x7fffffff && (f->pid = (long)n) > 0;
        else if (!strcmp(line, "starttime")) ok = st = parse_ull(v, &f->starttime);
        else if (!strcmp(line, "freezer")) ok = copy(f->freezer, sizeof(f->freezer), v);
        else if (!strcmp(line, "frozen")) ok = copy(f->frozen, sizeof(f->frozen), v);
        else if (!strcmp(line, "thawed")) ok = copy(f->thawed, sizeof(f->thawed), v);
        else if (!strcmp(line, "freezer-self")) ok = copy(f->freezer_self, sizeof(f->freezer_self), v);
        else if (!strcmp(line, "poststart")) ok = flag01(v, &f->poststart);
        else if (!strcmp(line, "poststop")) ok = flag01(v, &f->poststop);
        else if (!strcmp(line, "systemd")) f->systemd = 1;
        else if (!strcmp(line, "cgroup")) ok = f->ncgroups < 32 && copy(f->cgroups[f->ncgroups++], sizeof(f->cgroups[0]), v);
        /* list's and ps' keys: one that does not fit only sends those two commands to the JVM */
        else if (!strcmp(line, "procs")) f->has_procs = copy(f->procs, sizeof(f->procs), v);
        else if (!strcmp(line, "bundle")) f->has_bundle = copy(f->bundle, sizeof(f->bundle), v);
        else if (!strcmp(line, "created")) f->has_created = copy(f->created, sizeof(f->created), v);
        else if (!strcmp(line, "owner")) {
            char *name = strchr(v, ' ');
            if (name) *name++ = 0;
            f->has_owner = name && parse_ull(v, &f->owner_uid) && copy(f->owner, sizeof(f->owner), name);
        }
    }
    return ok && pid && st && f->freezer[0] && f->frozen[0] && f->thawed[0];
}

/* read_at for text: false unless it is all there, and has no NUL byte (Java writes none). */
static bool read_text_at(int dirfd, const char *path, char *buf, size_t size, struct stat *st) {
    int n = read_at(dirfd, path, true, buf, size, st);
    return n > 0 && strlen(buf) == (size_t)n;
}

static bool load_fast_at(int dirfd, const char *path, struct fast *f, struct stat *st) {
    char buf[32768];
    return read_text_at(dirfd, path, buf, sizeof(buf), st) && parse_fast(buf, f);
}

static bool load_fast(const char *dir, struct fast *f) {
    char path[4200];
    snprintf(path, sizeof(path), "%s/fast", dir);
    return load_fast_at(AT_FDCWD, path, f, NULL);
}

/* The init is alive iff /proc/<pid>/stat has our start time and is not a zombie (never trust a pid). */
static bool alive(const struct fast *f) {
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", f->pid);
    if (read_file(path, buf, sizeof(buf)) <= 0) return false;
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ') return false;
    p += 2;
    char state = *p;
    /* field 22 (starttime) is the 20th after ")" */
    for (int i = 0; i < 19 && p; i++) p = strchr(p + 1, ' ');
    if (!p) return false;
    return strtoull(p + 1, NULL, 10) == f->starttime && state != 'Z' && state != 'X' && state != 'x';
}

/* Strips ASCII white space at both ends, as Java's strip() does for ASCII; false for a non-ASCII byte. */
static bool strip(char *s) {
    size_t n = strlen(s), a = 0;
    if (!ascii(s, n)) return false;
    while (n > 0 && strchr(" \t\n\v\f\r", s[n - 1])) n--;
    while (a < n && strchr(" \t\n\v\f\r", s[a])) a++;
    memmove(s, s + a, n - a);
    s[n - a] = 0;
    return true;
}

/*
 * The FROZEN test with the facts `fast` carries (StateStore.FreezeFacts): 1 frozen, 0 not, -1 not certain (the
 * JVM's: v1's FREEZING settles there). An unreadable file is not frozen, as Java's Fs.read gives null.
 */
static int frozen(const struct fast *f) {
    char buf[256];
    if (!strcmp(f->freezer, "-")) return 0;
    int n = read_file(f->freezer, buf, sizeof(buf));
    if (n == TOO_BIG || (n >= 0 && (strlen(buf) != (size_t)n || !strip(buf)))) return -1;
    if (n < 0) return 0;
    if (!strcmp(buf, f->thawed)) return 0;
    if (strcmp(buf, f->frozen)) return -1;
    if (!f->freezer_self[0]) return 1;
    n = read_file(f->freezer_self, buf, sizeof(buf));
    if (n == TOO_BIG || (n >= 0 && (strlen(buf) != (size_t)n || !strip(buf)))) return -1;
    return n < 0 || strcmp(buf, "0") != 0; /* "0": frozen through an ancestor, not by itself (runc's GetState) */
}

/* ---------------------------------------------------------------- front.facts */

enum { TEST_DEAD, TEST_FROZEN, TEST_FIFO, TEST_ALWAYS };

struct status_rule {
    char name[16];
    int test;
    bool shows_pid; /* false: `state` and `list` show pid 0 */
};

struct signame {
    const char *name; /* in the facts' text */
    int num;
};

/*
 * front.facts (written by the build, io.jrunc.cli.FrontCache; docs/front.md): the rules this front applies. Static
 * and pointing into the file's text, which is static too, and never cleared as a whole: every 4 KiB page touched
 * is a page fault, a few microseconds of this ~0.5 ms process (a first version that copied the table into a
 * memset struct on the stack cost ~40 us more per call than the front before it, docs/front.md).
 */
struct facts {
    int nrules;
    struct status_rule rules[8];
    int sig_default, sig_max;
    int nsigs;
    struct signame sigs[160];
    const char *allow_kill, *allow_start, *allow_delete; /* "status status ..." */
};

static bool parse_int(const char *s, int max, int *v) {
    unsigned long long n;
    if (!parse_ull(s, &n) || n > (unsigned long long)max) return false;
    *v = (int)n;
    return true;
}

/* All-or-nothing, as front.stamp: a key this front does not know voids the facts (it may be a rule it would miss). */
static bool parse_facts(char *buf, struct facts *fx, unsigned long long jar_size) {
    fx->nrules = fx->nsigs = 0;
    fx->allow_kill = fx->allow_start = fx->allow_delete = NULL;
    char *cur = kv_begin(buf, "v1");
    if (!cur) return false;
    bool jar = false, def = false, max = false;
    for (char *line, *v; (line = kv_next(&cur, &v));) {
        if (!v) return false;
        unsigned long long n;
        char *w = strchr(v, ' ');
        if (!strcmp(line, "jar")) {
            if (!parse_ull(v, &n) || n != jar_size) return false;
            jar = true;
        } else if (!strcmp(line, "status")) {
            /* status <name> <dead|frozen|fifo|always> <pid|0> */
            char *t = w ? w + 1 : NULL, *p = t ? strchr(t, ' ') : NULL;
            if (!w || !p || fx->nrules == 8) return false;
            *w = 0;
            *p++ = 0;
            struct status_rule *r = &fx->rules[fx->nrules++];
            if (!copy(r->name, sizeof(r->name), v)) return false;
            if (!strcmp(t, "dead")) r->test = TEST_DEAD;
            else if (!strcmp(t, "frozen")) r->test = TEST_FROZEN;
            else if (!strcmp(t, "fifo")) r->test = TEST_FIFO;
            else if (!strcmp(t, "always")) r->test = TEST_ALWAYS;
            else return false;
            if (strcmp(p, "pid") && strcmp(p, "0")) return false;
            r->shows_pid = !strcmp(p, "pid");
        } else if (!strcmp(line, "signal-default")) {
            if (!(def = parse_int(v, 64, &fx->sig_default))) return false;
        } else if (!strcmp(line, "signal-max")) {
            if (!(max = parse_int(v, 64, &fx->sig_max))) return false;
        } else if (!strcmp(line, "signal")) {
            if (!w || fx->nsigs == (int)(sizeof(fx->sigs) / sizeof(fx->sigs[0]))) return false;
            *w = 0;
            struct signame *g = &fx->sigs[fx->nsigs++];
            g->name = v;
            if (!*v || !parse_int(w + 1, 64, &g->num)) return false;
        } else if (!strcmp(line, "allow")) {
            const char **dst = !w ? NULL : !strncmp(v, "kill ", 5) ? &fx->allow_kill : !strncmp(v, "start ", 6) ? &fx->allow_start
                             : !strncmp(v, "delete ", 7) ? &fx->allow_delete : NULL;
            if (!dst || strlen(w + 1) > 64) return false;
            *dst = w + 1;
        } else {
            return false;
        }
    }
    return jar && def && max && fx->nrules > 0 && fx->rules[fx->nrules - 1].test == TEST_ALWAYS && fx->allow_kill &&
           fx->allow_start && fx->allow_delete;
}

/* front.facts next to the jar, only while it is no older than the jar and names the jar's size. */
static bool load_facts(const char *home, struct facts *fx) {
    static char buf[8192]; /* the text fx points into */
    char path[4300];
    struct stat jst, fst;
    /* the jar launch_jar would pick (the checkout's, else the install's), by stat alone: one syscall less */
    const char *dir = "runtime/target";
    snprintf(path, sizeof(path), "%s/%s/jrunc.jar", home, dir);
    if (stat(path, &jst) < 0) {
        dir = "lib";
        snprintf(path, sizeof(path), "%s/%s/jrunc.jar", home, dir);
        if (stat(path, &jst) < 0) return false;
    }
    if (!S_ISREG(jst.st_mode)) return false;
    snprintf(path, sizeof(path), "%s/%s/front.facts", home, dir);
    return read_text_at(AT_FDCWD, path, buf, sizeof(buf), &fst) && not_older(&fst, &jst) &&
           parse_facts(buf, fx, (unsigned long long)jst.st_size);
}

/* Whether the front's way of doing cmd is Java's in this status (front.facts "allow"). */
static bool allowed(const char *list, const struct status_rule *st) {
    char word[24], padded[80];
    snprintf(word, sizeof(word), " %s ", st->name);
    snprintf(padded, sizeof(padded), " %s ", list);
    return strstr(padded, word) != NULL;
}

/* The status rules of front.facts (StateStore.STATUS_RULES) in order; NULL when a test is not certain. */
static const struct status_rule *status_at(int dirfd, const char *fifo, const struct fast *f, const struct facts *fx) {
    for (int i = 0; i < fx->nrules; i++) {
        const struct status_rule *r = &fx->rules[i];
        int holds = 1;
        struct stat st;
        if (r->test == TEST_DEAD) holds = !alive(f);
        else if (r->test == TEST_FROZEN) holds = frozen(f);
        else if (r->test == TEST_FIFO) holds = fstatat(dirfd, fifo, &st, 0) == 0;
        if (holds < 0) return NULL;
        if (holds) return r;
    }
    return NULL;
}

static const struct status_rule *status(const char *dir, const struct fast *f, const struct facts *fx) {
    char path[4200];
    snprintf(path, sizeof(path), "%s/exec.fifo", dir);
    return status_at(AT_FDCWD, path, f, fx);
}

/*
 * A template (state.tmpl, list.tmpl) filled in: the first @PID@ and the first "@STATUS@" are Java's placeholders
 * (pid precedes status, and both precede every value taken from the bundle).
 */
static bool fill(struct out *o, char *tmpl, const struct status_rule *st, const struct fast *f) {
    char *s = strstr(tmpl, "\"@STATUS@\""), *p = strstr(tmpl, "@PID@");
    if (!st || !s || !p || p > s) return false;
    char pid[32];
    snprintf(pid, sizeof(pid), "%ld", st->shows_pid ? f->pid : 0L);
    put(o, tmpl, (size_t)(p - tmpl));
    puts_out(o, pid);
    put(o, p + 5, (size_t)(s - (p + 5)));
    puts_out(o, "\"");
    puts_out(o, st->name);
    puts_out(o, "\"");
    puts_out(o, s + 10);
    return true;
}

/* state.tmpl is Java's exact `state` output with "@STATUS@" and @PID@ left to fill in. */
static int do_state(const char *dir, const struct fast *f, const struct facts *fx) {
    char path[4200], tmpl[65536];
    snprintf(path, sizeof(path), "%s/state.tmpl", dir);
    if (!read_text_at(AT_FDCWD, path, tmpl, sizeof(tmpl), NULL)) return FALLBACK;
    struct out o = {0};
    if (!fill(&o, tmpl, status(dir, f, fx), f)) {
        free(o.p);
        return FALLBACK;
    }
    return emit_out(&o);
}

/* Signals.parse with front.facts' table: a number up to signal-max, or a NAME / SIGNAME of the table (any ASCII
 * case); -1 for anything else (the JVM answers, or refuses). NULL: the default. */
static int signal_number(const char *s, const struct facts *fx) {
    if (!s) return fx->sig_default;
    if (*s >= '0' && *s <= '9') {
        int n;
        return parse_int(s, fx->sig_max, &n) ? n : -1;
    }
    if (!strncasecmp(s, "SIG", 3)) s += 3;
    for (int i = 0; i < fx->nsigs; i++)
        if (!strcasecmp(s, fx->sigs[i].name)) return fx->sigs[i].num;
    return -1;
}

static int do_kill(const char *dir, const struct fast *f, const char *sig_name, const struct facts *fx) {
    int sig = signal_number(sig_name, fx);
    const struct status_rule *st = sig < 0 ? NULL : status(dir, f, fx);
    if (!st || !allowed(fx->allow_kill, st)) return FALLBACK;
    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)f->pid, 0);
    if (pidfd < 0) return FALLBACK;
    /* pidfd first, then the start time again: the signal can only reach the init we recorded. */
    int rc = alive(f) && syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0 ? 0 : FALLBACK;
    close(pidfd);
    return rc;
}

static int do_start(const char *dir, const struct fast *f, const struct facts *fx) {
    const struct status_rule *st = f->poststart ? NULL : status(dir, f, fx);
    if (!st || !allowed(fx->allow_start, st)) return FALLBACK;
    char path[4200];
    snprintf(path, sizeof(path), "%s/.lock", dir);
    int lock = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lock < 0 || fcntl(lock, F_SETLKW, &fl) < 0) return FALLBACK;
    snprintf(path, sizeof(path), "%s/exec.fifo", dir);
    /* Non-blocking open of the read end releases the init blocked opening the write end. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return FALLBACK;
    char c;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, 20);
        if (r > 0 && read(fd, &c, 1) == 1) break;
        if (!alive(f)) {
            close(fd);
            return FALLBACK; /* the JVM reports "cannot start a container that has stopped" */
        }
    }
    /* Then end-of-file: the init holds the write end open until its execve (or death). Returning only
     * then means a signal sent right after `start` reaches the container's program, never the init
     * before its exec (pid 1 of a pid namespace without a handler: the kernel drops it). */
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, 20);
        if (r > 0) {
            ssize_t n = read(fd, &c, 1);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
        }
        if (r == 0 && !alive(f)) break;
    }
    close(fd);
    unlink(path);
    close(lock);
    return 0;
}

/*
 * delete of a stopped container without poststop hooks: rmdir its cgroups, remove the state directory.
 * A cgroup that still holds processes (EBUSY) needs killing: that, and any other surprise, is the JVM's.
 */
static int do_delete(const char *dir, const struct fast *f, const struct facts *fx) {
    const struct status_rule *st = f->poststop || f->systemd ? NULL : status(dir, f, fx);
    if (!st || !allowed(fx->allow_delete, st)) return FALLBACK;
    char path[4200];
    snprintf(path, sizeof(path), "%s/.lock", dir);
    int lock = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lock < 0 || fcntl(lock, F_SETLKW, &fl) < 0) return FALLBACK;
    for (int i = 0; i < f->ncgroups; i++)
        if (rmdir(f->cgroups[i]) < 0 && errno != ENOENT) {
            close(lock);
            return FALLBACK;
        }
    DIR *d = opendir(dir);
    if (!d) {
        close(lock);
        return FALLBACK;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    close(lock);
    return rmdir(dir) == 0 ? 0 : FALLBACK;
}

/*
 * One flag as urfave/cli (and Java's Args) reads it: "-name", "--name", "-name=v", "--name=v". Returns the
 * name (without dashes) in name and the inline value or NULL in *inline_value; false for "-", "--" or a
 * name too long.
 */
static bool flag(const char *arg, char *name, size_t size, const char **inline_value) {
    if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--")) return false;
    const char *a = arg + (arg[1] == '-' ? 2 : 1);
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    if (n == 0 || n >= size) return false;
    memcpy(name, a, n);
    name[n] = 0;
    *inline_value = eq ? eq + 1 : NULL;
    return true;
}

/* ---------------------------------------------------------------- list */

struct row {
    char *f[6]; /* ID PID STATUS BUNDLE CREATED OWNER */
};

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void free_names(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/*
 * The container directories under root, sorted as Java's String.sort (ids are ASCII: byte order). false for
 * anything Java would see differently: a symlink (Java follows it), a directory whose name is no valid id.
 */
static bool list_names(int rootfd, char ***names_out, size_t *n_out) {
    *names_out = NULL;
    *n_out = 0;
    if (rootfd < 0) return true; /* no root: no containers */
    int fd = dup(rootfd);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0) close(fd);
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    while (ok) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            ok = errno == 0;
            break;
        }
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        /* '@' is in no container id: jrunc's own entries (the seccomp cache, @seccomp), as in StateStore.ids */
        if (e->d_name[0] == '@') continue;
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(rootfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                ok = false;
                break;
            }
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        if (type == DT_LNK || (type == DT_DIR && !valid_id(e->d_name))) ok = false;
        if (!ok || type != DT_DIR) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **p = cap > 1000000 ? NULL : realloc(names, cap * sizeof(char *));
            if (!p) {
                ok = false;
                break;
            }
            names = p;
        }
        if (!(names[n] = strdup(e->d_name))) ok = false;
        else n++;
    }
    closedir(d);
    if (!ok) {
        free_names(names, n);
        return false;
    }
    if (n) qsort(names, n, sizeof(char *), cmp_names);
    *names_out = names;
    *n_out = n;
    return true;
}

/* Java's Commands.table: Go's tabwriter as runc sets it up (minwidth 12, padding 3), last column unpadded. */
static void table(struct out *o, struct row *rows, size_t n) {
    size_t w[5];
    for (int c = 0; c < 5; c++) {
        w[c] = 12;
        for (size_t r = 0; r < n; r++)
            if (strlen(rows[r].f[c]) + 3 > w[c]) w[c] = strlen(rows[r].f[c]) + 3;
    }
    for (size_t r = 0; r < n; r++) {
        for (int c = 0; c < 6; c++) {
            puts_out(o, rows[r].f[c]);
            if (c < 5) spaces(o, w[c] - strlen(rows[r].f[c]));
        }
        puts_out(o, "\n");
    }
}

/* One container of `list`, or false for the JVM. */
static bool list_one(int rootfd, const char *name, const struct stat *passwd, bool json, bool first, struct out *o,
                     struct row *row, const struct facts *fx) {
    int dfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return false;
    struct fast f;
    struct stat dst, fst, sst;
    char tmpl[65536];
    bool ok = fstat(dfd, &dst) == 0 && load_fast_at(dfd, "fast", &f, &fst) && f.has_bundle && f.has_created &&
              f.has_owner
              /* the owner's name was resolved at create: still the same owner, and no user renamed since */
              && dst.st_uid == f.owner_uid &&
              (passwd->st_mtim.tv_sec < fst.st_mtim.tv_sec ||
               (passwd->st_mtim.tv_sec == fst.st_mtim.tv_sec && passwd->st_mtim.tv_nsec <= fst.st_mtim.tv_nsec))
              /* Java lists what has a state.json */
              && fstatat(dfd, "state.json", &sst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sst.st_mode);
    const struct status_rule *st = ok ? status_at(dfd, "exec.fifo", &f, fx) : NULL;
    ok = ok && st;
    if (ok && json) {
        ok = read_text_at(dfd, "list.tmpl", tmpl, sizeof(tmpl), NULL);
        if (ok && !first) puts_out(o, ",");
        ok = ok && fill(o, tmpl, st, &f);
    }
    close(dfd);
    if (!ok || !row) return ok;
    char pid[32];
    snprintf(pid, sizeof(pid), "%ld", st->shows_pid ? f.pid : 0L);
    const char *v[6] = {name, pid, st->name, f.bundle, f.created, f.owner};
    for (int c = 0; c < 6; c++)
        if (!(row->f[c] = strdup(v[c]))) ok = false;
    return ok;
}

/* list [-f|--format table|json] [-q|--quiet]: Java's Commands.list byte for byte. */
static int do_list(const char *root, int argc, char **argv, const struct facts *fx) {
    bool quiet = false, json = false;
    for (int i = 0; i < argc; i++) {
        char name[16];
        const char *v;
        if (!flag(argv[i], name, sizeof(name), &v)) return FALLBACK; /* a positional, "--", --help...: the JVM's */
        if (!strcmp(name, "q") || !strcmp(name, "quiet")) {
            if (v && strcmp(v, "true") && strcmp(v, "false")) return FALLBACK;
            quiet = !v || !strcmp(v, "true");
        } else if (!strcmp(name, "f") || !strcmp(name, "format")) {
            if (!v && i + 1 >= argc) return FALLBACK;
            if (!v) v = argv[++i];
            if (strcmp(v, "table") && strcmp(v, "json")) return FALLBACK; /* the error is the JVM's */
            json = !strcmp(v, "json");
        } else {
            return FALLBACK;
        }
    }
    if (quiet) json = false;
    int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0 && errno != ENOENT) return FALLBACK; /* Java lists nothing for a missing root */
    char **names;
    size_t n;
    struct stat passwd;
    if (!list_names(rootfd, &names, &n) || (n && stat("/etc/passwd", &passwd) < 0)) {
        free_names(names, n);
        if (rootfd >= 0) close(rootfd);
        return FALLBACK;
    }
    struct out o = {0};
    struct row *rows = quiet || json ? NULL : calloc(n + 1, sizeof(struct row));
    bool ok = quiet || json || rows;
    if (rows) {
        const char *h[6] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
        for (int c = 0; c < 6; c++) ok = ok && (rows[0].f[c] = strdup(h[c]));
    }
    if (json) puts_out(&o, "[");
    for (size_t i = 0; ok && i < n; i++) {
        ok = list_one(rootfd, names[i], &passwd, json, i == 0, &o, rows ? &rows[i + 1] : NULL, fx);
        if (ok && quiet) {
            puts_out(&o, names[i]);
            puts_out(&o, "\n");
        }
    }
    if (json) puts_out(&o, "]\n");
    if (ok && rows) table(&o, rows, n + 1);
    if (rows) {
        for (size_t r = 0; r <= n; r++)
            for (int c = 0; c < 6; c++) free(rows[r].f[c]);
        free(rows);
    }
    free_names(names, n);
    if (rootfd >= 0) close(rootfd);
    if (!ok) {
        free(o.p);
        return FALLBACK;
    }
    return emit_out(&o);
}

/* ---------------------------------------------------------------- ps --format json */

/*
 * Java's Fs.procs: the pids in dirfd's cgroup.procs, then each child directory's, depth first in readdir
 * order. A directory that vanished has none (as in Java); anything else unexpected is the JVM's.
 */
static bool procs_walk(int dirfd, int depth, struct out *o, bool *first) {
    if (depth > 32) return false;
    static char buf[1 << 20]; /* done with before the recursion below */
    int n = read_at(dirfd, "cgroup.procs", true, buf, sizeof(buf), NULL);
    if (n == -1 && errno == ENOENT) return true; /* Java: unreadable procs -> nothing below either */
    if (n < 0 || strlen(buf) != (size_t)n) return false;
    for (char *line = buf, *next; *line; line = next) {
        next = strchr(line, '\n');
        if (!next) return false; /* the kernel ends every line */
        *next++ = 0;
        unsigned long long pid;
        if (!parse_ull(line, &pid) || pid > 0x7fffffff) return false;
        if (!*first) puts_out(o, ",");
        *first = false;
        puts_out(o, line);
    }
    int fd = dup(dirfd);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0) close(fd);
        return false;
    }
    bool ok = true;
    while (ok) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            ok = errno == 0;
            break;
        }
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                ok = errno == ENOENT; /* removed meanwhile: no processes */
                continue;
            }
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        if (type == DT_LNK) ok = false;
        if (!ok || type != DT_DIR) continue;
        int child = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0) {
            if (errno != ENOENT) ok = false; /* a child cgroup removed meanwhile has no processes */
            continue;
        }
        ok = procs_walk(child, depth + 1, o, first);
        close(child);
    }
    closedir(d);
    return ok;
}

/* ps -f|--format json ID: Java's Commands.ps for json, the pids of the container's cgroup as a JSON array. */
static int do_ps(const char *root, int argc, char **argv) {
    bool json = false;
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        char name[16];
        const char *v;
        if (!flag(argv[i], name, sizeof(name), &v) || (strcmp(name, "f") && strcmp(name, "format"))) return FALLBACK;
        if (!v && i + 1 >= argc) return FALLBACK;
        if (!v) v = argv[++i];
        json = !strcmp(v, "json");
    }
    /* exactly one id after the flags; table (ps(1)) and ps options are the JVM's */
    if (!json || i + 1 != argc || !valid_id(argv[i])) return FALLBACK;
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s/%s", root, argv[i]) >= (int)sizeof(dir)) return FALLBACK;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return FALLBACK;
    struct fast f;
    struct stat sst;
    bool ok = load_fast_at(dfd, "fast", &f, NULL) && f.has_procs &&
              fstatat(dfd, "state.json", &sst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sst.st_mode);
    close(dfd);
    if (!ok) return FALLBACK;
    struct out o = {0};
    bool first = true;
    puts_out(&o, "[");
    if (strcmp(f.procs, "-")) {
        int cg = open(f.procs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (cg < 0 && errno != ENOENT) ok = false; /* a removed cgroup lists nothing, in Java too */
        if (cg >= 0) {
            ok = procs_walk(cg, 0, &o, &first);
            close(cg);
        }
    }
    puts_out(&o, "]\n");
    if (!ok) {
        free(o.p);
        return FALLBACK;
    }
    return emit_out(&o);
}

/* ---------------------------------------------------------------- --version, features */

/*
 * front.stamp (written by the build with version.txt and features.json, docs/state-format.md): what those two
 * outputs depend on. The files are used only while all of it still holds.
 */
struct stamp {
    unsigned long long jar_size;
    unsigned long long java_dev, java_ino;
    unsigned long long mod_dev, mod_ino, mod_size, mod_mtime_ns;
    char modules[4096];
};

/* "n1 n2 ... nk rest": count decimal numbers, then the rest of the line (a path, which may hold spaces). */
static bool numbers(char *v, unsigned long long **nums, int count, char *rest, size_t rest_size) {
    for (int i = 0; i < count; i++) {
        char *sp = strchr(v, ' ');
        if (!sp) return false;
        *sp = 0;
        if (!parse_ull(v, nums[i])) return false;
        v = sp + 1;
    }
    return *v && copy(rest, rest_size, v);
}

static bool parse_stamp(char *buf, struct stamp *s) {
    memset(s, 0, sizeof(*s));
    char *cur = kv_begin(buf, "v1");
    if (!cur) return false;
    int seen = 0;
    char javapath[4096];
    for (char *line, *v; (line = kv_next(&cur, &v));) {
        if (!v) return false;
        bool ok = false;
        if (!strcmp(line, "jar")) {
            ok = parse_ull(v, &s->jar_size);
            seen |= 1;
        } else if (!strcmp(line, "java")) {
            unsigned long long *n[] = {&s->java_dev, &s->java_ino};
            ok = numbers(v, n, 2, javapath, sizeof(javapath));
            seen |= 2;
        } else if (!strcmp(line, "modules")) {
            unsigned long long *n[] = {&s->mod_dev, &s->mod_ino, &s->mod_size, &s->mod_mtime_ns};
            ok = numbers(v, n, 4, s->modules, sizeof(s->modules));
            seen |= 4;
        } /* else: the stamp is all-or-nothing, a fact this front cannot check voids it (ok stays false) */
        if (!ok) return false;
    }
    return seen == 7 && s->modules[0] == '/';
}

static bool not_older(const struct stat *a, const struct stat *b) {
    return a->st_mtim.tv_sec > b->st_mtim.tv_sec ||
           (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec >= b->st_mtim.tv_nsec);
}

/*
 * Reads <jar dir>/<file> into buf when it is certainly what the JVM would print: the stamp and the file no older
 * than the jar, the jar the size the stamp says, the JVM the launcher would exec the one that wrote them (same
 * bin/java, same lib/modules), no JVM option variables (the JVM would announce them on stderr).
 */
static bool cached(const char *home, const char *file, char *buf, size_t size, struct stamp *s) {
    if (getenv("JAVA_TOOL_OPTIONS") || getenv("JDK_JAVA_OPTIONS") || getenv("_JAVA_OPTIONS")) return false;
    char jar[4200], dir[4200], sbuf[16384];
    if (!launch_jar(home, jar, sizeof(jar))) return false;
    char *slash = strrchr(jar, '/');
    if (!slash || (size_t)(slash - jar) >= sizeof(dir)) return false;
    memcpy(dir, jar, (size_t)(slash - jar));
    dir[slash - jar] = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return false;
    struct stat jst, sst, fst, java, mod;
    bool ok = fstatat(dfd, slash + 1, &jst, 0) == 0 && read_text_at(dfd, "front.stamp", sbuf, sizeof(sbuf), &sst) &&
              read_text_at(dfd, file, buf, size, &fst);
    close(dfd);
    ok = ok && parse_stamp(sbuf, s) && not_older(&sst, &jst) && not_older(&fst, &jst) &&
         (unsigned long long)jst.st_size == s->jar_size && stat(launch_java(), &java) == 0 &&
         java.st_dev == s->java_dev && java.st_ino == s->java_ino && stat(s->modules, &mod) == 0 &&
         mod.st_dev == s->mod_dev && mod.st_ino == s->mod_ino && (unsigned long long)mod.st_size == s->mod_size &&
         (unsigned long long)mod.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)mod.st_mtim.tv_nsec ==
             s->mod_mtime_ns;
    return ok && ascii(buf, strlen(buf));
}

static int do_version(const char *home) {
    char buf[4096];
    struct stamp s;
    if (!cached(home, "version.txt", buf, sizeof(buf), &s)) return FALLBACK;
    return emit(buf, strlen(buf));
}

static int do_features(const char *home) {
    static char buf[65536];
    struct stamp s;
    if (!cached(home, "features.json", buf, sizeof(buf), &s)) return FALLBACK;
    return emit(buf, strlen(buf));
}

/* A path with a ".." component: Java normalises it lexically, the kernel through symlinks. The JVM's. */
static bool dotdot(const char *p) {
    for (const char *c = p; (c = strstr(c, "..")); c += 2)
        if ((c == p || c[-1] == '/') && (c[2] == 0 || c[2] == '/')) return true;
    return false;
}

static bool nonempty(const char *s) { return s && *s; }

/* runc's userns.RunningInUserNS: /proc/self/uid_map is not exactly "0 0 4294967295" (Rootless.java) */
bool front_in_userns(void) {
    char buf[256];
    int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return false;
    buf[n] = 0;
    unsigned long a, b, c;
    int used = 0;
    if (sscanf(buf, " %lu %lu %lu %n", &a, &b, &c, &used) != 3) return true;
    return !(a == 0 && b == 0 && c == 4294967295UL && buf[used] == 0);
}

/* argv[0] is the first word after the program name, as the JVM's main sees it. */
int front_main(int argc, char **argv, const char *home) {
    const char *root = "/run/jrunc";
    bool root_given = false, version = false;
    int i = 0;
    /* Global flags this path understands; anything else (--debug, ...) goes to the JVM. */
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
        if (!strcmp(a, "root") && i + 1 < argc) { root = argv[++i]; root_given = true; }
        else if (!strncmp(a, "root=", 5)) { root = a + 5; root_given = true; }
        /* The log only ever receives errors, and every error goes to the JVM: accept and ignore. */
        else if (!strcmp(a, "log") && i + 1 < argc) i++;
        else if (!strncmp(a, "log=", 4)) continue;
        /* Java refuses other formats (an error: the JVM's) */
        else if (!strcmp(a, "log-format") && i + 1 < argc && (!strcmp(argv[i + 1], "text") || !strcmp(argv[i + 1], "json"))) i++;
        else if (!strcmp(a, "log-format=text") || !strcmp(a, "log-format=json")) continue;
        else if (!strcmp(a, "version") || !strcmp(a, "v")) version = true;
        /* The driver matters to create, update and to delete of a systemd container (fast's `systemd` key
         * sends that one to the JVM); state, kill, start, list and ps read the same state either way. */
        else if (!strcmp(a, "systemd-cgroup")) continue;
        else return FALLBACK;
    }
    /* Java prints the version whatever follows; the front only for the plain call */
    if (version) return i == argc ? do_version(home) : FALLBACK;
    if (i >= argc) return FALLBACK;
    const char *cmd = argv[i++];
    if (!strcmp(cmd, "features")) return i == argc ? do_features(home) : FALLBACK;
    /* $XDG_RUNTIME_DIR/jrunc (runc's shouldHonorXDGRuntimeDir, Rootless.java): Java decides, for every
       euid but 0 and for euid 0 in a user namespace (rootless podman) when XDG_RUNTIME_DIR is set */
    if (!root_given && (geteuid() != 0 || (nonempty(getenv("XDG_RUNTIME_DIR")) && front_in_userns()))) return FALLBACK;
    if (!*root || dotdot(root)) return FALLBACK;
    static struct facts fx;
    if (!strcmp(cmd, "list")) return load_facts(home, &fx) ? do_list(root, argc - i, argv + i, &fx) : FALLBACK;
    if (!strcmp(cmd, "ps")) return do_ps(root, argc - i, argv + i);
    bool force = false;
    /* exactly: state ID | start ID | kill ID [SIG] | delete [-f|--force] ID */
    if (!strcmp(cmd, "delete") && i < argc && (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))) {
        force = true;
        i++;
    }
    (void)force; /* a stopped container is deleted the same way with or without --force */
    if (i >= argc || argv[i][0] == '-' || !valid_id(argv[i])) return FALLBACK;
    const char *id = argv[i++];
    const char *extra = i < argc ? argv[i++] : NULL;
    if (i < argc || (extra && extra[0] == '-')) return FALLBACK;
    char dir[4096];
    if (snprintf(dir, sizeof(dir), "%s/%s", root, id) >= (int)sizeof(dir)) return FALLBACK;
    struct fast f;
    if (!load_fast(dir, &f) || !load_facts(home, &fx)) return FALLBACK;
    if (!strcmp(cmd, "state") && !extra) return do_state(dir, &f, &fx);
    if (!strcmp(cmd, "kill")) return do_kill(dir, &f, extra, &fx);
    if (!strcmp(cmd, "start") && !extra) return do_start(dir, &f, &fx);
    if (!strcmp(cmd, "delete") && !extra) return do_delete(dir, &f, &fx);
    return FALLBACK;
}
