package io.jrunc.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A runtime binary under test (jrunc, runc, ...) with a private --root. Every call has a timeout; output
 * of calls that start containers goes to files (a container inherits the caller's stdio, so a pipe
 * would stay open for the container's lifetime).
 */
final class Rt {
    final String name;
    final String binary;
    final Path root;

    Rt(String name, String binary, Path root) {
        this.name = name;
        this.binary = binary;
        this.root = root;
    }

    @Override public String toString() { return name; }

    /** Runtimes from -Djrunc.test.runtimes (jrunc = this checkout's bin/jrunc); missing binaries are left out. */
    static List<String> configured() {
        String prop = System.getProperty("jrunc.test.runtimes", "jrunc,runc");
        List<String> out = new ArrayList<>();
        for (String r : prop.split(",")) if (!r.isBlank() && binaryOf(r.trim()) != null) out.add(r.trim());
        return out;
    }

    static String binaryOf(String name) {
        if (name.equals("jrunc")) {
            Path p = Path.of(System.getProperty("jrunc.home", "."), "bin", "jrunc").toAbsolutePath();
            return Files.isExecutable(p) ? p.toString() : null;
        }
        if (name.contains("/")) return Files.isExecutable(Path.of(name)) ? name : null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    record Result(int code, String out, String err) {
        @Override public String toString() { return "exit " + code + "\nstdout: " + out + "\nstderr: " + err; }
    }

    /** Runs `<binary> --root <root> args...`, capturing output through files, with a 60 s timeout. */
    Result run(String... args) {
        return run(null, args);
    }

    /** With extra environment variables (e.g. JRUNC_NO_FRONT=1 to force jrunc's JVM path). */
    Result runEnv(java.util.Map<String, String> env, String... args) {
        return run(null, env, args);
    }

    Result run(Path cwd, String... args) {
        return run(cwd, java.util.Map.of(), args);
    }

    Result run(Path cwd, java.util.Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary, "--root", root.toString()));
        cmd.addAll(Arrays.asList(args));
        try {
            Path out = Files.createTempFile("rt-out", ".txt"), err = Files.createTempFile("rt-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                if (cwd != null) pb.directory(cwd.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError(name + " " + String.join(" ", args) + ": timed out after 60 s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Result ok(String... args) {
        Result r = run(args);
        if (r.code != 0) throw new AssertionError(name + " " + String.join(" ", args) + " failed: " + r);
        return r;
    }
}
