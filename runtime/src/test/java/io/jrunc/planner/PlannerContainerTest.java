package io.jrunc.planner;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.sys.Home;
import io.jrunc.sys.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real containers through the planner, with this JVM playing the C front (TestFront: it spawns jrunc-init
 * with a socketpair and passes the parent end, so the container's init is this JVM's child): create + start
 * + wait + delete, a foreground run handed back as the waiter's command line, an exec; and the planner
 * SIGKILLed in the middle of a create, after which `delete --force` leaves no state directory, cgroup or
 * process. Root only; unique ids, a temporary --root, everything cleaned up.
 */
class PlannerContainerTest {
    @TempDir Path tmp;
    Linux sys;
    Server server;
    Thread serving;
    Path root;
    final List<Integer> open = new ArrayList<>();
    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Linux.get().geteuid() == 0, "real containers need root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static needed for the rootfs");
        sys = Linux.get();
        root = Files.createDirectories(tmp.resolve("root")); // `__planner` serves only a root that exists
        Path rootfs = Files.createDirectories(tmp.resolve("bundle/rootfs/bin"));
        for (String d : List.of("proc", "dev", "sys", "tmp")) Files.createDirectories(tmp.resolve("bundle/rootfs").resolve(d));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String a : List.of("sh", "true", "sleep", "echo", "cat")) Files.createSymbolicLink(rootfs.resolve(a), Path.of("busybox"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sys == null) return;
        if (server != null) server.shutdown();
        if (serving != null) serving.join(10_000);
        if (server != null) server.stop();
        for (String id : ids) direct("delete", "--force", id);
        for (int fd : open) sys.close(fd);
        removePlannerCgroup();
        for (String id : ids) assertEquals(List.of(), leftoverCgroups(id), "cgroups left by " + id);
    }

    /** The planners' cgroup, empty once the planners this test started are dead (busy: left as it is). */
    static void removePlannerCgroup() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : s.toList()) {
                try { Files.deleteIfExists(h.resolve(Server.CGROUP.substring(1))); } catch (IOException ignored) { }
            }
        }
        try { Files.deleteIfExists(Path.of("/sys/fs/cgroup").resolve(Server.CGROUP.substring(1))); } catch (IOException ignored) { }
    }

    String id(String what) {
        String id = "plnr-" + ProcessHandle.current().pid() + "-" + what;
        ids.add(id);
        return id;
    }

    /** config.json of the bundle: jrunc's default spec, no terminal, these args, optionally a createRuntime hook. */
    void config(List<String> args, String hookScript) throws IOException { config(args, hookScript, "createRuntime"); }

    /** As above with a hook of that kind (createContainer: run by the container's init, in its namespaces). */
    void config(List<String> args, String hookScript, String kind) throws IOException {
        String spec = new String(getClass().getResourceAsStream("/io/jrunc/cli/spec.json").readAllBytes());
        StringBuilder a = new StringBuilder("\"args\": [");
        for (int i = 0; i < args.size(); i++) a.append(i > 0 ? ", " : "").append('"').append(args.get(i).replace("\"", "\\\"")).append('"');
        a.append(']');
        spec = spec.replace("\"terminal\": true", "\"terminal\": false").replaceFirst("\"args\": \\[\\s*\"sh\"\\s*\\]", java.util.regex.Matcher.quoteReplacement(a.toString()));
        if (hookScript != null)
            spec = spec.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{\"hooks\": {\"" + kind + "\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \""
                    + hookScript.replace("\"", "\\\"") + "\"]}]},"));
        Files.writeString(tmp.resolve("bundle/config.json"), spec);
    }

    void inProcessServer() {
        server = new Server(sys, root, 60_000, 0, 0);
        assertTrue(server.start());
        Server s = server;
        serving = new Thread(s::serve, "test-planner");
        serving.start();
    }

    int[] stdio(String name) {
        int in = sys.open(Path.of("/dev/null"), Linux.O_RDONLY, 0);
        int out = sys.open(tmp.resolve(name + ".out"), Linux.O_WRONLY | TestFront.O_CREAT | TestFront.O_TRUNC, 0644);
        int err = sys.open(tmp.resolve(name + ".err"), Linux.O_WRONLY | TestFront.O_CREAT | TestFront.O_TRUNC, 0644);
        open.addAll(List.of(in, out, err));
        return new int[]{in, out, err};
    }

    TestFront.Answer call(String name, boolean spawn, String... args) {
        List<String> argv = new ArrayList<>(List.of("--root", root.toString()));
        argv.addAll(List.of(args));
        return TestFront.call(sys, root.resolve(Server.DIR).resolve(Server.SOCKET), tmp, stdio(name), argv,
                spawn ? Home.initBinary() : null);
    }

    static void done(TestFront.Answer a, int exit) {
        assertNotNull(a.reply(), "no reply");
        assertEquals(Protocol.DONE, a.reply().kind(), a.reply().message());
        assertTrue(a.acked());
        assertEquals(exit, a.reply().exit());
    }

    int statePid(String id) throws IOException {
        String s = Files.readString(root.resolve(id).resolve("state.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"init_process_pid\":(\\d+)|\"pid\":(\\d+)").matcher(s);
        assertTrue(m.find(), s);
        return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
    }

    int exitCode(int pid) {
        int st = sys.waitpid(pid, 0)[1];
        return (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f);
    }

    @Test
    void createStartWaitDelete() throws Exception {
        // a createRuntime hook: the runtime runs it, as the caller's child with the caller's cgroups and limits;
        // here it would be the planner's child: declined (nothing done, not acknowledged), the CLI runs it
        config(List.of("sh", "-c", "echo planner-ran; exit 7"), "echo hook-cwd $(pwd)");
        inProcessServer();
        String id = id("cycle");
        TestFront.Answer hooked = call("hooked", true, "create", "-b", "bundle", id);
        assertEquals(Protocol.FALLBACK, hooked.reply().kind());
        assertEquals("runtime hooks", hooked.reply().message());
        // (declined inside the command, after the acknowledgement: a FALLBACK means nothing done either way)
        assertFalse(Files.exists(root.resolve(id)));
        config(List.of("sh", "-c", "echo planner-ran; exit 7"), null);
        TestFront.Answer c = call("create", true, "create", "-b", "bundle", id); // relative: against the caller's cwd
        done(c, 0);
        assertEquals("", Files.readString(tmp.resolve("create.err")));
        int pid = statePid(id);
        assertTrue(Files.readString(root.resolve(id).resolve("state.json")).contains(tmp.resolve("bundle").toString()));
        done(call("start", false, "start", id), 0);
        assertEquals(7, exitCode(pid), "the container's init is the front's child");
        assertEquals("planner-ran\n", Files.readString(tmp.resolve("create.out")));
        done(call("delete", false, "delete", id), 0);
        assertFalse(Files.exists(root.resolve(id)));
        assertEquals(List.of(), leftoverCgroups(id));
        assertEquals(3, server.served.get());
        assertEquals(1, server.declined.get());
    }

    @Test
    void foregroundRunHandsBackTheWaiter() throws Exception {
        config(List.of("sh", "-c", "echo run-ran"), null);
        inProcessServer();
        String id = id("run");
        TestFront.Answer a = call("run", true, "run", "-b", tmp.resolve("bundle").toString(), id);
        done(a, 0);
        int pid = a.reply().pid();
        assertTrue(pid > 0);
        List<String> w = a.reply().waiter();
        assertEquals(List.of("jrunc-init", "wait", Integer.toString(pid), "--"), w.subList(0, 4));
        assertEquals(List.of("delete", "-f", id), w.subList(w.size() - 3, w.size()));
        assertEquals(0, exitCode(pid));
        assertEquals("run-ran\n", Files.readString(tmp.resolve("run.out")));
        // the waiter's cleanup, through the planner
        done(call("delete", false, "delete", "-f", id), 0);
        assertFalse(Files.exists(root.resolve(id)));
    }

    /**
     * The front of a foreground run dies after the acknowledgement (its caller was killed): the planner
     * cannot hand the waiter over, so it does what the waiter would: kills the process and deletes the
     * container, instead of leaving it running with nobody to wait for it.
     */
    @Test
    void aForegroundRunWhoseFrontIsGoneIsKilledAndDeleted() throws Exception {
        config(List.of("sleep", "100"), "sleep 0.5"); // the hook: the front hangs up before the reply
        inProcessServer();
        String id = id("gone");
        TestFront.hangUpAfterAck = true;
        try {
            TestFront.Answer a = call("gone", true, "run", "-b", tmp.resolve("bundle").toString(), id);
            assertTrue(a.acked());
            assertNull(a.reply());
        } finally {
            TestFront.hangUpAfterAck = false;
        }
        for (int i = 0; i < 250 && (Files.exists(root.resolve(id)) || !leftoverCgroups(id).isEmpty()); i++) {
            reapZombieChildren(); // the killed init is this JVM's child, as it is the front's
            Thread.sleep(20);
        }
        assertFalse(Files.exists(root.resolve(id)), "the container is deleted");
        assertEquals(List.of(), leftoverCgroups(id));
    }

    @Test
    void exec() throws Exception {
        config(List.of("sleep", "100"), null);
        inProcessServer();
        String id = id("exec");
        done(call("create", true, "create", "-b", "bundle", id), 0);
        int init = statePid(id);
        done(call("start", false, "start", id), 0);
        TestFront.Answer e = call("exec", true, "exec", id, "sh", "-c", "echo exec-ran; exit 3");
        done(e, 0);
        assertEquals(3, exitCode(e.reply().pid()));
        assertEquals("exec-ran\n", Files.readString(tmp.resolve("exec.out")));
        // errors keep runc's exit code and go to the caller's stderr
        TestFront.Answer bad = call("bad", true, "exec", "nosuch-" + id, "true");
        assertEquals(255, bad.reply().exit());
        assertTrue(Files.readString(tmp.resolve("bad.err")).contains("exec failed: container does not exist"),
                Files.readString(tmp.resolve("bad.err")));
        done(call("kill", false, "kill", id, "KILL"), 0);
        assertEquals(137, exitCode(init));
        done(call("delete", false, "delete", id), 0);
    }

    @Test
    void plannerKilledInTheMiddleOfCreate() throws Exception {
        // a createContainer hook (run by the init, in the container: the planner waits for its "ready"
        // meanwhile) holds the create; runtime hooks would send the call to the direct JVM
        config(List.of("true"), "exec sleep 5", "createContainer");
        Path launcher = Home.launcher();
        Process planner = new ProcessBuilder(launcher.toString(), "--root", root.toString(), "__planner", "--idle-ms", "60000")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("planner.err").toFile()).start();
        Path sock = root.resolve(Server.DIR).resolve(Server.SOCKET);
        int hook = -1;
        try {
            for (int i = 0; i < 3000 && !Files.exists(sock); i++) Thread.sleep(10);
            assertTrue(Files.exists(sock), "planner did not start: " + Files.readString(tmp.resolve("planner.err")));
            String id = id("killed");
            CompletableFuture<TestFront.Answer> create = CompletableFuture.supplyAsync(() -> call("killed", true, "create", "-b", "bundle", id));
            Path state = root.resolve(id).resolve("state.json");
            int init = 0;
            for (int i = 0; i < 3000 && init <= 0; i++) {
                Thread.sleep(10);
                try { init = statePid(id); } catch (IOException | AssertionError notYet) { init = 0; }
            }
            assertTrue(Files.exists(state), "create never got as far as its state");
            Thread.sleep(300); // into the hook's 5 s
            assertTrue(init > 0);
            // the planner left the caller's (this test's) cgroup for its own
            String cgroups = Files.readString(Path.of("/proc/" + planner.pid() + "/cgroup"));
            assertTrue(cgroups.contains(":" + Server.CGROUP + "\n"), cgroups);
            planner.destroyForcibly(); // SIGKILL to the pid we started (the launcher execs the JVM in place)
            assertTrue(planner.waitFor(30, TimeUnit.SECONDS));
            TestFront.Answer a = create.get(60, TimeUnit.SECONDS);
            assertTrue(a.acked(), "the call was taken");
            assertNull(a.reply(), "no reply: the front reports a failure, it does not fall back");
            // the init lost its sync socket: it exits; it is ours (the front's) to reap
            exitCode(init);
            // the stale socket refuses connections: the next call falls back to the direct JVM
            assertThrows(io.jrunc.sys.LinuxException.class, () -> sys.connectUnix(sock.toString()));
            assertTrue(Files.exists(root.resolve(id)), "the half-made container is there for delete --force");
            assertFalse(leftoverCgroups(id).isEmpty(), "its cgroup too");
            Direct d = direct("delete", "--force", id);
            assertEquals(0, d.code, d.err);
            assertFalse(Files.exists(root.resolve(id)), "state dir left");
            assertEquals(List.of(), leftoverCgroups(id), "cgroup left");
            assertFalse(io.jrunc.sys.Proc.isAlive(init, io.jrunc.sys.Proc.startTime(init)), "init left");
            // and the id can be used again
            config(List.of("true"), null);
            Direct again = direct("create", "-b", tmp.resolve("bundle").toString(), id);
            assertEquals(0, again.code, again.err);
        } finally {
            if (planner.isAlive()) planner.destroyForcibly();
            if (hook > 0) {
                try { sys.kill(hook, 9); } catch (RuntimeException ignored) { }
            }
            planner.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void parallelContainers() throws Exception {
        config(List.of("sh", "-c", "echo par-$PPID"), null);
        inProcessServer();
        int n = 12;
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = id("par" + i);
                String name = "par" + i;
                fs.add(ex.submit(() -> {
                    TestFront.Answer a = call(name, true, "run", "-b", "bundle", id);
                    done(a, 0);
                    int code = exitCode(a.reply().pid());
                    done(call(name + "-d", false, "delete", "-f", id), 0);
                    return code;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : fs) assertEquals(0, f.get(120, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        for (int i = 0; i < n; i++) {
            assertEquals("par-0\n", Files.readString(tmp.resolve("par" + i + ".out")), "each container's output on its own stdout");
            assertEquals("", Files.readString(tmp.resolve("par" + i + ".err")));
            assertFalse(Files.exists(root.resolve(id("par" + i))));
        }
        assertEquals(2 * n, server.served.get());
    }

    /**
     * The fault injection for create: a planner process SIGKILLed at a random moment of a create
     * (before it took the call, while planning, cloning, in the cgroup, after); whatever the moment, either
     * nothing was done (no acknowledgement: the front falls back) or `delete --force` cleans up everything.
     */
    @Test
    void plannerKilledAtRandomPointsOfCreate() throws Exception {
        config(List.of("true"), null);
        java.util.Random rnd = new java.util.Random(Long.getLong("planner.seed", System.nanoTime()));
        Path sock = root.resolve(Server.DIR).resolve(Server.SOCKET);
        int acked = 0, replied = 0, halfMade = 0;
        for (int round = 0; round < 8; round++) {
            Process planner = new ProcessBuilder(Home.launcher().toString(), "--root", root.toString(), "__planner", "--idle-ms", "60000")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                boolean up = false;
                for (int i = 0; i < 3000 && !up; i++) {
                    try {
                        sys.close(sys.connectUnix(sock.toString())); // the previous round's socket refuses
                        up = true;
                    } catch (io.jrunc.sys.LinuxException e) {
                        Thread.sleep(10);
                    }
                }
                assertTrue(up, "planner did not start");
                // warm it a little so that kills land inside the create rather than in class loading
                call("warm" + round, false, "kill", "nosuch", "KILL");
                String id = id("rnd" + round);
                CompletableFuture<TestFront.Answer> create = CompletableFuture.supplyAsync(() -> call("rnd", true, "create", "-b", "bundle", id));
                Thread.sleep(rnd.nextInt(40));
                planner.destroyForcibly();
                assertTrue(planner.waitFor(30, TimeUnit.SECONDS));
                TestFront.Answer a = create.get(60, TimeUnit.SECONDS);
                if (a.acked()) acked++;
                if (a.reply() != null) replied++;
                if (!a.acked()) assertFalse(Files.exists(root.resolve(id)), "not taken, yet something was made");
                if (a.reply() == null && Files.exists(root.resolve(id))) halfMade++;
                int init = Files.exists(root.resolve(id).resolve("state.json")) ? statePid(id) : 0;
                Direct d = direct("delete", "--force", id);
                assertEquals(0, d.code, d.err);
                if (init > 0) {
                    // the front's child: killed by delete, or exited on EOF of its sync socket; reaped here
                    try { exitCode(init); } catch (io.jrunc.sys.LinuxException ignored) { }
                }
                assertFalse(Files.exists(root.resolve(id)), "round " + round + ": state dir left");
                assertEquals(List.of(), leftoverCgroups(id), "round " + round + ": cgroup left");
            } finally {
                if (planner.isAlive()) planner.destroyForcibly();
                planner.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.println("plannerKilledAtRandomPointsOfCreate: 8 rounds, " + acked + " taken, " + replied + " finished before the kill, "
                + halfMade + " left half-made for delete --force");
    }

    /** A planner process on root, up once it accepts (a dead predecessor's socket refuses). */
    Process startPlanner() throws Exception {
        Process planner = new ProcessBuilder(Home.launcher().toString(), "--root", root.toString(), "__planner", "--idle-ms", "60000")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Path sock = root.resolve(Server.DIR).resolve(Server.SOCKET);
        for (int i = 0; i < 3000; i++) {
            try {
                sys.close(sys.connectUnix(sock.toString()));
                return planner;
            } catch (io.jrunc.sys.LinuxException e) {
                Thread.sleep(10);
            }
        }
        planner.destroyForcibly();
        throw new AssertionError("planner did not start");
    }

    /**
     * Reaps this JVM's zombie children: the exec'd processes of calls whose planner died before replying
     * (their pid never reached the front). A zombie in a container's pid namespace keeps its init from
     * finishing its exit, so a real front must not leave them either (it exits, and the caller's subreaper
     * reaps them). Called when no ProcessBuilder child of this test is left unreaped.
     */
    void reapZombieChildren() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String children;
                try {
                    children = Files.readString(t.resolve("children")).trim();
                } catch (IOException e) {
                    continue; // the thread ended
                }
                if (children.isEmpty()) continue;
                for (String c : children.split(" ")) {
                    int pid = Integer.parseInt(c);
                    try {
                        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                        if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') sys.waitpid(pid, Linux.WNOHANG);
                    } catch (IOException | RuntimeException ignored) { }
                }
            }
        }
    }

    /** The pids in the container's cgroup (one hierarchy that has cgroup.procs). */
    static List<String> cgroupPids(String id) throws IOException {
        for (Path d : leftoverCgroups(id)) {
            Path procs = d.resolve("cgroup.procs");
            if (Files.isReadable(procs) && d.toString().contains("/pids/") || d.toString().startsWith("/sys/fs/cgroup/" + id))
                return Files.readAllLines(procs);
        }
        for (Path d : leftoverCgroups(id)) if (Files.isReadable(d.resolve("cgroup.procs"))) return Files.readAllLines(d.resolve("cgroup.procs"));
        return List.of();
    }

    /**
     * The planner SIGKILLed at random moments of an exec and of a delete: the container is never harmed by
     * a dying exec (its init keeps running, no exec'd process is left in its cgroup), and `delete --force`
     * after a dying delete leaves nothing.
     */
    @Test
    void plannerKilledAtRandomPointsOfExecAndDelete() throws Exception {
        config(List.of("sleep", "100"), null);
        java.util.Random rnd = new java.util.Random(Long.getLong("planner.seed", System.nanoTime()));
        int execTaken = 0, deleteTaken = 0;
        for (int round = 0; round < 4; round++) {
            String id = id("ed" + round);
            String r = Integer.toString(round);
            Direct c = direct("run", "-d", "-b", tmp.resolve("bundle").toString(), id);
            assertEquals(0, c.code, c.err);
            int init = statePid(id);
            long initStart = io.jrunc.sys.Proc.startTime(init);
            Process planner = startPlanner();
            try {
                call("warm" + round, false, "kill", "nosuch", "KILL");
                CompletableFuture<TestFront.Answer> exec = CompletableFuture.supplyAsync(() -> call("ex" + r, true, "exec", id, "sleep", "1"));
                Thread.sleep(rnd.nextInt(40));
                planner.destroyForcibly();
                assertTrue(planner.waitFor(30, TimeUnit.SECONDS));
                TestFront.Answer a = exec.get(60, TimeUnit.SECONDS);
                if (a.acked()) execTaken++;
                if (a.reply() != null && a.reply().pid() > 0) exitCode(a.reply().pid());
                Thread.sleep(50);
                reapZombieChildren();
                assertTrue(io.jrunc.sys.Proc.isAlive(init, initStart), "round " + round + ": the container's init died with the exec");
                // an exec'd process that lost the planner exits (EOF on its sync socket) before it execs
                List<String> pids = List.of();
                for (int i = 0; i < 300; i++) {
                    pids = cgroupPids(id);
                    if (pids.size() <= 1) break;
                    Thread.sleep(10);
                    reapZombieChildren();
                }
                assertEquals(List.of(Integer.toString(init)), pids, "round " + round + ": left in the container's cgroup");
            } finally {
                if (planner.isAlive()) planner.destroyForcibly();
                planner.waitFor(30, TimeUnit.SECONDS);
            }
            planner = startPlanner();
            try {
                call("warmd" + round, false, "kill", "nosuch", "KILL");
                CompletableFuture<TestFront.Answer> del = CompletableFuture.supplyAsync(() -> call("del" + r, false, "delete", "--force", id));
                Thread.sleep(rnd.nextInt(25));
                planner.destroyForcibly();
                assertTrue(planner.waitFor(30, TimeUnit.SECONDS));
                if (del.get(60, TimeUnit.SECONDS).acked()) deleteTaken++;
            } finally {
                if (planner.isAlive()) planner.destroyForcibly();
                planner.waitFor(30, TimeUnit.SECONDS);
            }
            Direct d = direct("delete", "--force", id);
            assertEquals(0, d.code, d.err);
            assertFalse(Files.exists(root.resolve(id)), "round " + round + ": state dir left");
            assertEquals(List.of(), leftoverCgroups(id), "round " + round + ": cgroup left");
            for (int i = 0; i < 300 && io.jrunc.sys.Proc.isAlive(init, initStart); i++) Thread.sleep(10);
            assertFalse(io.jrunc.sys.Proc.isAlive(init, initStart), "round " + round + ": init left");
        }
        System.out.println("plannerKilledAtRandomPointsOfExecAndDelete: 4 rounds, exec taken " + execTaken + ", delete taken " + deleteTaken);
    }

    record Direct(int code, String err) {}

    /** bin/jrunc (the front and the direct JVM) with this test's root. */
    Direct direct(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Home.launcher().toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(tmp, "direct", ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Direct(p.exitValue(), Files.readString(err));
    }

    static List<Path> leftoverCgroups(String name) throws IOException {
        for (int attempt = 0;; attempt++) {
            List<Path> out = new ArrayList<>();
            try (Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 5,
                    (p, a) -> a.isDirectory() && p.getFileName() != null && p.getFileName().toString().startsWith(name))) {
                s.forEach(out::add);
                return out;
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 5) throw e;
            }
        }
    }
}
