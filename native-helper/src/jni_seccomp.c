/*
 * libseccomp for Java (io.jrunc.seccomp.SeccompCompiler decides; this only calls the library). The
 * filter context travels as a jlong handle; the result is the exported BPF program, which jrunc-init
 * installs with seccomp(2). Errors throw LinuxException with libseccomp's negative errno.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void throw_rc(JNIEnv *env, const char *call, int rc) {
    if ((*env)->ExceptionCheck(env)) return;
    jclass cls = (*env)->FindClass(env, "io/jrunc/sys/LinuxException");
    if (!cls) return;
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
    if (!ctor) return;
    jobject ex = (*env)->NewObject(env, cls, ctor, (*env)->NewStringUTF(env, call), (jint)-rc,
                                   (*env)->NewStringUTF(env, strerror(-rc)));
    if (ex) (*env)->Throw(env, (jthrowable)ex);
}

JNIEXPORT jlong JNICALL Java_io_jrunc_sys_Seccomp_init(JNIEnv *env, jclass cls, jint def) {
    (void)cls;
    scmp_filter_ctx ctx = seccomp_init((uint32_t)def);
    if (!ctx) throw_rc(env, "seccomp_init", -EINVAL);
    /* The init sets no_new_privs itself when the config asks; libseccomp must not. */
    if (ctx) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    return (jlong)(intptr_t)ctx;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_attr(JNIEnv *env, jclass cls, jlong h, jint attr, jint value) {
    (void)cls;
    int rc = seccomp_attr_set((scmp_filter_ctx)(intptr_t)h, (enum scmp_filter_attr)attr, (uint32_t)value);
    if (rc < 0) throw_rc(env, "seccomp_attr_set", rc);
}

/* Returns false for an architecture libseccomp does not know. */
JNIEXPORT jboolean JNICALL Java_io_jrunc_sys_Seccomp_archAdd(JNIEnv *env, jclass cls, jlong h, jstring jname) {
    (void)cls;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (!name) return JNI_FALSE;
    uint32_t arch = seccomp_arch_resolve_name(name);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    if (!arch) return JNI_FALSE;
    int rc = seccomp_arch_add((scmp_filter_ctx)(intptr_t)h, arch);
    if (rc < 0 && rc != -EEXIST) throw_rc(env, "seccomp_arch_add", rc);
    return JNI_TRUE;
}

/* The syscall number on the native arch, or a negative value for a name this kernel/arch lacks. */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Seccomp_resolve(JNIEnv *env, jclass cls, jstring jname) {
    (void)cls;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (!name) return -1;
    int nr = seccomp_syscall_resolve_name(name);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    return nr == __NR_SCMP_ERROR ? -1 : nr;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_rule(JNIEnv *env, jclass cls, jlong h, jint action, jint nr,
                                                      jintArray jops, jintArray jidx, jlongArray ja, jlongArray jb) {
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, jops);
    if (n > 6) {
        throw_rc(env, "seccomp_rule_add_array", -E2BIG);
        return;
    }
    jint ops[6], idx[6];
    jlong a[6], b[6];
    struct scmp_arg_cmp cmp[6];
    (*env)->GetIntArrayRegion(env, jops, 0, n, ops);
    (*env)->GetIntArrayRegion(env, jidx, 0, n, idx);
    (*env)->GetLongArrayRegion(env, ja, 0, n, a);
    (*env)->GetLongArrayRegion(env, jb, 0, n, b);
    for (int i = 0; i < n; i++) {
        cmp[i].arg = (unsigned int)idx[i];
        cmp[i].op = (enum scmp_compare)ops[i];
        cmp[i].datum_a = (scmp_datum_t)a[i];
        cmp[i].datum_b = (scmp_datum_t)b[i];
    }
    /* not "exact": libseccomp translates the native number to every added architecture, as runc does */
    int rc = seccomp_rule_add_array((scmp_filter_ctx)(intptr_t)h, (uint32_t)action, nr, (unsigned int)n, cmp);
    /* -EEXIST: the same rule is already there (profiles list some syscalls twice); nothing to add. */
    if (rc < 0 && rc != -EEXIST) throw_rc(env, "seccomp_rule_add", rc);
}

JNIEXPORT jbyteArray JNICALL Java_io_jrunc_sys_Seccomp_export(JNIEnv *env, jclass cls, jlong h) {
    (void)cls;
    int fd = (int)syscall(SYS_memfd_create, "seccomp-bpf", 1U /* MFD_CLOEXEC */);
    if (fd < 0) {
        throw_rc(env, "memfd_create", -errno);
        return NULL;
    }
    int rc = seccomp_export_bpf((scmp_filter_ctx)(intptr_t)h, fd);
    if (rc < 0) {
        close(fd);
        throw_rc(env, "seccomp_export_bpf", rc);
        return NULL;
    }
    off_t len = lseek(fd, 0, SEEK_END);
    jbyteArray out = len > 0 ? (*env)->NewByteArray(env, (jsize)len) : NULL;
    if (out) {
        char *buf = malloc((size_t)len);
        if (buf && pread(fd, buf, (size_t)len, 0) == len) (*env)->SetByteArrayRegion(env, out, 0, (jsize)len, (jbyte *)buf);
        free(buf);
    }
    close(fd);
    return out;
}

JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_release(JNIEnv *env, jclass cls, jlong h) {
    (void)env;
    (void)cls;
    seccomp_release((scmp_filter_ctx)(intptr_t)h);
}
