/*
 * jrunc: the entry binary (bin/jrunc is a symlink to it). The decision-free commands are answered by the
 * front (front.c) from the state directory; everything else is execve'd into the JVM with the flags that
 * measured fastest for a short-lived CLI (docs/design-notes.md). This replaced a /bin/sh launcher whose
 * shell start and `readlink -f` fork cost 3 ms on every call: more than the front's whole answer (0.8 ms).
 * It decides nothing about containers: it only finds the installation and the JVM.
 *
 * The commands the front does not answer go to the resident planner of their --root when one runs (client.c,
 * docs/planner.md), and only then to a JVM of their own.
 *
 * Environment: JRUNC_NO_FRONT=1 skips the front and the planner (always the JVM); JRUNC_PLANNER=0 (or the global
 * flag --no-planner) skips the planner; JRUNC_PLANNER_IDLE_MS sets a planner's idle time when the front starts
 * one; JRUNC_FRONT_ONLY=1 (tests) exits
 * FRONT_ONLY_EXIT with a message instead of starting the JVM, proving that a command was the front's; JRUNC_JAVA
 * names another JVM.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_JAVA "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* The checkout (<home>/native-helper/target/jrunc) or an install root (<home>/bin/jrunc, <home>/lib/jrunc); self: this binary. */
static bool find_home(char *home, size_t size, char *self) {
    ssize_t n = readlink("/proc/self/exe", home, size - 1);
    if (n <= 0 || (size_t)n >= size - 1) return false;
    home[n] = 0;
    memcpy(self, home, (size_t)n + 1);
    char *slash = strrchr(home, '/');
    if (!slash) return false;
    *slash = 0;
    if (ends_with(home, "/native-helper/target")) home[strlen(home) - strlen("/native-helper/target")] = 0;
    else if (ends_with(home, "/bin") || ends_with(home, "/lib")) home[strlen(home) - 4] = 0;
    else return false;
    if (!*home) strcpy(home, "/");
    return true;
}

static bool is_file(const char *path) { return access(path, R_OK) == 0; }

/* The first word after runc's global flags (some take a separate value), or "". */
static const char *command_word(int argc, char **argv) {
    static const char *valued[] = {"--root", "--log", "--log-format", "--criu", "--rootless", "-root", "-log"};
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-') return argv[i];
        for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
            if (!strcmp(argv[i], valued[k])) {
                i++;
                break;
            }
    }
    return "";
}

const char *launch_java(void) {
    const char *java = getenv("JRUNC_JAVA");
    return java && *java ? java : DEFAULT_JAVA;
}

bool launch_jar(const char *home, char *jar, size_t size) {
    if ((size_t)snprintf(jar, size, "%s/runtime/target/jrunc.jar", home) < size && is_file(jar)) return true;
    return (size_t)snprintf(jar, size, "%s/lib/jrunc.jar", home) < size && is_file(jar);
}

/*
 * A closed stdin, stdout or stderr becomes /dev/null before anything else opens a file: the JVM's first open
 * (its lib/modules) would otherwise take fd 0 and jrunc-init would hand it to the container as its stdin, a host
 * file the container's root could reopen for writing through /proc/self/fd/0; and the planner's front and the
 * direct JVM give the container the same stdio.
 */
static void open_standard_fds(void) {
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        int n = open("/dev/null", O_RDWR); /* the lowest free fd: this one */
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

int main(int argc, char **argv) {
    open_standard_fds();
    char home[PATH_MAX], self[PATH_MAX];
    if (!find_home(home, sizeof(home), self)) {
        fprintf(stderr, "jrunc: cannot tell the installation from /proc/self/exe (expected .../native-helper/target/jrunc, "
                        ".../bin/jrunc or .../lib/jrunc)\n");
        return 1;
    }
    const char *nofront = getenv("JRUNC_NO_FRONT");
    if (!nofront || !*nofront) {
        int rc = front_main(argc - 1, argv + 1, home);
        if (rc != FRONT_FALLBACK) return rc;
    }
    const char *cmd = command_word(argc, argv);
    /* Before the planner's connect too: it writes cgroup.procs from another process, and the grace period is
     * system-wide. */
    if (geteuid() == 0 && (!strcmp(cmd, "create") || !strcmp(cmd, "run") || !strcmp(cmd, "exec"))) prewarm_cgroup_migration();
    if (!nofront || !*nofront) {
        int rc = planner_call(argc - 1, argv + 1, home, self);
        if (rc != FRONT_FALLBACK) return rc;
    }
    /* The tests' proof that the front answered: never a silent JVM fallback. */
    const char *front_only = getenv("JRUNC_FRONT_ONLY");
    if (front_only && *front_only) {
        fprintf(stderr, "jrunc: JRUNC_FRONT_ONLY is set and the front did not answer this command: not starting the "
                        "JVM (exit %d)\n", FRONT_ONLY_EXIT);
        return FRONT_ONLY_EXIT;
    }

    const char *java = launch_java();
    if (access(java, X_OK) != 0) {
        fprintf(stderr, "jrunc: no Java 25 at %s (set JRUNC_JAVA)\n", java);
        return 1;
    }
    char jar[PATH_MAX + 64], aot[PATH_MAX + 64], aotflag[PATH_MAX + 80], homeflag[PATH_MAX + 32];
    if (!launch_jar(home, jar, sizeof(jar))) {
        fprintf(stderr, "jrunc: %s/runtime/target/jrunc.jar missing: build with 'mvn -q package -DskipTests' in %s\n", home,
                home);
        return 1;
    }
    /* the AOT cache lives next to the jar (runtime/target/jrunc.aot, <home>/lib/jrunc.aot) */
    snprintf(aot, sizeof(aot), "%.*s/jrunc.aot", (int)(strrchr(jar, '/') - jar), jar);
    snprintf(homeflag, sizeof(homeflag), "-Djrunc.home=%s", home);
    /* A missing or stale cache only costs time: the JVM checks it against the jar and itself. */
    bool with_aot = is_file(aot);
    snprintf(aotflag, sizeof(aotflag), "-XX:AOTCache=%s", aot);

    char **args = calloc((size_t)argc + 16, sizeof(char *));
    if (!args) return 1;
    int n = 0;
    args[n++] = (char *)java;
    /*
     * The interpreter only: a create runs ~20 ms of Java, too little for C1 to pay back the CPU its
     * compiler thread takes (create measured with and without a seccomp profile, 2026-12-01: -Xint 24%
     * less CPU and 6-8% less wall time on an idle machine, 25% less wall on a busy one; CPU is what bounds
     * callers that start containers in parallel). `validate` walks JSON schemas for half a second and
     * wants the compiler (620 ms with C1, 965 ms without).
     */
    /*
     * The resident planner (docs/planner.md, "Memory") lives for many calls: the JIT, but C1 only (C2 was no
     * faster per request and costs CPU and code cache), a 64 MiB heap (its live set is 1-2 MiB; uncapped, the
     * ergonomic young generation took its RSS to 160-176 MB), and a planner out of heap exits (the next call
     * falls back and starts a fresh one) rather than serving on with a class whose initialiser failed.
     */
    if (!strcmp(cmd, "__planner")) {
        args[n++] = "-XX:TieredStopAtLevel=1";
        args[n++] = "-Xmx64m";
        args[n++] = "-XX:+ExitOnOutOfMemoryError";
    } else {
        args[n++] = !strcmp(cmd, "validate") ? "-XX:TieredStopAtLevel=1" : "-Xint";
    }
    args[n++] = "-XX:+UseSerialGC";
    args[n++] = "-XX:-UsePerfData";
    if (with_aot) args[n++] = aotflag;
    /* JVM log lines on stdout would corrupt `state` JSON: stderr only, warnings and worse. */
    args[n++] = "-Xlog:disable";
    args[n++] = "-Xlog:all=warning:stderr";
    args[n++] = homeflag;
    args[n++] = "-jar";
    args[n++] = jar;
    for (int i = 1; i < argc; i++) args[n++] = argv[i];
    args[n] = NULL;
    execv(java, args);
    fprintf(stderr, "jrunc: exec %s: %s\n", java, strerror(errno));
    return 1;
}
