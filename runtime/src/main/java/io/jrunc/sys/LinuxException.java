package io.jrunc.sys;

/** A failed syscall: the call that failed, the errno and the C library's text for it. */
public final class LinuxException extends RuntimeException {
    private final String call;
    private final int errno;

    /** Called from JNI (native-helper/src/jni.c): keep the signature (String, int, String). */
    public LinuxException(String call, int errno, String strerror) {
        super(call + ": " + strerror);
        this.call = call;
        this.errno = errno;
    }

    public String call() { return call; }
    public int errno() { return errno; }

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EAGAIN = 11, EEXIST = 17,
            EINVAL = 22, EBUSY = 16;
}
