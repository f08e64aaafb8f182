package io.jrunc.planner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The caller's cwd, passed as a directory fd: relative paths of its command line resolve against the path
 * of that very directory, never against the planner's own cwd. The path is the fd's (/proc/self/fd/N) and
 * is used only if it names the same directory (device and inode) in the planner's mount namespace: a
 * deleted cwd, one under another root, or a path that was swapped meanwhile gives null (the front falls
 * back to the direct JVM, which resolves against the kernel's cwd as runc does).
 */
final class CwdFd {
    private CwdFd() {}

    static Path path(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            Path p = Files.readSymbolicLink(link);
            if (!p.isAbsolute() || p.toString().endsWith(" (deleted)")) return null;
            BasicFileAttributes byFd = Files.readAttributes(link, BasicFileAttributes.class);
            BasicFileAttributes byPath = Files.readAttributes(p, BasicFileAttributes.class);
            if (!byFd.isDirectory() || byFd.fileKey() == null || !byFd.fileKey().equals(byPath.fileKey())) return null;
            return p;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
