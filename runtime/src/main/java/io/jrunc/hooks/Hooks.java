package io.jrunc.hooks;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runtime-namespace hooks (prestart, createRuntime, poststart, poststop): run in order, each with the
 * container state on stdin, the hook's own env only (not jrunc's), killed at its timeout. The
 * container-namespace hooks (createContainer, startContainer) run in jrunc-init.
 */
public final class Hooks {
    private Hooks() {}

    /**
     * Where a hook runs and where its stdout goes when the runtime's own cwd and stdout are not the caller's
     * (the resident planner serves many callers): cwd, and a stream over the caller's stdout, which the hook's
     * output is copied to through a pipe (writes on the caller's own open file: its offset is shared, as
     * for an inherited fd). null everywhere means the process' own cwd and stdout, as in the CLI.
     */
    public record Io(java.io.File cwd, OutputStream stdout) {}

    public static void run(String kind, List<Spec.Hook> hooks, String stateJson) {
        run(kind, hooks, stateJson, null);
    }

    public static void run(String kind, List<Spec.Hook> hooks, String stateJson, Io io) {
        if (hooks == null) return;
        for (int i = 0; i < hooks.size(); i++) runOne(kind, i, hooks.get(i), stateJson, io);
    }

    /**
     * Every hook runs even when one before it failed; each failure is handed to {@code warn} (poststop:
     * "the runtime MUST log a warning, but the remaining hooks and lifecycle continue as if the hook had
     * succeeded", runtime-spec 1.3 runtime.md step 13).
     */
    public static void runAll(String kind, List<Spec.Hook> hooks, String stateJson, java.util.function.Consumer<String> warn) {
        runAll(kind, hooks, stateJson, warn, null);
    }

    public static void runAll(String kind, List<Spec.Hook> hooks, String stateJson, java.util.function.Consumer<String> warn, Io io) {
        if (hooks == null) return;
        for (int i = 0; i < hooks.size(); i++) {
            try {
                runOne(kind, i, hooks.get(i), stateJson, io);
            } catch (JruncException e) {
                warn.accept(e.getMessage());
            }
        }
    }

    private static void runOne(String kind, int index, Spec.Hook h, String stateJson, Io io) {
        String what = kind + " hook #" + index + " (" + h.path() + ")";
        ProcessBuilder pb = new ProcessBuilder();
        List<String> argv = new java.util.ArrayList<>();
        // args[0] is argv[0] as in execv; the program is always path.
        if (h.args() == null || h.args().isEmpty()) argv.add(h.path()); else argv.addAll(h.args());
        pb.command(argv);
        pb.environment().clear();
        if (h.env() != null) {
            for (String e : h.env()) {
                int eq = e.indexOf('=');
                if (eq > 0) pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        boolean copyOut = io != null && io.stdout() != null;
        pb.redirectOutput(copyOut ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.INHERIT);
        if (io != null && io.cwd() != null) pb.directory(io.cwd());
        Process proc;
        try {
                // ProcessBuilder execs argv[0], so the hook sees its path as argv[0] (args[0] is dropped).
            argv.set(0, h.path());
            proc = pb.start();
        } catch (IOException e) {
            // runc's wording (Go's exec): "fork/exec <path>: no such file or directory"
            java.nio.file.Path hp = java.nio.file.Path.of(h.path());
            String why = !java.nio.file.Files.exists(hp) ? "no such file or directory"
                    : !java.nio.file.Files.isExecutable(hp) || java.nio.file.Files.isDirectory(hp) ? "permission denied" : e.getMessage();
            throw new JruncException("error running " + what + ": fork/exec " + h.path() + ": " + why, e);
        }
        // Drained on a thread while we wait: a chatty hook must never block on a full pipe. Only the
        // tail is kept for the error message.
        java.io.ByteArrayOutputStream errTail = new java.io.ByteArrayOutputStream();
        Thread drain = new Drain(proc.getErrorStream(), errTail);
        drain.setDaemon(true);
        drain.start();
        Thread out = null;
        if (copyOut) {
            out = new Drain(proc.getInputStream(), io.stdout());
            out.setDaemon(true);
            out.start();
        }
        try (OutputStream in = proc.getOutputStream()) {
            in.write(stateJson.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // A hook may exit without reading stdin; that is its business.
        }
        byte[] err;
        try {
            boolean done = h.timeout() == null ? waitFor(proc) : proc.waitFor(h.timeout(), TimeUnit.SECONDS);
            if (!done) {
                proc.destroyForcibly();
                proc.waitFor();
                throw new JruncException("error running " + what + ": timeout after " + h.timeout() + "s");
            }
            drain.join(1000);
            // the hook's output is on the caller's stdout before the next step (a child it left holding the
            // pipe is not waited for long)
            if (out != null) out.join(5000);
            synchronized (errTail) {
                err = errTail.toByteArray();
            }
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            throw new JruncException("error running " + what + ": " + e.getMessage(), e);
        }
        if (proc.exitValue() != 0) {
            String tail = new String(err, StandardCharsets.UTF_8).strip();
            if (tail.length() > 512) tail = tail.substring(tail.length() - 512);
            throw new JruncException("error running " + what + ": exit status " + proc.exitValue()
                    + (tail.isEmpty() ? "" : ", stderr: " + tail));
        }
    }

    private static boolean waitFor(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    /**
     * Drains a hook's stderr, keeping the tail (a class, not a lambda: no call site to spin at run time); or
     * copies its stdout to a stream (the planner's caller's stdout).
     */
    private static final class Drain extends Thread {
        private final java.io.InputStream es;
        private final java.io.ByteArrayOutputStream errTail;
        private final OutputStream to;

        Drain(java.io.InputStream es, java.io.ByteArrayOutputStream errTail) {
            super("hook-stderr");
            this.es = es;
            this.errTail = errTail;
            this.to = null;
        }

        Drain(java.io.InputStream os, OutputStream to) {
            super("hook-stdout");
            this.es = os;
            this.errTail = null;
            this.to = to;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            try (es) {
                for (int n; (n = es.read(buf)) > 0; ) {
                    if (to != null) {
                        to.write(buf, 0, n);
                        to.flush();
                        continue;
                    }
                    synchronized (errTail) {
                        errTail.write(buf, 0, n);
                        if (errTail.size() > 8192) {
                            byte[] keep = java.util.Arrays.copyOfRange(errTail.toByteArray(), errTail.size() - 1024, errTail.size());
                            errTail.reset();
                            errTail.write(keep, 0, keep.length);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the hook is gone
            }
        }
    }
}
