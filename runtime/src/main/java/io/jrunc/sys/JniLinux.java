package io.jrunc.sys;

import java.nio.file.Path;

final class JniLinux implements Linux {
    /** The library itself is loaded by Native, on the first native call. */
    static Linux load() {
        return new JniLinux();
    }

    @Override public int spawn(String path, String[] argv, String[] envp, int[] stdio, int[] keepFds) {
        return Native.spawn(path, argv, envp, stdio, keepFds);
    }
    @Override public int[] pipe() { return Native.pipe(); }
    @Override public int[] socketpair() { return Native.socketpair(); }
    @Override public void send(int fd, byte[] data) {
        int n = Native.send(fd, data, 0, data.length);
        if (n != data.length) throw new LinuxException("send", LinuxException.EINVAL, "short write");
    }
    @Override public byte[] recv(int fd, int timeoutMs) { return recv(fd, timeoutMs, null); }
    @Override public byte[] recv(int fd, int timeoutMs, int[] fdOut) {
        byte[] buf = new byte[1 << 16];
        int n = Native.recv(fd, buf, timeoutMs, fdOut);
        if (n < 0) throw new LinuxException("recv", LinuxException.EAGAIN, "timed out");
        if (n == 0) return null;
        return java.util.Arrays.copyOf(buf, n);
    }
    @Override public void close(int fd) { Native.close(fd); }
    @Override public int[] waitpid(int pid, int flags) { return Native.waitpid(pid, flags); }
    @Override public void kill(int pid, int sig) { Native.kill(pid, sig); }
    @Override public int pidfdOpen(int pid) { return Native.pidfdOpen(pid); }
    @Override public void pidfdSendSignal(int pidfd, int sig) { Native.pidfdSendSignal(pidfd, sig); }
    @Override public void mkfifo(Path path, int mode) { Native.mkfifo(path.toString(), mode); }
    @Override public int open(Path path, int flags, int mode) { return Native.open(path.toString(), flags, mode); }
    @Override public void setChildSubreaper() { Native.setChildSubreaper(); }
    @Override public void execve(String path, String[] argv, String[] envp, int[] keepFds) {
        Native.execve(path, argv, envp, keepFds);
    }
    @Override public int geteuid() { return Native.geteuid(); }
    @Override public int getpid() { return Native.getpid(); }
    @Override public void umount2(String target, int flags) { Native.umount2(target, flags); }
    @Override public void bindMount(String source, String target) { Native.bindMount(source, target); }
    @Override public void sendFd(String socketPath, byte[] data, int fd) { Native.sendFd(socketPath, data, fd); }
    @Override public String strerror(int errno) { return Native.strerror(errno); }
    @Override public int listenUnix(String path) { return Native.listenUnix(path, 1); }
    @Override public int listenUnix(String path, int backlog) { return Native.listenUnix(path, backlog); }
    @Override public int recvFds(int fd, byte[] buf, int off, int len, int timeoutMs, int[] fdsOut) {
        return Native.recvFds(fd, buf, off, len, timeoutMs, fdsOut);
    }
    @Override public int sendFds(int fd, byte[] buf, int off, int len, int[] fds) { return Native.sendFds(fd, buf, off, len, fds); }
    @Override public int[] peerCred(int fd) { return Native.peerCred(fd); }
    @Override public int peerPidfd(int fd) { return Native.peerPidfd(fd); }
    @Override public int pidfdPid(int pidfd) { return Native.pidfdPid(pidfd); }
    @Override public int connectUnix(String path) { return Native.connectUnix(path); }
    @Override public int accept(int fd, int timeoutMs) { return Native.accept(fd, timeoutMs); }
    @Override public java.io.FileDescriptor fileDescriptor(int fd, boolean dup) { return Native.fileDescriptor(fd, dup); }
    @Override public int sealedCopy(String path) { return Native.sealedCopy(path); }
}
