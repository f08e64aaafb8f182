package io.jrunc.cgroup;

import io.jrunc.JruncException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reading and writing cgroup files. A write is one write(2) on an existing file (cgroupfs has no
 * O_CREAT; fixture trees must hold the files the kernel would have), with errors naming file and value.
 */
final class Fs {
    private Fs() {}

    /** Tests only: when non-null every successful write is appended as "path=value". */
    static volatile List<String> trace;

    /** Writes value; a JruncException names the file, the value and the kernel's reason. */
    static void write(String dir, String file, String value) {
        IOException e = tryWrite(dir, file, value);
        if (e != null) throw failed(dir, file, value, e);
    }

    /** Writes value and returns the failure instead of throwing (callers that act on ENOENT/EINVAL/EBUSY). */
    static IOException tryWrite(String dir, String file, String value) {
        Path p = Path.of(dir, file);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return e;
        }
        List<String> t = trace;
        if (t != null) t.add(p + "=" + value);
        return null;
    }

    static JruncException failed(String dir, String file, String value, IOException e) {
        return new JruncException("cannot write \"" + value + "\" to " + Path.of(dir, file) + ": " + reason(e), e);
    }

    static boolean missing(IOException e) { return e instanceof NoSuchFileException; }

    static boolean denied(IOException e) { return e instanceof AccessDeniedException || "Operation not permitted".equals(reason(e)); }

    static boolean invalid(IOException e) { return "Invalid argument".equals(reason(e)); }

    static boolean busy(IOException e) { return "Device or resource busy".equals(reason(e)); }

    static boolean unsupported(IOException e) { return "Operation not supported".equals(reason(e)); }

    /** The kernel's text for the errno behind e ("Invalid argument", "Device or resource busy", ...). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof java.nio.file.DirectoryNotEmptyException) return "Directory not empty";
        String m = e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        int i = m.lastIndexOf(": ");
        return i >= 0 ? m.substring(i + 2) : m;
    }

    /** The file's content without the trailing newline, or null when it cannot be read. */
    static String read(String dir, String file) {
        try {
            return Files.readString(Path.of(dir, file)).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static boolean exists(String dir, String file) { return Files.exists(Path.of(dir, file)); }

    /**
     * An unsigned number from a one-value cgroup file, as Go's GetCgroupParamUint: "max" is 2^64-1
     * (held as -1L: print with {@link Stats#u}), absent or unparsable is 0, negative values clamp to 0.
     */
    static long num(String dir, String file) {
        String v = read(dir, file);
        if (v == null || v.isEmpty()) return 0;
        return unsigned(v.split("\\s+")[0]);
    }

    static long unsigned(String v) {
        if (v.equals("max")) return -1L;
        try {
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            return 0; // "-1" and the like: Go's ParseUint fails and runc reports 0
        }
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control) as a map. */
    static Map<String, Long> keyed(String dir, String file) {
        Map<String, Long> m = new LinkedHashMap<>();
        String v = read(dir, file);
        if (v == null) return m;
        for (String l : v.split("\n")) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 2) m.put(f[0], unsigned(f[1]));
        }
        return m;
    }

    /** pids in dir and every descendant cgroup (cgroup.procs of each). */
    static List<Integer> procs(String dir) {
        List<Integer> out = new ArrayList<>();
        collect(Path.of(dir), out);
        return out;
    }

    private static void collect(Path d, List<Integer> out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(d.resolve("cgroup.procs"));
        } catch (IOException e) {
            return; // vanished, or not a cgroup
        }
        for (String l : lines) {
            l = l.trim();
            if (!l.isEmpty()) {
                try { out.add(Integer.parseInt(l)); } catch (NumberFormatException ignored) { }
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path c : ds) if (Files.isDirectory(c)) collect(c, out);
        } catch (IOException ignored) {
            // a child cgroup that vanished has no processes
        }
    }

    static void mkdirs(String dir) {
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new JruncException("cannot create cgroup " + dir + ": " + reason(e), e);
        }
    }

    /**
     * rmdir dir after its child cgroups, deepest first, as runc's RemovePaths: an absent directory is
     * fine; EBUSY (tasks still exiting) is retried with a growing delay for about a second.
     */
    static void removeTree(String dir) {
        IOException last = null;
        long delay = 5;
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                sleep(delay);
                delay *= 2;
            }
            last = removeOnce(Path.of(dir));
            if (last == null) return;
        }
        throw new JruncException("cannot remove cgroup " + dir + ": " + reason(last), last);
    }

    private static IOException removeOnce(Path d) {
        try {
            Files.deleteIfExists(d); // fast path: no children
            return null;
        } catch (IOException e) {
            if (!Files.isDirectory(d)) return null;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path c : ds) {
                if (!Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                IOException e = removeOnce(c);
                if (e != null) return e;
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return e;
        }
        try {
            Files.deleteIfExists(d);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
