/*
 * libseccomp for Java: the natives of io.jrunc.sys.Seccomp. io.jrunc.seccomp.SeccompCompiler decides
 * everything (runc's semantics); this file only calls the library. The filter context travels as a jlong
 * handle; the result is the exported BPF program (struct sock_filter[], host byte order), which
 * jrunc-init installs with seccomp(2). Failures throw io.jrunc.sys.LinuxException(call, errno, strerror).
 * Only libjrunc links libseccomp; jrunc-init never does.
 */
#define _GNU_SOURCE
#include <jni.h>

#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* rc is a negative errno, as libseccomp returns them (with SCMP_FLTATR_API_SYSRAWRC set). */
/* In jni.c. */
void jrunc_throw_errno(JNIEnv *env, const char *call, int e);

static void throw_rc(JNIEnv *env, const char *call, int rc) {
    jrunc_throw_errno(env, call, rc < 0 ? -rc : EINVAL);
}

static scmp_filter_ctx ctx_of(jlong h) { return (scmp_filter_ctx)(intptr_t)h; }

/*
 * seccomp_init(defaultAction), then the attributes every jrunc filter has: no NO_NEW_PRIVS from libseccomp
 * (jrunc-init sets it itself when the config asks; the filter is never loaded by libseccomp anyway) and
 * raw system return codes, so that failures come back as -errno.
 */
JNIEXPORT jlong JNICALL Java_io_jrunc_sys_Seccomp_init(JNIEnv *env, jclass cls, jint def) {
    (void)cls;
    scmp_filter_ctx ctx = seccomp_init((uint32_t)def);
    if (!ctx) {
        throw_rc(env, "seccomp_init", -EINVAL);
        return 0;
    }
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    if (rc < 0) {
        seccomp_release(ctx);
        throw_rc(env, "seccomp_attr_set", rc);
        return 0;
    }
    return (jlong)(intptr_t)ctx;
}

/* seccomp_attr_set(ctx, attr, value); attr is an enum scmp_filter_attr value (seccomp.h). */
JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_attr(JNIEnv *env, jclass cls, jlong h, jint attr, jint value) {
    (void)cls;
    int rc = seccomp_attr_set(ctx_of(h), (enum scmp_filter_attr)attr, (uint32_t)value);
    if (rc < 0) throw_rc(env, "seccomp_attr_set", rc);
}

/* seccomp_arch_resolve_name: the SCMP_ARCH_* token for a libseccomp arch name ("x86_64"), 0 if unknown. */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Seccomp_archToken(JNIEnv *env, jclass cls, jstring jname) {
    (void)cls;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (!name) return 0;
    uint32_t arch = seccomp_arch_resolve_name(name);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    return (jint)arch;
}

/* seccomp_arch_native(). */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Seccomp_nativeArch(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return (jint)seccomp_arch_native();
}

/* seccomp_arch_add(ctx, token); an arch already in the filter (the native one) is fine. */
JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_archAdd(JNIEnv *env, jclass cls, jlong h, jint token) {
    (void)cls;
    int rc = seccomp_arch_add(ctx_of(h), (uint32_t)token);
    if (rc < 0 && rc != -EEXIST) throw_rc(env, "seccomp_arch_add", rc);
}

/*
 * seccomp_syscall_resolve_name (token 0) or seccomp_syscall_resolve_name_arch (token != 0):
 * -1 (__NR_SCMP_ERROR) for a name libseccomp does not know; other negative values are libseccomp's
 * pseudo numbers for calls the arch lacks (e.g. socketcall on x86_64), valid in rules.
 */
JNIEXPORT jint JNICALL Java_io_jrunc_sys_Seccomp_resolve(JNIEnv *env, jclass cls, jint token, jstring jname) {
    (void)cls;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (!name) return __NR_SCMP_ERROR;
    int nr = token == 0 ? seccomp_syscall_resolve_name(name) : seccomp_syscall_resolve_name_arch((uint32_t)token, name);
    (*env)->ReleaseStringUTFChars(env, jname, name);
    return nr;
}

/*
 * seccomp_rule_add_array(ctx, action, nr, n, cmp) with cmp[i] = {index[i], ops[i], a[i], b[i]}: the
 * conditions of one rule are ANDed. Not the _exact variant: libseccomp translates the number to every
 * architecture of the filter, as runc (libseccomp-golang's AddRule) does.
 */
JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_rule(JNIEnv *env, jclass cls, jlong h, jint action, jint nr,
                                                      jintArray jops, jintArray jidx, jlongArray ja, jlongArray jb) {
    (void)cls;
    jsize n = (*env)->GetArrayLength(env, jops);
    if (n > 6 || (*env)->GetArrayLength(env, jidx) != n || (*env)->GetArrayLength(env, ja) != n ||
        (*env)->GetArrayLength(env, jb) != n) {
        throw_rc(env, "seccomp_rule_add_array", -EINVAL);
        return;
    }
    jint ops[6], idx[6];
    jlong a[6], b[6];
    struct scmp_arg_cmp cmp[6];
    (*env)->GetIntArrayRegion(env, jops, 0, n, ops);
    (*env)->GetIntArrayRegion(env, jidx, 0, n, idx);
    (*env)->GetLongArrayRegion(env, ja, 0, n, a);
    (*env)->GetLongArrayRegion(env, jb, 0, n, b);
    for (jsize i = 0; i < n; i++) {
        cmp[i].arg = (unsigned int)idx[i];
        cmp[i].op = (enum scmp_compare)ops[i];
        cmp[i].datum_a = (scmp_datum_t)a[i];
        cmp[i].datum_b = (scmp_datum_t)b[i];
    }
    int rc = seccomp_rule_add_array(ctx_of(h), (uint32_t)action, nr, (unsigned int)n, n ? cmp : NULL);
    if (rc < 0) throw_rc(env, "seccomp_rule_add", rc);
}

/* seccomp_export_bpf into a memfd, read back: the program as struct sock_filter[] in host byte order. */
JNIEXPORT jbyteArray JNICALL Java_io_jrunc_sys_Seccomp_export(JNIEnv *env, jclass cls, jlong h) {
    (void)cls;
    int fd = memfd_create("jrunc-seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0) {
        throw_rc(env, "memfd_create", -errno);
        return NULL;
    }
    int rc = seccomp_export_bpf(ctx_of(h), fd);
    if (rc < 0) {
        close(fd);
        throw_rc(env, "seccomp_export_bpf", rc);
        return NULL;
    }
    off_t len = lseek(fd, 0, SEEK_END);
    if (len < 0 || len > (1 << 20)) {
        int e = len < 0 ? errno : EFBIG;
        close(fd);
        throw_rc(env, "seccomp_export_bpf", -e);
        return NULL;
    }
    char *buf = malloc(len ? (size_t)len : 1);
    if (!buf) {
        close(fd);
        throw_rc(env, "malloc", -ENOMEM);
        return NULL;
    }
    off_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf + got, (size_t)(len - got), got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            int e = r < 0 ? errno : EIO;
            free(buf);
            close(fd);
            throw_rc(env, "read", -e);
            return NULL;
        }
        got += r;
    }
    close(fd);
    jbyteArray out = (*env)->NewByteArray(env, (jsize)len);
    if (out) (*env)->SetByteArrayRegion(env, out, 0, (jsize)len, (jbyte *)buf);
    free(buf);
    return out;
}

/* seccomp_release(ctx). */
JNIEXPORT void JNICALL Java_io_jrunc_sys_Seccomp_release(JNIEnv *env, jclass cls, jlong h) {
    (void)env;
    (void)cls;
    if (h) seccomp_release(ctx_of(h));
}

/* seccomp_version(): "major.minor.micro" of the libseccomp actually loaded. */
JNIEXPORT jstring JNICALL Java_io_jrunc_sys_Seccomp_version(JNIEnv *env, jclass cls) {
    (void)cls;
    const struct scmp_version *v = seccomp_version();
    char buf[64];
    snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
    return (*env)->NewStringUTF(env, buf);
}
