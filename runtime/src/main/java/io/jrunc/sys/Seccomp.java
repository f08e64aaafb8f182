package io.jrunc.sys;

/**
 * libseccomp through libjrunc (native-helper/src/jni_seccomp.c): a flat, decision-free surface. Only
 * io.jrunc.seccomp uses it, and only when a config has linux.seccomp. Failures throw
 * {@link LinuxException} with libseccomp's errno (the filters are created with SCMP_FLTATR_API_SYSRAWRC).
 */
public final class Seccomp {
    private Seccomp() {}

    /** Loads libjrunc (the natives live there) on first use; later calls cost nothing. */
    public static void load() { Native.load(); }

    /** enum scmp_filter_attr values (seccomp.h, libseccomp 2.5). */
    public static final int ATTR_CTL_NNP = 3, ATTR_CTL_TSYNC = 4, ATTR_CTL_LOG = 6, ATTR_CTL_SSB = 7,
            ATTR_CTL_OPTIMIZE = 8, ATTR_API_SYSRAWRC = 9;

    /** What {@link #resolve} returns for a name libseccomp does not know (__NR_SCMP_ERROR). */
    public static final int NR_UNKNOWN = -1;

    /** seccomp_init(defaultAction) with CTL_NNP 0 and API_SYSRAWRC 1; returns the context handle. */
    public static native long init(int defaultAction);
    /** seccomp_attr_set. */
    public static native void attr(long ctx, int attr, int value);
    /** seccomp_arch_resolve_name: the SCMP_ARCH_* token (an AUDIT_ARCH_* value except x32), 0 if unknown. */
    public static native int archToken(String libseccompName);
    /** seccomp_arch_native(). */
    public static native int nativeArch();
    /** seccomp_arch_add (already present is fine). */
    public static native void archAdd(long ctx, int token);
    /**
     * seccomp_syscall_resolve_name (archToken 0: the native arch) or _resolve_name_arch: the number,
     * {@link #NR_UNKNOWN}, or another negative value, a libseccomp pseudo number for a call this arch
     * lacks but another has (valid in rules: libseccomp translates it per arch).
     */
    public static native int resolve(int archToken, String name);
    /** seccomp_rule_add_array: conditions {index[i] ops[i] a[i] b[i]}, ANDed; SCMP_CMP_* operator values. */
    public static native void rule(long ctx, int action, int nr, int[] ops, int[] index, long[] a, long[] b);
    /** seccomp_export_bpf: struct sock_filter[] in host byte order. */
    public static native byte[] export(long ctx);
    /** seccomp_release (0 is ignored). */
    public static native void release(long ctx);
    /** The loaded libseccomp's version, "2.5.4". */
    public static native String version();
}
