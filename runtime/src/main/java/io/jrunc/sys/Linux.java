package io.jrunc.sys;

import java.nio.file.Path;

/**
 * The one way jrunc calls the kernel. Production code uses {@link #get()}, which loads libjrunc on first
 * use (so commands that need no syscall never pay for it); unit tests can install a fake with
 * {@link #set(Linux)} to exercise decision logic without root.
 */
public interface Linux {
    int spawn(String path, String[] argv, String[] envp, int[] keepFds);
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
    int sealedCopy(String path);

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
