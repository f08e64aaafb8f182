package io.jrunc.sys;

/**
 * The JNI surface of libjrunc (native-helper/src/jni.c). Kept tiny and flat on purpose: every method is
 * one syscall or a short fixed sequence of them, and failures throw {@link LinuxException} carrying the
 * call name and errno. Nothing here decides anything. Code outside io.jrunc.sys goes through {@link Linux}.
 */
final class Native {
    private Native() {}

    /**
     * posix_spawn(path, argv, envp). Stdio and every fd listed in keepFds stay open in the child (their
     * FD_CLOEXEC is cleared in the child only); everything else keeps the parent's CLOEXEC setting.
     * The child gets the default signal mask and default dispositions. Returns the child pid.
     */
    static native int spawn(String path, String[] argv, String[] envp, int[] keepFds);

    /** socketpair(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC): returns {fd0, fd1}. */
    static native int[] socketpair();

    /** send(fd, buf[off..off+len], MSG_NOSIGNAL); returns bytes sent. */
    static native int send(int fd, byte[] buf, int off, int len);

    /**
     * Receive one packet into buf. Waits at most timeoutMs (negative: forever). Returns the packet length,
     * 0 on EOF (all peers closed), -1 on timeout. With fdOut (int[1]) the fd the packet carried
     * (SCM_RIGHTS, O_CLOEXEC) or -1 is stored there; without it any fd received is closed.
     */
    static native int recv(int fd, byte[] buf, int timeoutMs, int[] fdOut);

    static native void close(int fd);

    /** waitpid(pid, &status, flags); returns {pid, rawStatus}; pid 0 when WNOHANG and not yet exited. */
    static native int[] waitpid(int pid, int flags);

    /** kill(pid, sig). */
    static native void kill(int pid, int sig);

    /** pidfd_open(pid, 0) with O_CLOEXEC semantics; returns the fd. */
    static native int pidfdOpen(int pid);

    /** pidfd_send_signal(pidfd, sig, NULL, 0). */
    static native void pidfdSendSignal(int pidfd, int sig);

    /** mkfifo(path, mode) (the umask is applied by the kernel; chmod afterwards if it matters). */
    static native void mkfifo(String path, int mode);

    /** open(path, flags|O_CLOEXEC, mode); returns fd. */
    static native int open(String path, int flags, int mode);

    /** prctl(PR_SET_CHILD_SUBREAPER, 1). */
    static native void setChildSubreaper();

    /** execve(path, argv, envp) after clearing FD_CLOEXEC on keepFds; returns only by throwing. */
    static native void execve(String path, String[] argv, String[] envp, int[] keepFds);

    /** geteuid(). */
    static native int geteuid();

    /** getpid(). */
    static native int getpid();

    /** umount2(target, flags). */
    static native void umount2(String target, int flags);

    /** mount(source, target, NULL, MS_BIND | MS_REC, NULL). */
    static native void bindMount(String source, String target);

    /**
     * Connect an AF_UNIX SOCK_STREAM socket to path and send one message: data bytes plus, as SCM_RIGHTS,
     * exactly the one fd given (used for --pidfd-socket). Closes the socket afterwards.
     */
    static native void sendFd(String socketPath, byte[] data, int fd);

    /** strerror(errno), for messages built on the Java side. */
    static native String strerror(int errno);

    /** socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC) bound to path and listening (backlog 1); returns the fd. */
    static native int listenUnix(String path);

    /** A sealed memfd copy of the file at path (CLOEXEC); exec it through /proc/self/fd/N. */
    static native int sealedCopy(String path);
}
