/*
 * libjrunc: the JNI side of io.jrunc.sys.Native. Each function is one syscall or a short fixed sequence
 * of them; every failure throws io.jrunc.sys.LinuxException(call, errno, strerror). No decisions here.
 */
#define _GNU_SOURCE
#include <jni.h>

#include "initspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- exceptions ---- */

#define throw_errno jrunc_throw_errno

/* Also used by jni_seccomp.c (declared there): one way to raise LinuxException from C. */
void jrunc_throw_errno(JNIEnv *env, const char *call, int e);

void jrunc_throw_errno(JNIEnv *env, const char *call, int e) {
    if ((*env)->ExceptionCheck(env)) return;
    jclass cls = (*env)->FindClass(env, "io/jrunc/sys/LinuxException");
    if (!cls) return;
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
    if (!ctor) return;
    char text[256];
    const char *s = strerror_r(e, text, sizeof(text));
    jstring jcall = (*env)->NewStringUTF(env, call);
    jstring jtext = (*env)->NewStringUTF(env, s);
    if (!jcall || !jtext) return;
    jobject ex = (*env)->NewObject(env, cls, ctor, jcall, (jint)e, jtext);
    if (ex) (*env)->Throw(env, (jthrowable)ex);
}

/* The call name with the path it was about, so that a message names the file: "open /run/x: ...". */
static void throw_errno_path(JNIEnv *env, const char *call, const char *path, int e) {
    char buf[512];
    snprintf(buf, sizeof(buf), "%s %s", call, path);
    throw_errno(env, buf, e);
}

static void throw_class(JNIEnv *env, const char *cls_name, const char *msg) {
    if ((*env)->ExceptionCheck(env)) return;
    jclass cls = (*env)->FindClass(env, cls_name);
    if (cls) (*env)->ThrowNew(env, cls, msg);
}

static void throw_oom(JNIEnv *env) { throw_class(env, "java/lang/OutOfMemoryError", "libjrunc"); }

/* ---- Java values to C ---- */

/* A Java string as a malloc'd modified-UTF-8 C string (identical to UTF-8 for everything but NUL). */
static char *cstr(JNIEnv *env, jstring s) {
    if (!s) {
        throw_class(env, "java/lang/NullPointerException", "string argument");
        return NULL;
    }
    const char *u = (*env)->GetStringUTFChars(env, s, NULL);
    if (!u) return NULL;
    char *c = strdup(u);
    (*env)->ReleaseStringUTFChars(env, s, u);
    if (!c) throw_oom(env);
    return c;
}

static void free_strv(char **v) {
    if (!v) return;
    for (char **p = v; *p; p++) free(*p);
    free(v);
}

/* A String[] as a NULL-terminated vector of malloc'd strings. */
static char **cstrv(JNIEnv *env, jobjectArray a) {
    jsize n = a ? (*env)->GetArrayLength(env, a) : 0;
    char **v = calloc((size_t)n + 1, sizeof(char *));
    if (!v) {
        throw_oom(env);
        return NULL;
    }
    for (jsize i = 0; i < n; i++) {
        jstring s = (jstring)(*env)->GetObjectArrayElement(env, a, i);
        v[i] = cstr(env, s);
        if (s) (*env)->DeleteLocalRef(env, s);
        if (!v[i]) {
            free_strv(v);
            return NULL;
        }
    }
    return v;
}

/* int[] into a malloc'd array (*n elements); NULL with *n == 0 for null or empty. */
static int *cints(JNIEnv *env, jintArray a, jsize *n) {
    *n = a ? (*env)->GetArrayLength(env, a) : 0;
    if (*n == 0) return NULL;
    int *v = malloc(sizeof(int) * (size_t)*n);
    if (!v) {
        throw_oom(env);
        return NULL;
    }
    (*env)->GetIntArrayRegion(env, a, 0, *n, (jint *)v);
    return v;
}

static bool bad_range(JNIEnv *env, jbyteArray buf, jint off, jint len) {
    jsize size = buf ? (*env)->GetArrayLength(env, buf) : 0;
    if (!buf || off < 0 || len < 0 || off > size - len) {
        throw_class(env, "java/lang/ArrayIndexOutOfBoundsException", "buffer range");
        return true;
    }
    return false;
}

/* ---- spawn ---- */


JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_spawn(JNIEnv *env, jclass cls, jstring jpath, jobjectArray jargv,
                                                      jobjectArray jenvp, jintArray jstdio, jintArray jkeep) {
    (void)cls;
    jint pid = -1;
    jsize nkeep = 0, nstdio = 0;
    char *path = cstr(env, jpath);
    char **argv = path ? cstrv(env, jargv) : NULL;
    char **envp = argv && jenvp ? cstrv(env, jenvp) : NULL;
    int *keep = argv && (!jenvp || envp) ? cints(env, jkeep, &nkeep) : NULL;
    int *stdio = argv && !(*env)->ExceptionCheck(env) && jstdio ? cints(env, jstdio, &nstdio) : NULL;
    if ((*env)->ExceptionCheck(env)) goto out;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (posix_spawn_file_actions_init(&fa) != 0 || initspawn_attrs(&attr) != 0) {
        throw_oom(env);
        goto out;
    }
    int r = 0;
    /* dup2(fd, fd) in a file action clears FD_CLOEXEC in the child only (glibc >= 2.29). */
    for (jsize i = 0; !r && i < nkeep; i++) r = posix_spawn_file_actions_adddup2(&fa, keep[i], keep[i]);
    /* the child's 0, 1, 2 from the given fds (an embedding JVM's pipes); -1 keeps the parent's */
    for (jsize i = 0; !r && stdio && i < nstdio && i < 3; i++)
        if (stdio[i] >= 0) r = posix_spawn_file_actions_adddup2(&fa, stdio[i], (int)i);
    pid_t child;
    if (!r) r = posix_spawn(&child, path, &fa, &attr, argv, envp ? envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (r) throw_errno_path(env, "posix_spawn", path, r);
    else pid = child;
out:
    free(path);
    free_strv(argv);
    free_strv(envp);
    free(keep);
    free(stdio);
    return pid;
}

/* pipe2(O_CLOEXEC): {read end, write end}. */
JNIEXPORT jintArray JNICALL Java_io_jrunc_sys_Native_pipe(JNIEnv *env, jclass cls) {
    (void)cls;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        throw_errno(env, "pipe2", errno);
        return NULL;
    }
    jintArray a = (*env)->NewIntArray(env, 2);
    if (!a) {
        close(p[0]);
        close(p[1]);
        return NULL;
    }
    jint v[2] = {p[0], p[1]};
    (*env)->SetIntArrayRegion(env, a, 0, 2, v);
    return a;
}

/* ---- sockets ---- */


JNIEXPORT jintArray JNICALL Java_io_jrunc_sys_Native_socketpair(JNIEnv *env, jclass cls) {
    (void)cls;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        throw_errno(env, "socketpair", errno);
        return NULL;
    }
    initspawn_grow_send_buffer(sv[0]);
    initspawn_grow_send_buffer(sv[1]);
    jintArray a = (*env)->NewIntArray(env, 2);
    if (!a) {
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    (*env)->SetIntArrayRegion(env, a, 0, 2, (jint *)sv);
    return a;
}

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_send(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off,
                                                     jint len) {
    (void)cls;
    if (bad_range(env, buf, off, len)) return -1;
    char *data = malloc(len ? (size_t)len : 1);
    if (!data) {
        throw_oom(env);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *)data);
    ssize_t n;
    do {
        n = send(fd, data, (size_t)len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    free(data);
    if (n < 0) throw_errno(env, "send", e);
    return (jint)n;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll for input until the deadline: 1 ready, 0 timed out, -1 error (errno set). */
static int wait_readable(int fd, jint timeout_ms) {
    long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        int left = deadline < 0 ? -1 : (int)(deadline - now_ms() > 0 ? deadline - now_ms() : 0);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, left);
        if (r > 0) return 1;
        if (r == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

/*
 * One packet; with fd_out (int[1]) also the one fd it may carry (SCM_RIGHTS, received O_CLOEXEC), else -1.
 * Without fd_out, or if more arrive than asked for, the fds are closed (those beyond the control buffer
 * the kernel drops itself): a peer can never make us leak one.
 */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_recv(JNIEnv *env, jclass cls, jint fd, jbyteArray buf,
                                                     jint timeout_ms, jintArray fd_out) {
    (void)cls;
    jsize size = buf ? (*env)->GetArrayLength(env, buf) : 0;
    if (bad_range(env, buf, 0, size)) return -1;
    if (fd_out && (*env)->GetArrayLength(env, fd_out) < 1) {
        throw_errno(env, "recv", EINVAL);
        return -1;
    }
    int w = wait_readable(fd, timeout_ms);
    if (w < 0) {
        throw_errno(env, "poll", errno);
        return -1;
    }
    if (w == 0) return -1;
    char *data = malloc(size ? (size_t)size : 1);
    if (!data) {
        throw_oom(env);
        return -1;
    }
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = data, .iov_len = (size_t)size};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    ssize_t n;
    do {
        n = recvmsg(fd, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    int got = -1;
    if (n >= 0) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < k; i++) {
                int f;
                memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                if (got < 0 && fd_out) got = f;
                else close(f);
            }
        }
    }
    if (n > (ssize_t)size) e = EMSGSIZE; /* the packet did not fit: never hand back half a message */
    if (n >= 0 && n <= (ssize_t)size) (*env)->SetByteArrayRegion(env, buf, 0, (jsize)n, (jbyte *)data);
    free(data);
    if (n < 0 || n > (ssize_t)size) {
        if (got >= 0) close(got);
        throw_errno(env, "recv", e);
        return -1;
    }
    if (fd_out) {
        jint v = got;
        (*env)->SetIntArrayRegion(env, fd_out, 0, 1, &v);
    }
    return (jint)n;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_close(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    /* Linux closes the fd even when close reports EINTR: never retry. */
    if (close(fd) < 0 && errno != EINTR) throw_errno(env, "close", errno);
}

/*
 * An AF_UNIX stream socket (CLOEXEC) with path as its address in *sa: the fd, or -errno (ENAMETOOLONG when
 * path does not fit); *call then names the failed step when it was the socket itself.
 */
static int unix_socket(const char *path, struct sockaddr_un *sa, const char **call) {
    *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa->sun_path)) return -ENAMETOOLONG;
    strcpy(sa->sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *call = "socket";
        return -errno;
    }
    return fd;
}

/* unix_socket connected to path (EINTR retried): the fd, or -errno with *call the failed step. */
static int unix_connect(const char *path, const char **call) {
    struct sockaddr_un sa;
    *call = "connect";
    int fd = unix_socket(path, &sa, call);
    if (fd < 0) return fd;
    int r;
    do r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)); while (r < 0 && errno == EINTR);
    if (r < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_sendFd(JNIEnv *env, jclass cls, jstring jpath, jbyteArray jdata,
                                                       jint sendfd) {
    (void)cls;
    jsize dlen = jdata ? (*env)->GetArrayLength(env, jdata) : 0;
    char *path = cstr(env, jpath);
    if (!path) return;
    char *data = malloc(dlen ? (size_t)dlen : 1);
    if (!data) {
        free(path);
        throw_oom(env);
        return;
    }
    if (dlen) (*env)->GetByteArrayRegion(env, jdata, 0, dlen, (jbyte *)data);
    const char *call;
    int e = 0;
    int fd = unix_connect(path, &call);
    if (fd < 0) {
        e = -fd;
        goto out;
    }
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    /* At least one data byte: a message of only ancillary data is not delivered on a stream socket. */
    struct iovec iov = {.iov_base = dlen ? data : (char *)"\0", .iov_len = dlen ? (size_t)dlen : 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sendfd, sizeof(int));
    ssize_t n;
    do {
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        e = errno;
        call = "sendmsg";
    }
out:
    if (fd >= 0) close(fd);
    if (e) throw_errno_path(env, call, path, e);
    free(path);
    free(data);
}

/* ---- processes ---- */

JNIEXPORT jintArray JNICALL Java_io_jrunc_sys_Native_waitpid(JNIEnv *env, jclass cls, jint pid, jint flags) {
    (void)cls;
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, flags);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        throw_errno(env, "waitpid", errno);
        return NULL;
    }
    jintArray a = (*env)->NewIntArray(env, 2);
    if (!a) return NULL;
    jint v[2] = {r, status};
    (*env)->SetIntArrayRegion(env, a, 0, 2, v);
    return a;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_kill(JNIEnv *env, jclass cls, jint pid, jint sig) {
    (void)cls;
    if (kill(pid, sig) < 0) throw_errno(env, "kill", errno);
}

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_pidfdOpen(JNIEnv *env, jclass cls, jint pid) {
    (void)cls;
    long fd = syscall(SYS_pidfd_open, pid, 0); /* a pidfd is always close-on-exec */
    if (fd < 0) throw_errno(env, "pidfd_open", errno);
    return (jint)fd;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_pidfdSendSignal(JNIEnv *env, jclass cls, jint pidfd, jint sig) {
    (void)cls;
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) throw_errno(env, "pidfd_send_signal", errno);
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_setChildSubreaper(JNIEnv *env, jclass cls) {
    (void)cls;
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) throw_errno(env, "prctl(PR_SET_CHILD_SUBREAPER)", errno);
}

/*
 * Prepares this thread for execve and undoes it if execve fails (the JVM must survive a failed exec).
 * Caught signals are reset by the kernel anyway; only ignored ones survive execve and need resetting.
 * Changing other dispositions here would break the JVM (it relies on its SIGSEGV handler).
 */
struct exec_undo {
    sigset_t mask;
    sigset_t was_ignored;
    int *cloexec_fds;
    jsize n;
};

static void exec_prepare(struct exec_undo *u, const int *keep, jsize n) {
    sigset_t none;
    sigemptyset(&none);
    sigemptyset(&u->was_ignored);
    for (int s = 1; s < NSIG; s++) {
        struct sigaction sa;
        if (s == SIGKILL || s == SIGSTOP || sigaction(s, NULL, &sa) < 0) continue;
        if (sa.sa_handler == SIG_IGN) {
            sigaddset(&u->was_ignored, s);
            signal(s, SIG_DFL);
        }
    }
    u->n = 0;
    for (jsize i = 0; i < n; i++) {
        int fl = fcntl(keep[i], F_GETFD);
        if (fl >= 0 && (fl & FD_CLOEXEC) && fcntl(keep[i], F_SETFD, fl & ~FD_CLOEXEC) == 0)
            u->cloexec_fds[u->n++] = keep[i];
    }
    pthread_sigmask(SIG_SETMASK, &none, &u->mask);
}

static void exec_undo(const struct exec_undo *u) {
    pthread_sigmask(SIG_SETMASK, &u->mask, NULL);
    for (jsize i = 0; i < u->n; i++) fcntl(u->cloexec_fds[i], F_SETFD, FD_CLOEXEC);
    for (int s = 1; s < NSIG; s++) {
        if (sigismember(&u->was_ignored, s) == 1) signal(s, SIG_IGN);
    }
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_execve(JNIEnv *env, jclass cls, jstring jpath, jobjectArray jargv,
                                                       jobjectArray jenvp, jintArray jkeep) {
    (void)cls;
    jsize nkeep = 0;
    char *path = cstr(env, jpath);
    char **argv = path ? cstrv(env, jargv) : NULL;
    char **envp = argv && jenvp ? cstrv(env, jenvp) : NULL;
    int *keep = argv && (!jenvp || envp) ? cints(env, jkeep, &nkeep) : NULL;
    int *undo_fds = nkeep ? malloc(sizeof(int) * (size_t)nkeep) : NULL;
    if (nkeep && !undo_fds) throw_oom(env);
    if (!(*env)->ExceptionCheck(env)) {
        struct exec_undo u = {.cloexec_fds = undo_fds};
        exec_prepare(&u, keep, nkeep);
        execve(path, argv, envp ? envp : environ);
        int e = errno;
        exec_undo(&u);
        throw_errno_path(env, "execve", path, e);
    }
    free(path);
    free_strv(argv);
    free_strv(envp);
    free(keep);
    free(undo_fds);
}

/* ---- files ---- */

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_mkfifo(JNIEnv *env, jclass cls, jstring jpath, jint mode) {
    (void)cls;
    char *path = cstr(env, jpath);
    if (!path) return;
    if (mkfifo(path, (mode_t)mode) < 0) throw_errno_path(env, "mkfifo", path, errno);
    free(path);
}

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_open(JNIEnv *env, jclass cls, jstring jpath, jint flags, jint mode) {
    (void)cls;
    char *path = cstr(env, jpath);
    if (!path) return -1;
    int fd;
    do {
        fd = open(path, flags | O_CLOEXEC, (mode_t)mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_errno_path(env, "open", path, errno);
    free(path);
    return fd;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_umount2(JNIEnv *env, jclass cls, jstring jtarget, jint flags) {
    (void)cls;
    char *target = cstr(env, jtarget);
    if (!target) return;
    if (umount2(target, flags) < 0) throw_errno_path(env, "umount2", target, errno);
    free(target);
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Native_bindMount(JNIEnv *env, jclass cls, jstring jsource, jstring jtarget) {
    (void)cls;
    char *source = cstr(env, jsource);
    if (!source) return;
    char *target = cstr(env, jtarget);
    if (target && mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0) throw_errno_path(env, "mount", target, errno);
    free(source);
    free(target);
}

/* ---- identity ---- */

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_geteuid(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return (jint)geteuid();
}

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_getpid(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return (jint)getpid();
}

JNIEXPORT jstring JNICALL Java_io_jrunc_sys_Native_strerror(JNIEnv *env, jclass cls, jint e) {
    (void)cls;
    char text[256];
    return (*env)->NewStringUTF(env, strerror_r(e, text, sizeof(text)));
}

/* A listening AF_UNIX stream socket (backlog 1) at path, CLOEXEC: the console socket of a foreground
 * `run`/`exec -t`. The init connects and sends the pty master during create; the waiter accepts later. */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_listenUnix(JNIEnv *env, jclass cls, jstring jpath, jint backlog) {
    (void)cls;
    char *path = cstr(env, jpath);
    if (!path) return -1;
    struct sockaddr_un sa;
    const char *call = "bind";
    int fd = unix_socket(path, &sa, &call);
    if (fd < 0) {
        throw_errno_path(env, call, path, -fd);
        free(path);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, backlog) < 0) {
        int e = errno;
        close(fd);
        throw_errno_path(env, "bind", path, e);
        free(path);
        return -1;
    }
    free(path);
    return fd;
}

/*
 * A java.io.FileDescriptor owning fd (or, with dup, a CLOEXEC duplicate of it), so that Java streams read
 * and write the descriptor itself: reopening /proc/self/fd/N would open a new pty for a ptmx master.
 * JNI sets the private field; the JDK's streams then own and close it.
 */
JNIEXPORT jobject JNICALL Java_io_jrunc_sys_Native_fileDescriptor(JNIEnv *env, jclass cls, jint fd, jboolean dup) {
    (void)cls;
    int f = fd;
    if (dup) {
        f = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (f < 0) {
            throw_errno(env, "fcntl(F_DUPFD_CLOEXEC)", errno);
            return NULL;
        }
    }
    jclass c = (*env)->FindClass(env, "java/io/FileDescriptor");
    jmethodID ctor = c ? (*env)->GetMethodID(env, c, "<init>", "()V") : NULL;
    jfieldID field = ctor ? (*env)->GetFieldID(env, c, "fd", "I") : NULL;
    jobject o = field ? (*env)->NewObject(env, c, ctor) : NULL;
    if (!o) {
        if (dup) close(f);
        return NULL;
    }
    (*env)->SetIntField(env, o, field, f);
    return o;
}

/* accept4(SOCK_CLOEXEC) on a listening socket, waiting at most timeoutMs (negative: forever). */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_accept(JNIEnv *env, jclass cls, jint fd, jint timeout_ms) {
    (void)cls;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    do r = poll(&p, 1, timeout_ms); while (r < 0 && errno == EINTR);
    if (r < 0) {
        throw_errno(env, "poll", errno);
        return -1;
    }
    if (r == 0) {
        throw_errno(env, "accept", ETIMEDOUT);
        return -1;
    }
    int c;
    do c = accept4(fd, NULL, NULL, SOCK_CLOEXEC); while (c < 0 && errno == EINTR);
    if (c < 0) throw_errno(env, "accept", errno);
    return c;
}

/*
 * cgroup v2 device filter: load `insns` (struct bpf_insn[], decided and encoded by Java:
 * io.jrunc.cgroup.DeviceFilter) as a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to the cgroup
 * directory with BPF_F_ALLOW_MULTI, as runc does. The attachment keeps the program alive; our fds go.
 * A verifier rejection is reported with the start of the verifier's log.
 */
/* At most this many fds in one message of the planner's protocol (docs/planner.md). */
#define MAX_FDS 64

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_recvFds(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off,
                                                        jint len, jint timeout_ms, jintArray fds_out) {
    (void)cls;
    if (bad_range(env, buf, off, len)) return -1;
    jsize cap = fds_out ? (*env)->GetArrayLength(env, fds_out) : 0;
    if (cap > MAX_FDS) cap = MAX_FDS;
    int w = wait_readable(fd, timeout_ms);
    if (w < 0) {
        throw_errno(env, "poll", errno);
        return -1;
    }
    if (w == 0) return -1;
    char *data = malloc(len ? (size_t)len : 1);
    if (!data) {
        throw_oom(env);
        return -1;
    }
    union {
        char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = data, .iov_len = (size_t)len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    ssize_t n;
    do {
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    jint got[MAX_FDS];
    int k = 0, extra = 0;
    if (n >= 0) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            size_t m = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < m; i++) {
                int f;
                memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                if (k < cap) got[k++] = f;
                else {
                    close(f);
                    extra = 1;
                }
            }
        }
        /* more fds than asked for, or than the control buffer held: refuse the message, keep none */
        if (extra || (msg.msg_flags & MSG_CTRUNC)) e = EMSGSIZE;
    }
    if (n > 0 && e != EMSGSIZE) (*env)->SetByteArrayRegion(env, buf, off, (jsize)n, (jbyte *)data);
    free(data);
    if (n < 0 || e == EMSGSIZE) {
        for (int i = 0; i < k; i++) close(got[i]);
        throw_errno(env, "recvmsg", n < 0 ? e : EMSGSIZE);
        return -1;
    }
    if (fds_out) {
        for (int i = k; i < cap; i++) got[i] = -1;
        if (cap) (*env)->SetIntArrayRegion(env, fds_out, 0, cap, got);
    }
    return (jint)n;
}

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_sendFds(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jint off,
                                                        jint len, jintArray jfds) {
    (void)cls;
    if (len < 1 || bad_range(env, buf, off, len)) {
        if (len < 1) throw_errno(env, "sendmsg", EINVAL);
        return -1;
    }
    jsize nfds = 0;
    int *fds = jfds ? cints(env, jfds, &nfds) : NULL;
    if (jfds && !fds && nfds) return -1;
    if (nfds > MAX_FDS) {
        free(fds);
        throw_errno(env, "sendmsg", EINVAL);
        return -1;
    }
    char *data = malloc((size_t)len);
    if (!data) {
        free(fds);
        throw_oom(env);
        return -1;
    }
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *)data);
    union {
        char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct iovec iov = {.iov_base = data, .iov_len = (size_t)len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds) {
        msg.msg_control = ctl.buf;
        msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
    }
    ssize_t n;
    do {
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    free(data);
    free(fds);
    if (n < 0) {
        throw_errno(env, "sendmsg", e);
        return -1;
    }
    return (jint)n;
}

JNIEXPORT jintArray JNICALL Java_io_jrunc_sys_Native_peerCred(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    struct ucred cr;
    socklen_t l = sizeof(cr);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0) {
        throw_errno(env, "getsockopt(SO_PEERCRED)", errno);
        return NULL;
    }
    jint v[3] = {(jint)cr.pid, (jint)cr.uid, (jint)cr.gid};
    jintArray r = (*env)->NewIntArray(env, 3);
    if (r) (*env)->SetIntArrayRegion(env, r, 0, 3, v);
    return r;
}

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5 */
#endif

/*
 * getsockopt(SO_PEERPIDFD): a pidfd (close-on-exec) of the process that connected, which pins that process
 * as SO_PEERCRED's pid number cannot; -1 on a kernel without the option (ENOPROTOOPT, before 6.5). Other
 * errors (the peer already reaped, ...) throw.
 */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_peerPidfd(JNIEnv *env, jclass cls, jint fd) {
    (void)cls;
    int pidfd = -1;
    socklen_t l = sizeof(pidfd);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &l) < 0) {
        if (errno == ENOPROTOOPT) return -1;
        throw_errno(env, "getsockopt(SO_PEERPIDFD)", errno);
        return -1;
    }
    return pidfd;
}

/* The "Pid:" line of /proc/self/fdinfo/<pidfd>: the pidfd's process in this pid namespace, -1 once it exited,
 * 0 if it is in none of ours; -2 if there is no such line (not a pidfd). Throws if the file cannot be read. */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_pidfdPid(JNIEnv *env, jclass cls, jint pidfd) {
    (void)cls;
    char path[64], text[1024];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", (int)pidfd);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw_errno(env, "open /proc/self/fdinfo", errno);
        return -2;
    }
    size_t got = 0;
    ssize_t r;
    while (got < sizeof(text) - 1 && (r = read(fd, text + got, sizeof(text) - 1 - got)) != 0) {
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            throw_errno(env, "read /proc/self/fdinfo", e);
            return -2;
        }
        got += (size_t)r;
    }
    close(fd);
    text[got] = 0;
    for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, "Pid:", 4)) return (jint)strtol(l + 4, NULL, 10);
    return -2;
}

JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_connectUnix(JNIEnv *env, jclass cls, jstring jpath) {
    (void)cls;
    char *path = cstr(env, jpath);
    if (!path) return -1;
    const char *call;
    int fd = unix_connect(path, &call);
    if (fd < 0) throw_errno_path(env, call, path, -fd);
    free(path);
    return fd < 0 ? -1 : fd;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Bpf_attach(JNIEnv *env, jclass cls, jstring jdir, jbyteArray jinsns) {
    (void)cls;
    char *dir = cstr(env, jdir);
    if (!dir) return;
    jsize n = (*env)->GetArrayLength(env, jinsns);
    unsigned char *insns = malloc(n ? (size_t)n : 1);
    char *log = calloc(1, 65536);
    if (!insns || !log) {
        free(dir);
        free(insns);
        free(log);
        throw_oom(env);
        return;
    }
    (*env)->GetByteArrayRegion(env, jinsns, 0, n, (jbyte *)insns);
    /* union bpf_attr for BPF_PROG_LOAD, laid out by hand: the uapi header of the build host may be older. */
    struct {
        uint32_t prog_type, insn_cnt;
        uint64_t insns, license;
        uint32_t log_level, log_size;
        uint64_t log_buf;
        uint32_t kern_version, prog_flags;
        char prog_name[16];
        uint32_t prog_ifindex, expected_attach_type;
        unsigned char pad[64];
    } load;
    memset(&load, 0, sizeof(load));
    load.prog_type = 15; /* BPF_PROG_TYPE_CGROUP_DEVICE */
    load.insn_cnt = (uint32_t)(n / 8);
    load.insns = (uint64_t)(uintptr_t)insns;
    load.license = (uint64_t)(uintptr_t) "Apache";
    load.log_level = 1;
    load.log_size = 65536;
    load.log_buf = (uint64_t)(uintptr_t)log;
    load.expected_attach_type = 6; /* BPF_CGROUP_DEVICE */
    int prog = (int)syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, &load, sizeof(load));
    if (prog < 0) {
        int e = errno;
        char call[256];
        snprintf(call, sizeof(call), "bpf(BPF_PROG_LOAD) device filter: %.200s", log);
        throw_errno(env, call, e);
        goto out;
    }
    int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0) {
        throw_errno_path(env, "open", dir, errno);
        close(prog);
        goto out;
    }
    struct {
        uint32_t target_fd, attach_bpf_fd, attach_type, attach_flags, replace_bpf_fd;
        unsigned char pad[44];
    } att;
    memset(&att, 0, sizeof(att));
    att.target_fd = (uint32_t)cg;
    att.attach_bpf_fd = (uint32_t)prog;
    att.attach_type = 6;  /* BPF_CGROUP_DEVICE */
    att.attach_flags = 2; /* BPF_F_ALLOW_MULTI */
    if (syscall(SYS_bpf, 8 /* BPF_PROG_ATTACH */, &att, sizeof(att)) < 0) throw_errno_path(env, "bpf(BPF_PROG_ATTACH)", dir, errno);
    close(cg);
    close(prog);
out:
    free(dir);
    free(insns);
    free(log);
}

/*
 * CVE-2019-5736: a process inside the container must never reach a writable host binary through
 * /proc/<pid>/exe of a runtime process that entered its namespaces. jrunc-init therefore runs from a
 * sealed memfd copy: returns a CLOEXEC fd to exec through /proc/self/fd/<fd> (ELF binaries can be exec'd
 * from a CLOEXEC fd: the kernel opens the file before it closes the descriptors).
 */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Native_sealedCopy(JNIEnv *env, jclass cls, jstring jpath) {
    (void)cls;
    char *path = cstr(env, jpath);
    if (!path) return -1;
    const char *step = "";
    int mfd = initspawn_sealed_copy(path, &step);
    if (mfd < 0) {
        int e = errno;
        if (!strcmp(step, "open") || !strcmp(step, "read")) throw_errno_path(env, step, path, e);
        else throw_errno(env, step, e);
    }
    free(path);
    return mfd;
}
