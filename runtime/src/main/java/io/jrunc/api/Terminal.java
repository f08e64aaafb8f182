package io.jrunc.api;

import io.jrunc.JruncException;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@link Stdio#terminal()}: a console socket of this JVM's own (in a private 0700 directory) to which the
 * container's init sends the pty master during create, as runc's --console-socket; the master then
 * becomes the container's stdin (writes) and stdout (reads, stderr merged, as on any terminal).
 */
final class Terminal {
    private final Linux sys;
    private final Path dir;
    private final Path sock;
    private int listenFd;
    OutputStream stdin;
    InputStream stdout;

    private Terminal(Linux sys, Path dir, Path sock, int listenFd) {
        this.sys = sys;
        this.dir = dir;
        this.sock = sock;
        this.listenFd = listenFd;
    }

    static Terminal listen(Linux sys) {
        try {
            Path dir = Files.createTempDirectory("jrunc-console", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path sock = dir.resolve("console.sock");
            return new Terminal(sys, dir, sock, sys.listenUnix(sock.toString()));
        } catch (IOException e) {
            throw new JruncException("cannot create a console socket: " + e.getMessage(), e);
        }
    }

    String path() { return sock.toString(); }

    /** After create: the init has connected and sent the master; take it. */
    void receive() {
        int conn = -1, master = -1;
        try {
            conn = sys.accept(listenFd, 10_000);
            int[] fd = {-1};
            byte[] m = sys.recv(conn, 10_000, fd);
            if (m == null || fd[0] < 0) throw new JruncException("the container sent no terminal on its console socket");
            master = fd[0];
            // streams over the master itself (reopening /proc/self/fd/N of a ptmx master makes a new pty)
            stdout = new FileInputStream(sys.fileDescriptor(master, true));
            stdin = new FileOutputStream(sys.fileDescriptor(master, false));
            master = -1; // owned by stdin now
        } catch (LinuxException e) {
            throw new JruncException("console socket: " + e.getMessage(), e);
        } finally {
            if (master >= 0) sys.close(master);
            if (conn >= 0) sys.close(conn);
            unlink();
        }
    }

    /** The name and the listening socket (the streams stay). */
    void unlink() {
        if (listenFd >= 0) {
            sys.close(listenFd);
            listenFd = -1;
        }
        try {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // an empty private temp directory left is harmless
        }
    }

    void close() {
        unlink();
        try { if (stdin != null) stdin.close(); } catch (IOException ignored) { }
        try { if (stdout != null) stdout.close(); } catch (IOException ignored) { }
    }
}
