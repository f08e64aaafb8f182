package io.jrunc.cgroup;

import io.jrunc.JruncException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing cgroup files, with errors that name the file and value. */
final class Fs {
    private Fs() {}

    static void write(String dir, String file, String value) {
        Path p = Path.of(dir, file);
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new JruncException("cannot write \"" + value + "\" to " + p + ": " + reason(e), e);
        }
    }

    static String read(String dir, String file) {
        try {
            return Files.readString(Path.of(dir, file)).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** A number from a cgroup file; 0 when absent, Long.MAX for "max". */
    static long num(String dir, String file) {
        String v = read(dir, file);
        if (v == null || v.isEmpty()) return 0;
        if (v.equals("max")) return Long.MAX_VALUE;
        try {
            return Long.parseLong(v.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events) as a map. */
    static java.util.Map<String, Long> keyed(String dir, String file) {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        String v = read(dir, file);
        if (v == null) return m;
        for (String l : v.split("\n")) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 2) {
                try { m.put(f[0], Long.parseLong(f[1])); } catch (NumberFormatException ignored) { }
            }
        }
        return m;
    }

    static boolean exists(String dir, String file) { return Files.exists(Path.of(dir, file)); }

    static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException) return "no such file";
        int i = m == null ? -1 : m.lastIndexOf(": ");
        return i >= 0 ? m.substring(i + 2) : String.valueOf(m);
    }

    /** pids in dir and every descendant cgroup. */
    static List<Integer> procs(String dir) {
        List<Integer> out = new ArrayList<>();
        collect(Path.of(dir), out);
        return out;
    }

    private static void collect(Path d, List<Integer> out) {
        try {
            for (String l : Files.readAllLines(d.resolve("cgroup.procs"))) if (!l.isBlank()) out.add(Integer.parseInt(l.trim()));
        } catch (IOException e) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, Files::isDirectory)) {
            for (Path c : ds) collect(c, out);
        } catch (IOException ignored) {
            // a vanished child cgroup has no processes
        }
    }

    /** rmdir dir and its child cgroups, deepest first; EBUSY is retried briefly (exiting tasks). */
    static void removeTree(String dir) {
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, Files::isDirectory)) {
            for (Path c : ds) removeTree(c.toString());
        } catch (IOException ignored) {
            // listing failed: the rmdir below reports the real problem
        }
        for (int i = 0; ; i++) {
            try {
                Files.deleteIfExists(d);
                return;
            } catch (IOException e) {
                if (i >= 100) throw new JruncException("cannot remove cgroup " + d + ": " + reason(e), e);
                try { Thread.sleep(10); } catch (InterruptedException x) { Thread.currentThread().interrupt(); return; }
            }
        }
    }

    static void mkdirs(String dir) {
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new JruncException("cannot create cgroup " + dir + ": " + reason(e), e);
        }
    }
}
