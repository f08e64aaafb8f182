package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The resident planner (docs/planner.md) through the real front, bin/jrunc: the same answers with the planner on
 * and off (exit codes, stdout, stderr, files, byte for byte but for times, pids and ids), its lifecycle as the
 * front drives it (started by a first call, one per root, idle exit, off switch), a planner SIGKILLed in the
 * middle of create, exec and delete -f calls, and foreground runs in parallel through one planner.
 *
 * <p>"On" calls carry JRUNC_FRONT_ONLY=1: a call the planner does not serve then exits {@value #FRONT_ONLY_EXIT}
 * instead of falling back to a JVM of its own, so a silent fallback fails. "Off" calls carry JRUNC_PLANNER=0.
 *
 * <p>One temp directory for the class: the root {@code root} (the planner this class starts for it is a child of
 * the test JVM), bundles sharing one busybox rootfs, and the other roots the lifecycle test starts planners for
 * through the front. Everything is force-deleted and every planner of these roots killed (by pid) at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlannerFrontTest {
    static final int FRONT_ONLY_EXIT = FrontTest.FRONT_ONLY_EXIT;
    static final Map<String, String> ON = Map.of("JRUNC_FRONT_ONLY", "1");
    static final Map<String, String> OFF = Map.of("JRUNC_PLANNER", "0");
    /** The caller's environment variables this class sets itself (one inherited from the build would change the test). */
    static final List<String> OURS = List.of("JRUNC_PLANNER", "JRUNC_FRONT_ONLY", "JRUNC_NO_FRONT", "JRUNC_PLANNER_IDLE_MS",
            "JRUNC_JAVA", "JAVA_TOOL_OPTIONS");
    static final long CALL_TIMEOUT_S = 30;

    String jrunc;
    Path tmp, root, rootfs;
    /** The planner of {@link #root} this class started (bin/jrunc __planner), or null. */
    Process planner;
    final List<Path> roots = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    final String tag = "pf" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "real containers need root");
        jrunc = Rt.binaryOf("jrunc");
        assertNotNull(jrunc, "bin/jrunc is not built");
        tmp = Files.createTempDirectory("jrunc-planner-front");
        root = Files.createDirectories(tmp.resolve("root"));
        roots.add(root);
        rootfs = new TestBundle(Files.createDirectories(tmp.resolve("rootfs-bundle"))).dir.resolve("rootfs");
    }

    @AfterEach
    void nothingLeftByThisTest() throws Exception {
        if (tmp == null) return;
        List<String> problems = new ArrayList<>();
        for (String id : ids)
            for (Path r : roots)
                if (Files.exists(r.resolve(id))) { // a test that failed half-way: clean up, and say so
                    problems.add("left in " + r + ": " + id);
                    call(tmp, OFF, "--root", r.toString(), "delete", "-f", id);
                }
        for (String id : ids) problems.addAll(leftovers(root, id));
        ids.clear();
        assertEquals(List.of(), problems);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (tmp == null) return;
        List<String> problems = new ArrayList<>();
        for (Path r : roots) {
            if (!Files.isDirectory(r)) continue;
            try (Stream<Path> s = Files.list(r)) {
                for (Path c : s.toList())
                    if (!ConformanceBase.cache(c)) {
                        problems.add("left in " + r + ": " + c.getFileName());
                        call(tmp, OFF, "--root", r.toString(), "delete", "-f", c.getFileName().toString());
                    }
            }
        }
        try (Stream<Path> w = Files.walk(tmp)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (planner != null) planner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (Path r : roots) {
            Planners.kill(r, 300);
            if (!Planners.of(r).isEmpty()) problems.add("a planner of " + r + " still runs: " + Planners.of(r));
        }
        assertFalse(Files.exists(tmp), "could not remove " + tmp);
        assertEquals(List.of(), problems);
    }

    // ---- calls ----

    record Res(int code, String out, String err) {
        @Override public String toString() { return "exit " + code + "\n  stdout: " + out + "\n  stderr: " + err; }
    }

    /** A call's process, its output going to files (a container inherits them; a pipe would stay open). */
    final class Call {
        final Process p;
        final Path out, err;
        final List<String> argv;

        Call(Path cwd, Map<String, String> env, List<String> fds, List<String> args) throws IOException {
            this(cwd, env, fds, args, Path.of("/dev/null"));
        }

        Call(Path cwd, Map<String, String> env, List<String> fds, List<String> args, Path stdin) throws IOException {
            this(cwd, env, fds, args, stdin, null);
        }

        /** shell: commands a shell runs in the caller's process before it execs bin/jrunc (ulimit, ...), or null. */
        Call(Path cwd, Map<String, String> env, List<String> fds, List<String> args, Path stdin, String shell) throws IOException {
            out = Files.createTempFile(tmp, "out", ".txt");
            err = Files.createTempFile(tmp, "err", ".txt");
            argv = new ArrayList<>();
            if (shell != null) {
                argv.addAll(List.of("/bin/sh", "-c", shell + "; exec \"$@\"", "sh"));
            } else if (stdin == null) {
                argv.addAll(List.of("/bin/sh", "-c", "exec 0<&-; exec \"$@\"", "sh"));
            } else if (!fds.isEmpty()) {
                // the shell opens fds 3.. for the runtime (ProcessBuilder passes stdio only)
                StringBuilder script = new StringBuilder();
                for (int i = 0; i < fds.size(); i++) script.append("exec ").append(3 + i).append("<\"$").append(i + 1).append("\"; ");
                script.append("shift ").append(fds.size()).append("; exec \"$@\"");
                argv.addAll(List.of("/bin/sh", "-c", script.toString(), "sh"));
                argv.addAll(fds);
            }
            argv.add(jrunc);
            argv.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(stdin == null ? new File("/dev/null") : stdin.toFile()));
            for (String k : OURS) pb.environment().remove(k);
            pb.environment().putAll(env);
            p = pb.start();
        }

        Res await() throws Exception {
            try {
                if (!p.waitFor(CALL_TIMEOUT_S, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    fail("timed out after " + CALL_TIMEOUT_S + " s: " + String.join(" ", argv));
                }
                return new Res(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    Res call(Path cwd, Map<String, String> env, String... args) throws Exception {
        return new Call(cwd, env, List.of(), List.of(args)).await();
    }

    Call start(Map<String, String> env, String... args) throws IOException {
        return new Call(tmp, env, List.of(), withRoot(args));
    }

    List<String> withRoot(String... args) {
        List<String> a = new ArrayList<>(List.of("--root", root.toString()));
        a.addAll(List.of(args));
        return a;
    }

    /** `jrunc --root <root> args` from tmp. */
    Res j(Map<String, String> env, String... args) throws Exception {
        return new Call(tmp, env, List.of(), withRoot(args)).await();
    }

    Res ok(Map<String, String> env, String... args) throws Exception {
        Res r = j(env, args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r);
        return r;
    }

    String newId(String what) {
        String id = tag + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 4);
        ids.add(id);
        return id;
    }

    TestBundle bundle(String name) throws IOException {
        return new TestBundle(Files.createDirectories(tmp.resolve(name)), rootfs);
    }

    JsonNode state(Path r, String id) throws Exception {
        Res s = call(tmp, OFF, "--root", r.toString(), "state", id);
        assertEquals(0, s.code(), "state " + id + ": " + s);
        return TestBundle.parse(s.out());
    }

    void waitForStatus(String id, String want) throws Exception {
        String last = null;
        for (int i = 0; i < 200; i++) {
            last = state(root, id).get("status").asText();
            if (last.equals(want)) return;
            Thread.sleep(25);
        }
        fail(id + " stayed " + last + ", wanted " + want);
    }

    // ---- the planner of root ----

    Path socket(Path r) { return r.resolve("@planner/sock"); }

    static boolean answers(Path sock) {
        if (!Files.exists(sock)) return false;
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(sock));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A planner of root runs and answers: this class's own (`bin/jrunc --root R __planner`, a child of the test JVM),
     * or one the front started (a call that found no planner).
     */
    void plannerUp() throws Exception {
        if (Planners.of(root).size() == 1 && answers(socket(root))) return;
        if (planner == null || !planner.isAlive()) {
            planner = new ProcessBuilder(jrunc, "--root", root.toString(), "__planner", "--idle-ms", "120000")
                    .directory(new File("/")).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("planner.err").toFile()).start();
        }
        for (int i = 0; i < 1000; i++) {
            if (Planners.of(root).size() == 1 && answers(socket(root))) return;
            Thread.sleep(10);
        }
        fail("no planner came up for " + root + " (ours alive " + planner.isAlive() + ", planners " + Planners.of(root) + "): "
                + readOr(tmp.resolve("planner.err")));
    }

    /** The planner of root, found by its command line: exactly one. */
    long plannerPid() {
        List<Long> ps = Planners.of(root);
        assertEquals(1, ps.size(), "planners of " + root + ": " + ps);
        return ps.get(0);
    }

    static String readOr(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    // ---- what a container may leave ----

    /** State dir, cgroups, processes and host mounts of a container id (after a delete -f that should have removed it). */
    List<String> leftovers(Path r, String id) throws Exception {
        List<String> out = new ArrayList<>();
        if (Files.exists(r.resolve(id))) out.add("state dir " + r.resolve(id));
        for (int i = 0; i < 100; i++) { // a SIGKILLed init takes a moment to be reaped and its cgroup to empty
            if (processesOf(id).isEmpty()) break;
            Thread.sleep(20);
        }
        for (long pid : processesOf(id)) out.add("process " + pid + " " + Planners.cmdline(pid) + " of " + id);
        for (Path cg : ConformanceBase.leftoverCgroups(id)) out.add("cgroup " + cg);
        for (String m : Files.readAllLines(Path.of("/proc/self/mountinfo")))
            if (m.contains(id) || m.contains(tmp.toString())) out.add("mount " + m);
        return out;
    }

    /** Live processes in a cgroup named id (any hierarchy). */
    static List<Long> processesOf(String id) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                String cg;
                try {
                    cg = Files.readString(p.resolve("cgroup"));
                } catch (IOException e) {
                    continue;
                }
                for (String l : cg.split("\n"))
                    if ((l.endsWith("/" + id) || l.contains("/" + id + "/")) && Planners.alive(Long.parseLong(name))) {
                        out.add(Long.parseLong(name));
                        break;
                    }
            }
        }
        return out;
    }

    void gone(Path r, String id) throws Exception {
        assertEquals(List.of(), leftovers(r, id), id);
    }

    // =================================================================================================
    // 2. the same behaviour with the planner on and off
    // =================================================================================================

    /** The recorded outputs of one pass of the matrix, by step. */
    final class Pass {
        final String mode, id;
        final Map<String, String> env;
        final Map<String, String> steps = new LinkedHashMap<>();
        final Map<String, Res> raw = new LinkedHashMap<>();

        Pass(String mode) {
            this.mode = mode;
            this.env = mode.equals("on") ? ON : OFF;
            this.id = newId("m" + mode);
        }

        String mask(String s) {
            return s.replace(id, "<ID>").replaceAll("time=\"[^\"]*\"", "time=\"<T>\"")
                    .replaceAll("\"time\":\"[^\"]*\"", "\"time\":\"<T>\"").replaceAll("\"pid\": ?\\d+", "\"pid\":<PID>")
                    .replaceAll("\"created\": ?\"[^\"]*\"", "\"created\":\"<T>\"").replace("-" + mode + ".", "-<MODE>.");
        }

        Res record(String step, Res r) {
            raw.put(step, r);
            steps.put(step, "exit " + r.code() + "\nstdout: " + mask(r.out()) + "\nstderr: " + mask(r.err()));
            return r;
        }

        /**
         * The environment of a call: the planner must serve the commands it serves (JRUNC_FRONT_ONLY=1 when on);
         * the others (state) are the front's or the JVM's either way.
         */
        Map<String, String> env(String... args) {
            return mode.equals("on") && !SERVED.contains(commandWord(args)) ? Map.of() : env;
        }

        /** A call from cwd with this pass's environment (args complete: no --root added). */
        Res at(String step, Path cwd, String... args) throws Exception {
            return record(step, call(cwd, env(args), args));
        }

        Res at(String step, String... args) throws Exception { return record(step, j(env(args), args)); }

        /**
         * A call the planner declines (runtime hooks: Served.runtimeHooks) with the planner on but no
         * JRUNC_FRONT_ONLY: the direct JVM answers it, and must answer as with the planner off.
         */
        Res declined(String step, Path cwd, String... args) throws Exception {
            return record(step, call(cwd, mode.equals("on") ? Map.of() : env, args));
        }

        Res fds(String step, List<String> files, String... args) throws Exception {
            return record(step, new Call(tmp, env(args), files, withRoot(args)).await());
        }

        Res stdin(String step, Path in, String... args) throws Exception {
            return record(step, new Call(tmp, env(args), List.of(), withRoot(args), in).await());
        }

        void note(String step, String value) { steps.put(step, mask(value)); }
    }

    /** What the front sends to the planner (client.c SERVED). */
    static final List<String> SERVED = List.of("create", "run", "exec", "start", "delete", "kill", "pause", "resume");

    /** The command of a jrunc command line: the first word after the global flags (and their values). */
    static String commandWord(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-")) return args[i];
            if (List.of("--root", "--log", "--log-format").contains(args[i])) i++;
        }
        return "";
    }

    TestBundle sleeper, exit7, bad, hooks, fds, cat, tty, stdin0, rlimit;
    Path hookCwd;

    void matrixBundles() throws Exception {
        if (sleeper != null) return;
        sleeper = bundle("b-sleep").args("sleep", "1000");
        sleeper.write();
        exit7 = bundle("b-exit7").sh("echo hi; echo to-stderr >&2; exit 7");
        exit7.write();
        bad = bundle("b-bad");
        bad.process().put("args", "not-an-array");
        bad.write();
        hooks = bundle("b-hooks").args("true");
        ObjectNode h = hooks.config.putObject("hooks");
        h.putArray("createRuntime").addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                .add("cat >/dev/null; echo \"createRuntime in $(pwd)\"");
        h.putArray("prestart").addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                .add("cat >/dev/null; { echo \"fds=$(ls /proc/self/fd | tr '\\n' ' ')\"; echo umask=$(umask); id; env | sort; } >"
                        + tmp.resolve("prestart.txt"));
        h.putArray("poststart").addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                .add("cat >/dev/null; echo \"poststart in $(pwd)\"");
        hooks.write();
        fds = bundle("b-fds").sh("cat <&3; cat <&4; echo fds=$(ls /proc/self/fd | tr '\\n' ' ')");
        fds.write();
        cat = bundle("b-cat").args("cat");
        cat.write();
        rlimit = bundle("b-rlimit").args("true");
        rlimit.process().putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1L << 40).put("soft", 1L << 40);
        rlimit.write();
        Files.writeString(tmp.resolve("process-rlimit.json"), "{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, "
                + "\"gid\": 0}, \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1099511627776, \"soft\": 1099511627776}]}");
        tty = bundle("b-tty").args("true");
        tty.process().put("terminal", true);
        tty.write();
        stdin0 = bundle("b-stdin0").sh("if [ -e /proc/self/fd/0 ]; then echo \"stdin $(readlink /proc/self/fd/0)\"; else echo no stdin; fi");
        stdin0.write();

        Files.writeString(tmp.resolve("process.json"), "{\"args\": [\"sh\", \"-c\", \"echo from process.json; exit 3\"], "
                + "\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}}");
        Files.writeString(tmp.resolve("fd3.txt"), "three\n");
        Files.writeString(tmp.resolve("fd4.txt"), "four\n");
        hookCwd = Files.createDirectories(tmp.resolve("hook-cwd"));
    }

    void matrix(Pass p) throws Exception {
        String id = p.id, r = root.toString(), sl = sleeper.dir.toString();
        List<String> two = List.of(tmp.resolve("fd3.txt").toString(), tmp.resolve("fd4.txt").toString());
        // create, state, a duplicate, start, exec in every way, pause/resume, the errors of a running container
        p.at("create", "create", "-b", sl, id);
        p.at("state created", "state", id);
        // the container's cgroups, seen from the host: a relative (here: no) cgroupsPath is under the caller's own
        p.note("cgroups of the init", Files.readString(Path.of("/proc/" + state(root, id).get("pid").asLong() + "/cgroup")));
        p.note("state dir after create", stateDir(root.resolve(id)));
        p.at("create duplicate id", "create", "-b", sl, id);
        p.at("exec into created", "exec", id, "sh", "-c", "echo created");
        p.at("start", "start", id);
        p.at("state running", "state", id);
        p.at("exec 0", "exec", id, "sh", "-c", "echo out; echo err >&2");
        p.at("exec 7", "exec", id, "sh", "-c", "echo seven; exit 7");
        p.at("exec missing binary", "exec", id, "/no/such/binary");
        p.at("exec --env --cwd --user", "exec", "--env", "FOO=bar", "--cwd", "/tmp", "--user", "1000:1000", id, "sh", "-c",
                "echo $FOO; pwd; id");
        p.fds("exec --preserve-fds 2", two, "exec", "--preserve-fds", "2", id, "sh", "-c", "cat <&3; cat <&4");
        Res d = p.at("exec -d --pid-file (relative)", "exec", "-d", "--pid-file", "exec-" + p.mode + ".pid", id, "sleep", "1000");
        if (d.code() == 0) p.note("exec -d pid file", pidFile(tmp.resolve("exec-" + p.mode + ".pid"), id));
        p.at("pause", "pause", id);
        p.at("state paused", "state", id);
        p.at("exec into paused", "exec", id, "true");
        p.at("resume", "resume", id);
        p.at("delete running", "delete", id);
        p.at("kill KILL", "kill", id, "KILL");
        waitForStatus(id, "stopped");
        p.at("state stopped", "state", id);
        p.at("exec into stopped", "exec", id, "true");
        p.at("kill stopped", "kill", id, "KILL");
        p.at("delete stopped", "delete", id);
        p.at("state deleted", "state", id);
        // delete -f of a running container, run -d
        p.at("run -d", "run", "-d", "-b", sl, id + "-d");
        p.at("delete running (run -d)", "delete", id + "-d");
        p.at("delete -f running", "delete", "-f", id + "-d");
        p.at("state after delete -f", "state", id + "-d");
        // foreground run: the container's exit code and output; nothing left
        p.at("run foreground", "run", "-b", exit7.dir.toString(), id + "-r");
        p.at("state after run", "state", id + "-r");
        // errors: an invalid config, no bundle
        p.at("create invalid config", "create", "-b", bad.dir.toString(), id + "-bad");
        p.at("create missing bundle", "create", "-b", tmp.resolve("no-such-bundle").toString(), id + "-nb");
        // jrunc-init fails after the container's pid: an rlimit above the caller's hard limit (no CAP_SYS_RESOURCE
        // here; with it the limit is simply set)
        p.at("create: rlimit beyond the caller's", "create", "-b", rlimit.dir.toString(), id + "-rl");
        p.at("run: rlimit beyond the caller's", "run", "-b", rlimit.dir.toString(), id + "-rl");
        p.at("run invalid config", "run", "-b", bad.dir.toString(), id + "-bad");
        // --log FILE --log-format json: the lines go to the file
        Path log = tmp.resolve("log-" + p.mode + ".json");
        p.at("log: create missing bundle", "--log", log.toString(), "--log-format", "json", "create", "-b",
                tmp.resolve("no-such-bundle").toString(), id + "-log");
        p.at("log: run invalid config", "--log", log.toString(), "--log-format", "json", "run", "-b", bad.dir.toString(), id + "-log");
        p.at("log: exec into missing container", "--log", log.toString(), "--log-format", "json", "exec", id + "-log", "true");
        p.at("log: run", "--log", log.toString(), "--log-format", "json", "run", "-b", exit7.dir.toString(), id + "-log");
        p.note("log file", Files.exists(log) ? Files.readString(log) : "(no file)");
        // relative --root, --bundle, --pid-file: against the caller's cwd (tmp)
        String rel = id + "-rel";
        p.at("relative --root --bundle --pid-file: create", tmp, "--root", "root", "create", "--bundle", "b-sleep",
                "--pid-file", "create-" + p.mode + ".pid", rel);
        p.note("relative pid file", pidFile(tmp.resolve("create-" + p.mode + ".pid"), rel));
        JsonNode st = state(root, rel);
        p.note("relative: state's bundle and rootfs", st.get("bundle").asText() + " " + st.path("rootfs").asText());
        p.at("relative --root: start", tmp, "--root", "root", "start", rel);
        p.at("relative --root: exec", tmp, "--root", "root", "exec", rel, "sh", "-c", "echo rel");
        p.at("relative --root: delete -f", tmp, "--root", "root", "delete", "-f", rel);
        p.at("relative --root: run", tmp, "--root", "root", "run", "-b", "b-exit7", rel + "2");
        Path relLog = tmp.resolve("rel-log-" + p.mode + ".txt");
        p.at("relative --log: create missing bundle", tmp, "--root", "root", "--log", relLog.getFileName().toString(), "create",
                "-b", "no-such-bundle", rel + "3");
        p.note("relative --log file", Files.exists(relLog) ? Files.readString(relLog) : "(no file)");
        p.at("relative --console-socket (none there)", tmp, "--root", "root", "create", "-b", "b-tty", "--console-socket",
                "no-such.sock", rel + "4");
        // hooks: their stdout reaches the caller's, they run in the caller's cwd
        p.declined("hooks: run", hookCwd, "--root", r, "run", "-b", hooks.dir.toString(), id + "-h");
        Path pre = tmp.resolve("prestart.txt");
        p.note("hooks: prestart's fds, umask, ids, environment", Files.exists(pre) ? Files.readString(pre) : "(no file)");
        Files.deleteIfExists(pre);
        p.declined("hooks: create", hookCwd, "--root", r, "create", "-b", hooks.dir.toString(), id + "-h2");
        p.declined("hooks: start", hookCwd, "--root", r, "start", id + "-h2");
        p.declined("hooks: delete", hookCwd, "--root", r, "delete", "-f", id + "-h2");
        // stdin reaches the container
        Path in = Files.writeString(tmp.resolve("stdin.txt"), "from the caller's stdin\n");
        p.stdin("run: stdin", in, "run", "-b", cat.dir.toString(), id + "-in");
        // no stdin at all (fd 0 closed)
        p.record("run: stdin closed", new Call(tmp, p.env("run"), List.of(), withRoot("run", "-b", stdin0.dir.toString(),
                id + "-in0"), null).await());
        // more errors and exit codes
        // a foreground run whose container is SIGKILLed: 128 + 9
        Call fg = new Call(tmp, p.env("run"), List.of(), withRoot("run", "-b", sl, id + "-kill"));
        for (int i = 0; i < 400 && !Files.exists(root.resolve(id + "-kill")); i++) Thread.sleep(10);
        waitForStatus(id + "-kill", "running");
        p.at("kill a foreground run's container", "kill", id + "-kill", "KILL");
        p.record("run killed by a signal", fg.await());
        p.at("run -d: for the errors", "run", "-d", "-b", sl, id + "-e");
        p.at("exec killed by a signal", "exec", id + "-e", "sh", "-c", "kill -9 $$");
        p.at("exec without a command", "exec", id + "-e");
        p.at("exec unknown flag", "exec", "--bogus", id + "-e", "true");
        p.at("exec --process (relative)", "exec", "--process", "process.json", id + "-e");
        p.at("exec: rlimit beyond the caller's", "exec", "--process", "process-rlimit.json", id + "-e");
        p.at("kill unknown signal", "kill", id + "-e", "BOGUS");
        p.at("kill KILL by number", "kill", id + "-e", "9");
        waitForStatus(id + "-e", "stopped");
        p.at("resume not paused", "resume", id + "-e");
        p.at("pause stopped", "pause", id + "-e");
        p.at("start stopped", "start", id + "-e");
        p.at("delete -f stopped", "delete", "-f", id + "-e");
        p.at("start missing", "start", id + "-e");
        p.at("kill missing", "kill", id + "-e");
        p.at("pause missing", "pause", id + "-e");
        p.at("resume missing", "resume", id + "-e");
        p.at("delete missing", "delete", id + "-e");
        p.at("delete -f missing", "delete", "-f", id + "-e");
        p.at("create unknown flag", "create", "--bogus", "-b", sl, id + "-e");
        p.at("create without an id", "create", "-b", sl);
        p.at("create --no-pivot --no-new-keyring, delete -f", "create", "--no-pivot", "--no-new-keyring", "-b", sl, id + "-e");
        p.at("delete -f created", "delete", "-f", id + "-e");
        p.at("--systemd-cgroup create", "--systemd-cgroup", "create", "-b", sl, id + "-sd");
        p.at("run --keep", "run", "--keep", "-b", exit7.dir.toString(), id + "-k");
        p.at("state after run --keep", "state", id + "-k");
        p.at("delete after run --keep", "delete", id + "-k");
        // --preserve-fds 2: the container sees fds 3 and 4
        p.fds("run --preserve-fds 2", two, "run", "--preserve-fds", "2", "-b", fds.dir.toString(), id + "-fds");
        for (String c : List.of(id, id + "-d", id + "-r", id + "-bad", id + "-nb", id + "-log", rel, rel + "2", id + "-h",
                id + "-h2", id + "-fds", id + "-in", id + "-e", id + "-sd", id + "-k", id + "-in0", id + "-kill", rel + "3", rel + "4", id + "-rl"))
            p.note("left: " + c.replace(id, "<ID>"), String.join("\n", leftovers(root, c)));
    }

    /** A container's state directory: every entry's name, type, mode and (regular files) content, pids and times masked. */
    static String stateDir(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path f : entries) {
            String type = Files.isSymbolicLink(f) ? "link" : Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "file"
                    : Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "dir" : "other";
            sb.append("-- ").append(f.getFileName()).append(' ').append(type).append(' ')
                    .append(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS))).append('\n');
            if (type.equals("file"))
                sb.append(Files.readString(f).replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "<T>")
                        .replaceAll("\"(pid|initStartTime)\": ?\\d+", "\"$1\":<N>").replaceAll("(?m)^(pid|starttime) \\d+$", "$1 <N>"))
                        .append('\n');
        }
        return sb.toString();
    }

    /** A pid file: one number, a live process in the container's cgroup (the pid itself masked). */
    String pidFile(Path f, String id) throws Exception {
        if (!Files.exists(f)) return "(no pid file " + f.getFileName() + ")";
        String s = Files.readString(f);
        if (!s.matches("\\d+")) return "not a pid: " + s;
        long pid = Long.parseLong(s);
        return "pid file: a number, alive " + Planners.alive(pid) + ", in the container's cgroup "
                + processesOf(id).contains(pid);
    }

    @Test
    void sameAnswersWithThePlannerOnAndOff() throws Exception {
        matrixBundles();
        plannerUp();
        long pid = plannerPid();
        Pass on = new Pass("on");
        matrix(on);
        assertEquals(pid, plannerPid(), "the planner that served the calls is the one started before them");
        Pass off = new Pass("off");
        matrix(off);
        List<String> diffs = new ArrayList<>();
        for (var e : on.raw.entrySet())
            if (e.getValue().code() == FRONT_ONLY_EXIT) diffs.add("== " + e.getKey() + ": not served by the planner: " + e.getValue());
        for (String step : off.steps.keySet()) {
            String a = on.steps.get(step), b = off.steps.get(step);
            if (!b.equals(a)) diffs.add("== " + step + "\n-- planner on:\n" + a + "\n-- planner off:\n" + b);
        }
        assertEquals(off.steps.keySet(), on.steps.keySet());
        StringBuilder shown = new StringBuilder("planner on, " + on.steps.size() + " steps (masked):\n");
        on.steps.forEach((k, v) -> shown.append("== ").append(k).append('\n').append(v).append('\n'));
        System.out.println(shown);
        assertEquals("", String.join("\n\n", diffs), diffs.size() + " differences between the planner on and off");
        // and what both said is right
        for (Pass p : List.of(on, off)) {
            Map<String, Res> r = p.raw;
            String m = p.mode + ": ";
            assertEquals(new Res(7, "hi\n", "to-stderr\n"), r.get("run foreground"), m + "run");
            assertEquals(0, r.get("exec 0").code(), m);
            assertEquals("out\n", r.get("exec 0").out(), m);
            assertEquals("err\n", r.get("exec 0").err(), m);
            assertEquals(7, r.get("exec 7").code(), m);
            assertEquals(255, r.get("exec missing binary").code(), m);
            assertEquals("bar\n/tmp\nuid=1000 gid=1000\n", r.get("exec --env --cwd --user").out(), m);
            assertEquals("three\nfour\n", r.get("exec --preserve-fds 2").out(), m);
            assertEquals("three\nfour\nfds=0 1 2 3 4 5\n", r.get("run --preserve-fds 2").out(), m + "fds 3, 4 and ls's own");
            assertNotEquals(0, r.get("create duplicate id").code(), m);
            assertNotEquals(0, r.get("delete running").code(), m);
            assertEquals(0, r.get("delete -f running").code(), m);
            assertEquals(255, r.get("exec into stopped").code(), m);
            assertTrue(r.get("create invalid config").err().contains("/process/args"), m + r.get("create invalid config"));
            assertEquals(1, r.get("create missing bundle").code(), m);
            assertEquals("createRuntime in " + hookCwd + "\npoststart in " + hookCwd + "\n", r.get("hooks: run").out(), m);
            assertEquals("createRuntime in " + hookCwd + "\n", r.get("hooks: create").out(), m);
            assertEquals("poststart in " + hookCwd + "\n", r.get("hooks: start").out(), m);
            assertEquals(7, r.get("relative --root: run").code(), m);
            assertEquals("from the caller's stdin\n", r.get("run: stdin").out(), m);
            assertEquals(new Res(3, "from process.json\n", ""), r.get("exec --process (relative)"), m);
            assertEquals(137, r.get("exec killed by a signal").code(), m);
            assertEquals(137, r.get("run killed by a signal").code(), m);
            assertTrue(p.steps.get("relative --log file").contains("level=error"), m + p.steps.get("relative --log file"));
            assertEquals("pid file: a number, alive true, in the container's cgroup true", p.steps.get("relative pid file"), m);
            assertEquals("pid file: a number, alive true, in the container's cgroup true", p.steps.get("exec -d pid file"), m);
            assertEquals(sleeper.dir + " " + rootfs, p.steps.get("relative: state's bundle and rootfs"), m);
            String logFile = p.steps.get("log file");
            assertTrue(logFile.contains("\"level\":\"error\""), m + logFile);
            // the error line goes to the log file; stderr gets the bare message (as runc's)
            assertTrue(r.get("log: create missing bundle").err().startsWith("bundle directory "), m + r.get("log: create missing bundle"));
            assertFalse(r.get("log: create missing bundle").err().contains("level"), m + r.get("log: create missing bundle"));
            for (var e : p.steps.entrySet())
                if (e.getKey().startsWith("left: ")) assertEquals("", e.getValue(), m + e.getKey());
        }
    }

    // =================================================================================================
    // 3. the lifecycle the front drives
    // =================================================================================================

    Path newRoot(String name) throws IOException {
        Path r = Files.createDirectories(tmp.resolve("root-" + name));
        roots.add(r);
        return r;
    }

    Res in(Path r, Map<String, String> env, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--root", r.toString()));
        a.addAll(List.of(args));
        return new Call(tmp, env, List.of(), a).await();
    }

    /** Waits up to ms for the planners of r to number n; returns them. */
    static List<Long> awaitPlanners(Path r, int n, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        List<Long> ps = Planners.of(r);
        while (ps.size() != n && System.nanoTime() < end) {
            Thread.sleep(10);
            ps = Planners.of(r);
        }
        return ps;
    }

    static boolean awaitSocket(Path sock, boolean up, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (answers(sock) != up && System.nanoTime() < end) Thread.sleep(10);
        return answers(sock) == up;
    }

    @Test
    void theFrontStartsOnePlannerPerRootAndItExitsWhenIdle() throws Exception {
        matrixBundles();
        String sl = sleeper.dir.toString(), e7 = exit7.dir.toString();
        // JRUNC_PLANNER=0: no planner (looked at last, seconds later)
        Path off = newRoot("off");
        String idOff = newId("off");
        assertEquals(0, in(off, OFF, "create", "-b", sl, idOff).code());
        assertEquals(7, in(off, OFF, "run", "-b", e7, idOff + "-r").code());
        long offAt = System.nanoTime();

        // the first create: the direct JVM answers it (there is no planner), and leaves a planner for the root
        Path first = newRoot("first");
        assertFalse(Files.exists(socket(first)));
        assertEquals(List.of(), Planners.of(first));
        String id1 = newId("first");
        Res c1 = in(first, Map.of(), "create", "-b", sl, id1);
        assertEquals(new Res(0, "", ""), c1);
        List<Long> ps = awaitPlanners(first, 1, 3000);
        assertEquals(1, ps.size(), "one planner for " + first + " within 3 s of the first create: " + ps);
        assertTrue(Planners.cmdline(ps.get(0)).containsAll(List.of("--root", first.toString(), "__planner")),
                Planners.cmdline(ps.get(0)).toString());
        assertTrue(awaitSocket(socket(first), true, 10_000), "its socket answers");
        // the next create is the planner's (JRUNC_FRONT_ONLY: no JVM of its own)
        String id2 = newId("second");
        assertEquals(new Res(0, "", ""), in(first, ON, "create", "-b", sl, id2));
        assertEquals(7, in(first, ON, "run", "-b", e7, id2 + "-r").code());
        assertEquals(new Res(0, "", ""), in(first, ON, "delete", "-f", id1));
        assertEquals(new Res(0, "", ""), in(first, ON, "delete", "-f", id2));
        assertEquals(ps, Planners.of(first), "the same planner served them");
        gone(first, id1);
        gone(first, id2);

        // JRUNC_PLANNER_IDLE_MS: the planner the front starts exits by itself when idle, its socket gone
        Path idle = newRoot("idle");
        Map<String, String> shortIdle = Map.of("JRUNC_PLANNER_IDLE_MS", "1500");
        String idI = newId("idle");
        assertEquals(7, in(idle, shortIdle, "run", "-b", e7, idI).code());
        List<Long> ips = awaitPlanners(idle, 1, 3000);
        assertEquals(1, ips.size(), "a planner for " + idle + ": " + ips);
        List<String> icmd = Planners.cmdline(ips.get(0));
        assertEquals("1500", icmd.get(icmd.indexOf("--idle-ms") + 1), icmd.toString());
        assertTrue(awaitSocket(socket(idle), true, 10_000), "its socket answers");
        long servedAt = System.nanoTime();
        assertEquals(7, in(idle, ON, "run", "-b", e7, idI + "-2").code(), "served by the idling planner");
        assertTrue(awaitPlanners(idle, 0, 10_000).isEmpty(), "the planner did not exit when idle: " + Planners.of(idle));
        long idleMs = (System.nanoTime() - servedAt) / 1_000_000;
        assertTrue(idleMs >= 1400, "exited " + idleMs + " ms after a call: not idle for 1500 ms");
        assertFalse(Files.exists(socket(idle)), "the socket is left behind");
        // and the next call goes the direct way (and starts a planner again, killed at teardown)
        assertEquals(FRONT_ONLY_EXIT, in(idle, ON, "run", "-b", e7, idI + "-3").code());

        // 10 parallel first calls on a fresh root: exactly one planner
        Path par = newRoot("parallel");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Res>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = newId("par" + i);
                fs.add(pool.submit(() -> in(par, Map.of(), "run", "-b", e7, id)));
            }
            for (Future<Res> f : fs) assertEquals(new Res(7, "hi\n", "to-stderr\n"), f.get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        int most = 0;
        List<Long> seen = new ArrayList<>();
        long until = System.nanoTime() + 3_000_000_000L; // the front starts its planner up to 2 s after its JVM
        while (System.nanoTime() < until) {
            List<Long> now = Planners.of(par);
            most = Math.max(most, now.size());
            for (long pid : now) if (!seen.contains(pid)) seen.add(pid);
            Thread.sleep(20);
        }
        assertEquals(1, most, "planners of " + par + " at once: " + seen);
        assertEquals(1, seen.size(), "planners of " + par + ": " + seen);
        assertTrue(awaitSocket(socket(par), true, 10_000));
        assertEquals(7, in(par, ON, "run", "-b", e7, newId("par-served")).code());
        // the global --no-planner: a running planner is not asked (JRUNC_FRONT_ONLY: nothing answers), and the JVM
        // accepts the flag
        List<String> noPlanner = new ArrayList<>(List.of("--root", par.toString(), "--no-planner", "run", "-b", e7));
        noPlanner.add(newId("no-planner"));
        assertEquals(FRONT_ONLY_EXIT, new Call(tmp, ON, List.of(), noPlanner).await().code());
        noPlanner.set(noPlanner.size() - 1, newId("no-planner"));
        assertEquals(new Res(7, "hi\n", "to-stderr\n"), new Call(tmp, Map.of(), List.of(), noPlanner).await());

        // --no-planner on a root without a planner: the JVM answers, and starts none
        assertEquals(7, in(off, Map.of(), "--no-planner", "run", "-b", e7, newId("no-planner-off")).code());
        // JRUNC_PLANNER=0 and --no-planner started none, seconds later
        while (System.nanoTime() - offAt < 3_000_000_000L) Thread.sleep(50);
        assertEquals(List.of(), Planners.of(off));
        assertFalse(Files.exists(off.resolve("@planner")));
        assertEquals(0, in(off, OFF, "delete", "-f", idOff).code());
        gone(off, idOff);
        for (String id : ids) for (Path r : List.of(first, idle, par)) gone(r, id);
    }

    // =================================================================================================
    // 4. the planner SIGKILLed in the middle of calls
    // =================================================================================================

    /**
     * Processes that run in this class's directory (cwd or root under tmp) other than the given ones, still there
     * after a second (the front's short-lived helpers may outlive a call by a few ms): strays.
     */
    List<String> strays(List<Long> allowed) throws Exception {
        List<String> out = strays1(allowed);
        for (int i = 0; i < 50 && !out.isEmpty(); i++) {
            Thread.sleep(20);
            out = strays1(allowed);
        }
        return out;
    }

    List<String> strays1(List<Long> allowed) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(name);
                if (allowed.contains(pid) || !Planners.alive(pid)) continue;
                for (String link : List.of("cwd", "root")) {
                    try {
                        if (Files.readSymbolicLink(p.resolve(link)).toString().startsWith(tmp.toString())) {
                            String st = readOr(p.resolve("stat"));
                            out.add(pid + " " + link + " " + Planners.cmdline(pid) + " stat "
                                    + st.substring(st.lastIndexOf(')') + 2).split(" ", 5)[0] + " ppid "
                                    + st.substring(st.lastIndexOf(')') + 2).split(" ", 5)[1]);
                            break;
                        }
                    } catch (IOException e) {
                        // gone, or a kernel thread
                    }
                }
            }
        }
        return out;
    }

    /** Kills the planner of root (found by its command line) 0-40 ms into a call; how the call ended. */
    record Killed(String kind, Res res, int delayMs) {}

    Killed killDuring(String kind, String id, String... args) throws Exception {
        plannerUp();
        long pid = plannerPid();
        int delay = ThreadLocalRandom.current().nextInt(41);
        Call c = start(Map.of(), args);
        Thread.sleep(delay);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Res r = c.await(); // fails on a hang
        for (int i = 0; i < 200 && Planners.of(root).contains(pid); i++) Thread.sleep(5);
        assertFalse(Planners.of(root).contains(pid), "the planner survived SIGKILL");
        return new Killed(kind, r, delay);
    }

    /** ok: the call succeeded (it was done, or the kill came before the planner took it and the JVM did it). */
    static boolean midCall(Killed k, String cmd, int failCode, Res okRes) {
        if (k.res().equals(okRes)) return false;
        assertEquals(failCode, k.res().code(), cmd + " (kill after " + k.delayMs() + " ms): " + k.res());
        assertTrue(k.res().err().contains("the jrunc planner exited during " + cmd + " before it replied"),
                cmd + ": a clear message: " + k.res());
        assertEquals("", k.res().out(), cmd);
        return true;
    }

    @Test
    void aPlannerKilledMidCallLeavesNothingAfterDeleteForce() throws Exception {
        matrixBundles();
        String sl = sleeper.dir.toString();
        int rounds = 8;
        StringBuilder report = new StringBuilder();

        // create
        int landed = 0;
        for (int i = 0; i < rounds; i++) {
            String id = newId("kc" + i);
            Killed k = killDuring("create", id, "create", "-b", sl, id);
            if (midCall(k, "create", 1, new Res(0, "", ""))) landed++;
            Res d = in(root, OFF, "delete", "-f", id);
            assertEquals(new Res(0, "", ""), d, "delete -f after " + k);
            gone(root, id);
            assertEquals(List.of(), strays(List.of()), "after the create of round " + i + ": " + k);
        }
        report.append("create: ").append(landed).append(" of ").append(rounds).append(" kills landed mid-call\n");

        // exec into a running container: the container survives, the exec'd process does not linger
        String ct = newId("kexec");
        assertEquals(0, in(root, OFF, "run", "-d", "-b", sl, ct).code());
        long init = state(root, ct).get("pid").asLong();
        landed = 0;
        for (int i = 0; i < rounds; i++) {
            Killed k = killDuring("exec", ct, "exec", ct, "sh", "-c", "sleep 0.05; echo done");
            if (midCall(k, "exec", 255, new Res(0, "done\n", ""))) landed++;
            assertEquals("running", state(root, ct).get("status").asText(), "the container after " + k);
            assertTrue(Planners.alive(init), "its init after " + k);
            List<Long> procs = processesOf(ct);
            for (int w = 0; w < 200 && !procs.equals(List.of(init)); w++) {
                Thread.sleep(10);
                procs = processesOf(ct);
            }
            assertEquals(List.of(init), procs, "only the init is left in the container after " + k);
            assertEquals(List.of(), strays(List.of(init)), "after the exec of round " + i + ": " + k);
        }
        assertEquals(new Res(0, "still\n", ""), in(root, OFF, "exec", ct, "echo", "still"), "exec works after the kills");
        assertEquals(new Res(0, "", ""), in(root, OFF, "delete", "-f", ct));
        gone(root, ct);
        report.append("exec: ").append(landed).append(" of ").append(rounds).append(" kills landed mid-call\n");

        // delete -f of a running container
        landed = 0;
        for (int i = 0; i < rounds; i++) {
            String id = newId("kd" + i);
            plannerUp();
            assertEquals(new Res(0, "", ""), in(root, ON, "run", "-d", "-b", sl, id));
            Killed k = killDuring("delete", id, "delete", "-f", id);
            if (midCall(k, "delete", 1, new Res(0, "", ""))) landed++;
            assertEquals(new Res(0, "", ""), in(root, OFF, "delete", "-f", id), "delete -f after " + k);
            gone(root, id);
            assertEquals(List.of(), strays(List.of()), "after the delete of round " + i + ": " + k);
        }
        report.append("delete -f: ").append(landed).append(" of ").append(rounds).append(" kills landed mid-call\n");
        System.out.print("planner SIGKILLed 0-40 ms into calls through bin/jrunc:\n" + report);
    }

    // =================================================================================================
    // 5. foreground runs in parallel through one planner
    // =================================================================================================

    TestBundle bundleSleeping() throws Exception {
        matrixBundles();
        return sleeper;
    }

    @Test
    void twentyParallelRunsAndExecsThroughOnePlanner() throws Exception {
        int n = 20;
        List<TestBundle> bs = new ArrayList<>();
        List<String> cids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = newId("par" + i);
            TestBundle b = bundle("b-par-" + i).sh("echo $ID; exit " + (i + 1));
            b.process().withArray("env").add("ID=" + id);
            b.write();
            bs.add(b);
            cids.add(id);
        }
        plannerUp();
        long pid = plannerPid();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Res>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> j(ON, "run", "-b", bs.get(k).dir.toString(), cids.get(k))));
            }
            for (int i = 0; i < n; i++)
                assertEquals(new Res(i + 1, cids.get(i) + "\n", ""), fs.get(i).get(60, TimeUnit.SECONDS), "run " + i);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(pid), Planners.of(root), "one planner served them all");
        for (String id : cids) gone(root, id);
        // and 20 parallel execs into one container
        String ct = newId("par-exec");
        assertEquals(new Res(0, "", ""), j(ON, "run", "-d", "-b", bundleSleeping().dir.toString(), ct));
        pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Res>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> j(ON, "exec", ct, "sh", "-c", "echo exec " + k + "; exit " + (k + 1))));
            }
            for (int i = 0; i < n; i++)
                assertEquals(new Res(i + 1, "exec " + i + "\n", ""), fs.get(i).get(60, TimeUnit.SECONDS), "exec " + i);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(state(root, ct).get("pid").asLong()), processesOf(ct), "only the init is left in the container");
        assertEquals(new Res(0, "", ""), j(ON, "delete", "-f", ct));
        assertEquals(List.of(pid), Planners.of(root), "one planner served them all");
        gone(root, ct);
        assertEquals(List.of(), strays(List.of()));
    }

    // =================================================================================================
    // the runtime-namespace hooks' process attributes
    // =================================================================================================

    /**
     * A createRuntime hook runs in its caller's cgroups and with its caller's rlimits and nice value, as with the
     * direct JVM (and runc), whose hooks are the caller's grandchildren: run by the planner, hooks would be its
     * children with its attributes (its own cgroup, out of the caller's memory and pids limits; the rlimits and
     * nice value of whoever started it), so such calls are declined and go direct (this test found it).
     */
    @Test
    void hooksRunWithTheCallersCgroupsRlimitsAndNiceValue() throws Exception {
        TestBundle b = bundle("b-hook-attrs").args("true");
        b.config.putObject("hooks").putArray("createRuntime").addObject().put("path", "/bin/sh").putArray("args").add("sh")
                .add("-c").add("cat >/dev/null; echo nofile=$(ulimit -n) nice=$(cut -d' ' -f19 /proc/self/stat); "
                        + "grep -E ':(memory|pids):' /proc/self/cgroup");
        b.write();
        String shell = "ulimit -n 4000; renice -n 3 -p $$ >/dev/null";
        plannerUp();
        Map<String, String> out = new LinkedHashMap<>();
        for (String mode : List.of("on", "off")) {
            String id = newId("hk" + mode);
            // on: the planner running and enabled, but a call with runtime hooks goes direct (no JRUNC_FRONT_ONLY)
            Res r = new Call(tmp, mode.equals("on") ? Map.of() : OFF, List.of(), withRoot("run", "-b", b.dir.toString(), id),
                    Path.of("/dev/null"), shell).await();
            assertEquals(0, r.code(), mode + ": " + r);
            out.put(mode, r.out());
        }
        assertTrue(out.get("off").startsWith("nofile=4000 nice=3\n"), "the direct JVM's hook: " + out.get("off"));
        assertEquals(out.get("off"), out.get("on"), "a hook's cgroups, rlimits and nice value with the planner (on) and without");
    }
}
