package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.sys.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The console socket jrunc makes for itself when a foreground `run`/`exec` has a terminal and the
 * caller gave no --console-socket: a listening socket in a private 0700 directory. The listening fd
 * survives the hand-over to the C waiter, which accepts the pty master and relays it.
 */
record ConsoleRelay(Path dir, Path path0, int fd) {
    static ConsoleRelay open() {
        try {
            Path dir = Files.createTempDirectory("jrunc-console", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path sock = dir.resolve("console.sock");
            return new ConsoleRelay(dir, sock, Linux.get().listenUnix(sock.toString()));
        } catch (IOException e) {
            throw new JruncException("cannot create a console socket: " + e.getMessage(), e);
        }
    }

    String path() { return path0.toString(); }

    /** After create the init has connected (or failed): the name is no longer needed, the fd is. */
    void unlink() {
        try {
            Files.deleteIfExists(path0);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover empty temp dir is harmless
        }
    }
}
