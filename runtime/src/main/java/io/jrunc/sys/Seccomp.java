package io.jrunc.sys;

/** libseccomp through libjrunc (native-helper/src/jni_seccomp.c). Only io.jrunc.seccomp uses it. */
public final class Seccomp {
    private Seccomp() {}

    /** Loads libjrunc first (the natives live there). */
    public static void load() { Linux.get(); }

    public static native long init(int defaultAction);
    public static native void attr(long ctx, int attr, int value);
    public static native boolean archAdd(long ctx, String name);
    public static native int resolve(String name);
    public static native void rule(long ctx, int action, int nr, int[] ops, int[] index, long[] a, long[] b);
    public static native byte[] export(long ctx);
    public static native void release(long ctx);
}
