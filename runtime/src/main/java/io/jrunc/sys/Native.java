package io.jrunc.sys;

/**
 * The JNI surface of libjrunc (native-helper/src/jni.c). Kept tiny and flat on purpose: every method is
 * one syscall or a short fixed sequence of them, and failures throw {@link LinuxException} carrying the
 * call name and errno. Nothing here decides anything. Code outside io.jrunc.sys goes through {@link Linux}.
 */
final class Native {
    private Native() {}

    // libjrunc is loaded when a native is first called (this class's initialisation), not when the kernel
    // object is made: a call that only reads /proc (a container's status) never loads it.
    static {
        System.load(Home.nativeLib().toString());
    }

    /** Loads libjrunc for the other classes whose natives live there (Seccomp, SdBus, Bpf); costs nothing later. */
    static void load() {}

    /**
     * posix_spawn(path, argv, envp). Stdio and every fd listed in keepFds stay open in the child (their
     * FD_CLOEXEC is cleared in the child only); everything else keeps the parent's CLOEXEC setting.
     * The child gets the default signal mask and default dispositions. stdio: null, or the fds the
     * child gets as 0, 1 and 2 (-1 for the parent's). Returns the child pid.
     */
    static native int spawn(String path, String[] argv, String[] envp, int[] stdio, int[] keepFds);

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    static native int[] pipe();

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

    /** socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC) bound to path and listening with backlog; returns the fd. */
    static native int listenUnix(String path, int backlog);

    /**
     * recvmsg into buf[off..off+len] waiting at most timeoutMs (negative: forever): returns the bytes read, 0 on
     * EOF, -1 on timeout. The fds the message carried (SCM_RIGHTS, O_CLOEXEC) go to fdsOut in order, the rest of
     * it is -1; a message with more fds than fdsOut holds (or 64) is refused whole (EMSGSIZE, every fd closed).
     */
    static native int recvFds(int fd, byte[] buf, int off, int len, int timeoutMs, int[] fdsOut);

    /** sendmsg(MSG_NOSIGNAL) of buf[off..off+len] with fds (at most 64) as SCM_RIGHTS; returns the bytes sent. */
    static native int sendFds(int fd, byte[] buf, int off, int len, int[] fds);

    /** getsockopt(SO_PEERCRED): {pid, uid, gid} of the peer as it was at connect(2). */
    static native int[] peerCred(int fd);

    /**
     * getsockopt(SO_PEERPIDFD): a pidfd (CLOEXEC) of the peer that connected; -1 if the kernel lacks the option
     * (before Linux 6.5); throws for other errors (the peer already reaped).
     */
    static native int peerPidfd(int fd);

    /** The "Pid:" of /proc/self/fdinfo/PIDFD: the pid here, -1 once the process exited, 0 in no pid namespace of ours; -2 no such line. */
    static native int pidfdPid(int pidfd);

    /** socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC) connected to path; returns the fd. */
    static native int connectUnix(String path);

    /** A FileDescriptor owning fd (dup: a CLOEXEC duplicate of fd), for Java streams over it. */
    static native java.io.FileDescriptor fileDescriptor(int fd, boolean dup);

    /** accept4(SOCK_CLOEXEC) on a listening socket, waiting at most timeoutMs (negative: forever); returns the fd. */
    static native int accept(int fd, int timeoutMs);

    /** A sealed memfd copy of the file at path (CLOEXEC); exec it through /proc/self/fd/N. */
    static native int sealedCopy(String path);
}
