package io.jrunc.checkpoint;

import io.jrunc.JruncException;
import io.jrunc.sys.Linux;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The criu binary: where it is, whether it is new enough, running it and reporting its failures. */
public final class Criu {
    /** The global --criu flag (runc 1.1 has it; removed in 1.4): a path or a name looked up in PATH. */

    /**
     * 3.14: the first criu with the cgroup v2 freezer (runc asks for it on v2 too), and more than what
     * external network (3.11) and pid (3.15, checked when used) namespaces need.
     */
    public static final int MIN_VERSION = 31400;
    static final int MIN_EXTERNAL_PID_NS = 31500;

    private final Linux sys;
    private final Path path;
    private final int version;

    private Criu(Linux sys, Path path, int version) {
        this.sys = sys;
        this.path = path;
        this.version = version;
    }

    public Path path() { return path; }

    public int version() { return version; }

    /**
     * Finds criu (--criu, else "criu" in PATH) and checks its version; a clear error if either fails. The
     * version is asked once per criu binary (path, size, mtime) and remembered in cacheDir (the state root's
     * "@criu"), since `criu --version` costs a process from the JVM on every call otherwise (~1 s in an
     * emulated guest). cacheDir null: always asked.
     */
    /**
     * The criu checkpoint and restore use for a container of this engine: found and version-checked
     * ({@link #find}), new enough for the spec's namespaces given by path; warns when not root, as runc does
     * (criu needs CAP_SYS_ADMIN, CAP_CHECKPOINT_RESTORE at the least).
     */
    static Criu forSpec(io.jrunc.container.Engine e, io.jrunc.bundle.Spec spec, String configured) {
        if (e.kernel().geteuid() != 0) e.warnings().accept("checkpoint/restore is unlikely to work as rootless (criu needs root)");
        Criu criu = find(e.kernel(), e.store().root().resolve(CACHE_DIR), configured);
        io.jrunc.sys.Trace.mark("criu " + CriuArgs.versionName(criu.version()) + " found");
        for (io.jrunc.bundle.Spec.Namespace n : CriuArgs.externalNamespaces(spec))
            if (n.type().equals("pid")) check(criu.version(), MIN_EXTERNAL_PID_NS, "for a pid namespace given by path");
        return criu;
    }

    public static Criu find(Linux sys, Path cacheDir, String configured) {
        String name = configured == null || configured.isEmpty() ? "criu" : configured;
        Path p = resolve(name, System.getenv("PATH"));
        if (p == null)
            throw new JruncException("criu not found" + (name.contains("/") ? " at " + name : " in PATH")
                    + ": checkpoint and restore need criu " + CriuArgs.versionName(MIN_VERSION) + " or newer (https://criu.org)");
        String key = cacheKey(p);
        int v = cacheDir == null || key == null ? -1 : cached(cacheDir, key);
        if (v < 0) {
            v = askVersion(p);
            if (cacheDir != null && key != null && v >= 0) remember(cacheDir, key, v);
        }
        check(v, MIN_VERSION, p.toString());
        return new Criu(sys, p, v);
    }

    private static int askVersion(Path p) {
        String out;
        try {
            Process pr = new ProcessBuilder(p.toString(), "--version").redirectErrorStream(true).start();
            pr.getOutputStream().close();
            out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            pr.waitFor();
        } catch (IOException e) {
            throw new JruncException("cannot run " + p + " --version: " + JruncException.errno(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JruncException("interrupted", e);
        }
        int v = CriuArgs.parseVersion(out);
        if (v < 0) throw new JruncException("cannot tell the version of " + p + " (criu --version said: " + out.strip() + ")");
        return v;
    }

    /** "path size mtime-ns" of the binary, or null if it cannot be stat'ed. */
    static String cacheKey(Path p) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            return p + " " + a.size() + " " + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            return null;
        }
    }

    /** The state root's directory for the remembered criu version ('@' is in no container id). */
    public static final String CACHE_DIR = "@criu";
    static final String CACHE_FILE = "version";

    /** The remembered version for this key, or -1. */
    static int cached(Path dir, String key) {
        try {
            String[] l = Files.readString(dir.resolve(CACHE_FILE)).split("\n");
            return l.length >= 2 && l[0].equals(key) ? Integer.parseInt(l[1].trim()) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void remember(Path dir, String key, int v) {
        try {
            Files.createDirectories(dir);
            io.jrunc.state.StateStore.writeAtomically(dir.resolve(CACHE_FILE), (key + "\n" + v + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // only a cache: the next call asks criu again
        }
    }

    static void check(int have, int need, String what) {
        if (have < need)
            throw new JruncException("criu " + CriuArgs.versionName(have) + " (" + what + ") is too old: jrunc needs criu "
                    + CriuArgs.versionName(need) + " or newer");
    }

    /** A path with a slash as is (if executable); a bare name through PATH. Null when there is none. */
    static Path resolve(String name, String pathEnv) {
        if (name.contains("/")) {
            Path p = Path.of(name).toAbsolutePath();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        for (String dir : (pathEnv == null || pathEnv.isEmpty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : pathEnv).split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toAbsolutePath();
        }
        return null;
    }

    /**
     * Runs criu with these arguments and waits for it. Its stdio is ours (restore hands our stdio to the
     * restored process through --inherit-fd fd[0..2]); keepFds stay open in it at the same numbers. A
     * non-zero exit throws, quoting the lines of the log around each "Error" (as runc's logCriuErrors).
     */
    public void run(List<String> args, int[] keepFds, Path logFile, Consumer<String> warn) {
        List<String> argv = new ArrayList<>();
        argv.add("criu");
        argv.addAll(args);
        io.jrunc.sys.Trace.mark("criu " + args.get(0));
        int pid = sys.spawn(path.toString(), argv.toArray(new String[0]), env(), null, keepFds);
        int[] st = sys.waitpid(pid, 0);
        int status = st[1];
        if (status == 0) return;
        String how = (status & 0x7f) == 0 ? "exit status " + ((status >> 8) & 0xff) : "killed by signal " + (status & 0x7f);
        String quoted = quoteErrors(logFile);
        if (!quoted.isEmpty()) warn.accept("--- Quoting \"" + logFile + "\"\n" + quoted + "---");
        throw new JruncException("criu failed: " + how + (firstError(logFile) == null ? "" : ": " + firstError(logFile))
                + "\nlog file: " + logFile);
    }

    private static String[] env() {
        List<String> e = new ArrayList<>();
        for (Map.Entry<String, String> x : System.getenv().entrySet()) e.add(x.getKey() + "=" + x.getValue());
        return e.toArray(new String[0]);
    }

    /** The first "Error (...): message" of a criu log, without its timestamp, or null. */
    static String firstError(Path log) {
        try {
            for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                int i = l.indexOf("Error (");
                if (i >= 0) return l.substring(i).trim();
            }
        } catch (IOException | RuntimeException ignored) {
            // no log (criu failed before opening it) or unreadable: the exit status alone
        }
        return null;
    }

    /** Each line with "Error" and the 5 before it, numbered, as `grep -n -B5 Error` would show them. */
    static String quoteErrors(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        Deque<String> before = new ArrayDeque<>();
        int printed = 0;
        for (int n = 1; n <= lines.size(); n++) {
            String l = lines.get(n - 1);
            if (l.contains("Error")) {
                if (printed > 0 && n - before.size() > printed + 1) sb.append("...\n");
                int start = n - before.size();
                for (String b : before) sb.append(start++).append(':').append(b).append('\n');
                sb.append(n).append(':').append(l).append('\n');
                before.clear();
                printed = n;
            } else {
                before.addLast(l);
                if (before.size() > 5) before.removeFirst();
            }
        }
        return sb.toString();
    }
}
