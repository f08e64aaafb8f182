/* `jrunc-init init <fd>`: the helper (before clone) and the container init (after), docs/plan-format.md. */
#ifndef JRUNC_INIT_H
#define JRUNC_INIT_H

#include "plan.h"

/* What the helper hands to the init it clones (the init inherits these fds). */
struct init_ctx {
    struct plan *plan;
    int release_fd;  /* read end of the pipe the helper writes one byte to once the id maps are written */
    int fifo_fd;     /* O_PATH fd of the exec fifo, or -1 */
    int console_fd;  /* connected console socket, or -1 */
    int cap_last;    /* /proc/sys/kernel/cap_last_cap, read while /proc is the host's */
    int orig_umask;  /* the umask inherited from Java, restored when the plan has no UMASK */
    int proc_fd;     /* after the root change: private clone of the container's procfs mount, or -1 */
    int *mount_fds;  /* per MOUNT record: a detached, id-mapped clone of its source made by the helper, or -1 */
};

/* The helper: reads the plan from sock, joins namespaces, clones the init. Returns the exit code. */
int helper_main(int sock);

/* The container init, in the clone'd child. Never returns. */
__attribute__((noreturn)) void init_main(struct init_ctx *c);

/* `jrunc-init wait <pid> -- <cleanup argv...>` (wait.c). */
int wait_main(int argc, char **argv);
/*
 * The entry binary's front (front.c): returns FRONT_FALLBACK, having done and printed nothing, for whatever
 * the JVM must answer. home: the installation (checkout or install root) launch.c found.
 */
#define FRONT_FALLBACK 200
/* Starts the cgroup migration's grace period in a detached grandchild (prewarm.c). */
void prewarm_cgroup_migration(void);
int front_main(int argc, char **argv, const char *home);
/* runc's userns.RunningInUserNS (front.c). */
bool front_in_userns(void);

/*
 * The resident planner's client (client.c, docs/planner.md): runs the call through the planner of its --root,
 * or returns FRONT_FALLBACK having done nothing (no planner: one is started, detached, to serve the next call;
 * self is this binary). planner_enabled: neither JRUNC_PLANNER=0 nor --no-planner.
 */
int planner_call(int argc, char **argv, const char *home, const char *self);
bool planner_enabled(int argc, char **argv);
bool planner_init_binary(const char *home, char *path, size_t size);

/* Exit code of the entry binary when JRUNC_FRONT_ONLY is set and the front fell back (tests). */
#define FRONT_ONLY_EXIT 199

/* launch.c: the JVM the launcher execs (JRUNC_JAVA or the default), and the jar it runs (false: none). */
const char *launch_java(void);
bool launch_jar(const char *home, char *jar, size_t size);

#endif
