package io.jrunc.sys;

import java.nio.file.Path;

/**
 * The one way the engine calls the kernel. The engine (io.jrunc.container.Engine) is given one: the
 * JNI implementation, {@link #get()}, which loads libjrunc on first use (so commands that need no syscall
 * never pay for it), or a fake in unit tests (a recording fake drives create, exec and delete without
 * root). {@link #set(Linux)} replaces the default for code that has no engine at hand (tests of
 * cgroup and seccomp helpers).
 */
public interface Linux {
    /** posix_spawn; stdio: null or the fds for the child's 0, 1, 2 (-1: inherited); keepFds stay open in the child. */
    int spawn(String path, String[] argv, String[] envp, int[] stdio, int[] keepFds);
    /** pipe2(O_CLOEXEC): {read end, write end}. */
    int[] pipe();
    int[] socketpair();
    void send(int fd, byte[] data);
    /** One packet, or null on EOF; throws on timeout. */
    byte[] recv(int fd, int timeoutMs);
    /** As {@link #recv(int, int)}; fdOut[0] gets the fd the packet carried (O_CLOEXEC), or -1. */
    byte[] recv(int fd, int timeoutMs, int[] fdOut);
    void close(int fd);
    /** {pid, status}; pid 0 with WNOHANG when still running. */
    int[] waitpid(int pid, int flags);
    void kill(int pid, int sig);
    int pidfdOpen(int pid);
    void pidfdSendSignal(int pidfd, int sig);
    void mkfifo(Path path, int mode);
    int open(Path path, int flags, int mode);
    void setChildSubreaper();
    void execve(String path, String[] argv, String[] envp, int[] keepFds);
    int geteuid();
    int getpid();
    void umount2(String target, int flags);
    /** A recursive bind mount of source on target (restore's criu root). */
    void bindMount(String source, String target);
    void sendFd(String socketPath, byte[] data, int fd);
    String strerror(int errno);
    int listenUnix(String path);
    /** accept4 with O_CLOEXEC, waiting at most timeoutMs (negative: forever). */
    int accept(int fd, int timeoutMs);
    /** A java.io.FileDescriptor that owns fd (dup: a CLOEXEC duplicate), for streams over the descriptor itself. */
    java.io.FileDescriptor fileDescriptor(int fd, boolean dup);
    int sealedCopy(String path);

    // ---- the planner's socket (io.jrunc.planner); not part of the engine's seam, hence defaults ----

    /** As {@link #listenUnix(String)} with a longer accept queue. */
    default int listenUnix(String path, int backlog) { throw new UnsupportedOperationException("listenUnix"); }
    /**
     * recvmsg on a stream socket into buf[off..off+len], waiting at most timeoutMs (negative: forever): bytes
     * read, 0 on EOF, -1 on timeout; fdsOut (may be null) gets the fds the message carried, the rest -1.
     */
    default int recvFds(int fd, byte[] buf, int off, int len, int timeoutMs, int[] fdsOut) {
        throw new UnsupportedOperationException("recvFds");
    }
    /** sendmsg of buf[off..off+len] with fds as SCM_RIGHTS; returns the bytes sent (the rest goes with {@link #send}). */
    default int sendFds(int fd, byte[] buf, int off, int len, int[] fds) { throw new UnsupportedOperationException("sendFds"); }
    /** SO_PEERCRED of a connected unix socket: {pid, uid, gid}. */
    default int[] peerCred(int fd) { throw new UnsupportedOperationException("peerCred"); }
    /**
     * SO_PEERPIDFD of a connected unix socket: a pidfd of the peer process (close it), or -1 where the kernel has
     * no such option (Linux before 6.5; and this default). Throws if the peer cannot be had (already reaped).
     */
    default int peerPidfd(int fd) { return -1; }
    /**
     * The process a pidfd refers to, as /proc/self/fdinfo/PIDFD's "Pid:" line gives it (Linux 5.10+): its pid in
     * this pid namespace, -1 once it has exited, 0 if it is in no pid namespace of ours; -2 without such a line.
     */
    default int pidfdPid(int pidfd) {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/self/fdinfo/" + pidfd)))
                if (l.startsWith("Pid:")) return Integer.parseInt(l.substring(4).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            throw new LinuxException("read /proc/self/fdinfo/" + pidfd, 5, String.valueOf(e.getMessage()));
        }
        return -2;
    }
    /** A stream socket connected to the unix socket at path. */
    default int connectUnix(String path) { throw new UnsupportedOperationException("connectUnix"); }

    /** The process' start time in clock ticks since boot (/proc/PID/stat field 22), or -1 if it does not exist. */
    default long startTime(int pid) { return Proc.startTime(pid); }

    /** pid is the very process that had startTime and has not exited (zombies count as exited). */
    default boolean isAlive(int pid, long startTime) { return Proc.isAlive(pid, startTime); }

    int WNOHANG = 1;
    int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_NONBLOCK = 04000, O_PATH = 010000000;
    int MNT_DETACH = 2;

    static Linux get() { return Holder.instance; }

    static void set(Linux fake) { Holder.instance = fake; }

    final class Holder {
        private Holder() {}
        static volatile Linux instance = JniLinux.load();
    }
}
