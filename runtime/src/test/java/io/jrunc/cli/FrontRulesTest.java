package io.jrunc.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.cgroup.Cgroup;
import io.jrunc.container.Signals;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.sys.Proc;
import io.jrunc.state.StateStore;
import io.jrunc.sys.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C front (native-helper/target/jrunc) and Java apply the same rules to the same state directories
 * (docs/front.md): the status of created, running, paused (v1 and v2 freezer), stopped, stale-pid and zombie
 * containers; the signal every name and number means; which commands the front leaves to the JVM in which status;
 * `list` rows. No root and no container: the state directories are written by Java's own StateStore.saveFast
 * for processes this test starts, in an installation laid out in a temp directory with front.facts from
 * {@link FrontCache#facts} (the front finds it next to the jar, as it does after the build).
 *
 * The front runs with JRUNC_FRONT_ONLY=1: exit {@value #FALLBACK} means it left the call to the JVM.
 */
class FrontRulesTest {
    static final int FALLBACK = 199; // native-helper/src/init.h FRONT_ONLY_EXIT

    @TempDir Path tmp;
    Path front, root;
    StateStore store;
    final List<Process> procs = new ArrayList<>();

    @BeforeEach
    void install() throws IOException {
        Path built = Home.root().resolve("native-helper/target/jrunc");
        assertTrue(Files.isExecutable(built), built + " is missing: the native-helper module builds it");
        Path home = tmp.resolve("home");
        front = Files.createDirectories(home.resolve("native-helper/target")).resolve("jrunc");
        Files.copy(built, front, StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(home.resolve("runtime/target"));
        Files.write(target.resolve("jrunc.jar"), new byte[1234]);
        Files.writeString(target.resolve(FrontCache.FACTS), FrontCache.facts(1234));
        root = Files.createDirectories(tmp.resolve("root"));
        store = new StateStore(root);
    }

    @AfterEach
    void stop() {
        for (Process p : procs) p.destroyForcibly();
    }

    record Out(int code, String out, String err) {}

    Out front(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(front.toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JRUNC_FRONT_ONLY", "1");
        pb.environment().put("JRUNC_JAVA", "/nonexistent/java"); // never a JVM, whatever happens
        Path out = tmp.resolve("out"), err = tmp.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "front hung: " + cmd);
        return new Out(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Process spawn(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        procs.add(p);
        return p;
    }

    /** A process that sleeps with every signal it can block blocked: a signal sent to it stays pending. */
    Process sink() throws Exception {
        Process p = spawn("python3", "-c", "import signal, os\n"
                + "signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP})\n"
                + "os.execv('/bin/sleep', ['sleep', '1000'])");
        for (int i = 0; i < 500; i++) {
            if (Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip().equals("sleep")) return p;
            Thread.sleep(5);
        }
        fail("the sink did not start");
        return null;
    }

    ContainerState container(String id, long pid, long startTime, Map<String, String> cgroups, boolean fifo) {
        store.createDir(id);
        ContainerState s = new ContainerState(id, (int) pid, startTime, "/bundle/" + id, "/bundle/" + id + "/rootfs",
                "2026-12-06T15:00:00.000000001Z", "", Map.of("a", "b"), cgroups, false, null, false);
        store.save(s);
        if (fifo) {
            try {
                Files.createFile(store.dir(id).resolve(StateStore.FIFO));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        store.saveFast(s, "-", false, false);
        return s;
    }

    ContainerState live(String id, Process p, Map<String, String> cgroups, boolean fifo) {
        return container(id, p.pid(), Proc.startTime((int) p.pid()), cgroups, fifo);
    }

    /** Java's status, as the engine derives it (its kernel's liveness test, its cgroup driver's freezer). */
    String javaStatus(ContainerState s) {
        return io.jrunc.container.Engine.builder(store.root()).seccompCache(false).build().status(s).ociName();
    }

    /** `state` from the front is Java's `state` (StateCommand prints Json.pretty(toOci(status))). */
    void sameState(ContainerState s, String expected) throws Exception {
        String status = javaStatus(s);
        assertEquals(expected, status, "Java's status of " + s.id());
        Out o = front("state", s.id());
        assertEquals(0, o.code(), "the front did not answer state " + s.id() + ": " + o);
        assertEquals(Json.pretty(s.toOci(status)), o.out(), "state " + s.id());
    }

    Map<String, String> v1(String name, String state, String self) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("cg-" + name));
        if (state != null) Files.writeString(d.resolve("freezer.state"), state + "\n");
        if (self != null) Files.writeString(d.resolve("freezer.self_freezing"), self + "\n");
        return Map.of("freezer", d.toString(), "pids", d.toString());
    }

    Map<String, String> v2(String name, String freeze) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("cg-" + name));
        if (freeze != null) Files.writeString(d.resolve("cgroup.freeze"), freeze + "\n");
        return Map.of("", d.toString());
    }

    @Test
    void statusOfEveryKindOfContainerIsJavas() throws Exception {
        Process a = spawn("sleep", "1000");
        sameState(live("created", a, Map.of(), true), "created");
        sameState(live("running", a, Map.of(), false), "running");
        sameState(live("nocgroup", a, Map.of("pids", tmp.toString()), false), "running");
        // v1: FROZEN by itself is paused (created or not), through an ancestor (self_freezing 0) it is not
        sameState(live("v1frozen", a, v1("a", "FROZEN", "1"), false), "paused");
        sameState(live("v1frozenc", a, v1("b", "FROZEN", "1"), true), "paused");
        sameState(live("v1noself", a, v1("c", "FROZEN", null), false), "paused");
        sameState(live("v1ancestor", a, v1("d", "FROZEN", "0"), false), "running");
        sameState(live("v1thawed", a, v1("e", "THAWED", "0"), true), "created");
        sameState(live("v1gone", a, v1("f", null, null), false), "running");
        // v2: cgroup.freeze, as Java reads it (not cgroup.events)
        sameState(live("v2frozen", a, v2("g", "1"), false), "paused");
        sameState(live("v2thawed", a, v2("h", "0"), false), "running");
        sameState(live("v2gone", a, v2("i", null), true), "created");

        // stopped: the process is gone, or the pid is someone else's now (start time), or a zombie
        Process b = spawn("true");
        b.waitFor();
        sameState(container("gone", b.pid(), 1, Map.of(), true), "stopped");
        sameState(container("stale", a.pid(), Proc.startTime((int) a.pid()) + 1, Map.of(), false), "stopped");
        // pid 0 (a create that died before cloning: it never gets to saveFast) is the JVM's
        assertEquals("stopped", javaStatus(container("zeropid", 0, -1, Map.of(), false)));
        assertEquals(FALLBACK, front("state", "zeropid").code());
        Process z = spawn("sh", "-c", "true & echo $!; exec sleep 1000"); // the true is a zombie child of sleep
        long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(z.getInputStream(),
                StandardCharsets.US_ASCII)).readLine().strip());
        for (int i = 0; i < 200 && !Files.readString(Path.of("/proc/" + zombie + "/stat")).contains(") Z "); i++)
            Thread.sleep(5);
        sameState(container("zombie", zombie, Proc.startTime((int) zombie), Map.of(), false), "stopped");
    }

    /** Where Java would wait (v1 FREEZING) or read differently, the front leaves the call to the JVM. */
    @Test
    void uncertainFreezerStatesGoToTheJvm() throws Exception {
        Process a = spawn("sleep", "1000");
        live("freezing", a, v1("a", "FREEZING", "1"), false);
        assertEquals(FALLBACK, front("state", "freezing").code());
        live("odd", a, v2("b", "2"), false);
        assertEquals(FALLBACK, front("state", "odd").code());
        assertEquals("running", javaStatus(store.load("odd")));
        // a fast file of the older format (v1): the JVM's
        live("old", a, Map.of(), false);
        Path fast = store.dir("old").resolve(StateStore.FAST);
        Files.writeString(fast, Files.readString(fast).replaceFirst("^v2\n", "v1\n"));
        assertEquals(FALLBACK, front("state", "old").code());
    }

    @Test
    void withoutCurrentFactsTheFrontAnswersNothing() throws Exception {
        Process a = spawn("sleep", "1000");
        live("c", a, Map.of(), false);
        assertEquals(0, front("state", "c").code());
        Path facts = front.getParent().getParent().getParent().resolve("runtime/target/front.facts");
        String good = Files.readString(facts);
        Files.writeString(facts, good.replace("jar 1234\n", "jar 1235\n")); // another jar's facts
        assertEquals(FALLBACK, front("state", "c").code());
        Files.writeString(facts, good + "rule-from-the-future x\n"); // a rule this front would not apply
        assertEquals(FALLBACK, front("state", "c").code());
        Files.writeString(facts, good);
        assertEquals(0, front("state", "c").code());
        Files.delete(facts);
        assertEquals(FALLBACK, front("list").code());
    }

    /** kill, start and delete: the front answers only in the statuses front.facts allows, else the JVM does. */
    @Test
    void commandsLeaveOtherStatusesToTheJvm() throws Exception {
        Process a = spawn("sleep", "1000");
        live("created", a, Map.of(), true);
        live("running", a, Map.of(), false);
        live("paused", a, v2("p", "1"), false);
        Process b = spawn("true");
        b.waitFor();
        container("stopped", b.pid(), 1, Map.of(), false);
        Map<String, List<String>> allow = FrontCache.FRONT_COMMANDS;
        for (String st : List.of("created", "running", "paused", "stopped")) {
            // start of anything but created, delete of anything but stopped, kill of stopped: the JVM's
            if (!allow.get("start").contains(st)) assertEquals(FALLBACK, front("start", st).code(), "start " + st);
            if (!allow.get("delete").contains(st)) assertEquals(FALLBACK, front("delete", st).code(), "delete " + st);
            if (!allow.get("kill").contains(st)) assertEquals(FALLBACK, front("kill", st, "0").code(), "kill " + st);
            assertTrue(Files.isDirectory(store.dir(st)), st + " was removed");
        }
        assertTrue(a.isAlive());
        for (String st : List.of("created", "running", "paused")) assertEquals(0, front("kill", st, "0").code(), "kill -0 " + st);
        assertEquals(0, front("delete", "stopped").code());
        assertFalse(Files.exists(store.dir("stopped")));
    }

    long pending(Process p) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")))
            if (l.startsWith("ShdPnd:")) return Long.parseUnsignedLong(l.substring(7).strip(), 16);
        throw new AssertionError("no ShdPnd");
    }

    char state(Process p) throws IOException {
        String s = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        return s.charAt(s.lastIndexOf(')') + 2);
    }

    /**
     * The signal the front sends for a name or number is Signals.parse's; what parse refuses the front leaves to
     * the JVM; every canonical name, SIG+name in lower case and every number parse accepts the front answers.
     */
    @Test
    void everySignalNameAndNumberMeansWhatJavaMeans() throws Exception {
        Map<String, Boolean> words = new LinkedHashMap<>(); // word -> the front must answer it
        for (String n : Signals.table().keySet()) {
            words.put(n, true);
            words.put("sig" + n.toLowerCase(), true);
            words.put("Sig" + n, true);
        }
        for (int i = 0; i <= Signals.MAX; i++) words.put(Integer.toString(i), true);
        for (String w : List.of("65", "-1", "+5", "05", "1x", "", "SIG", "RTMIN+0", "RTMIN+31", "RTMAX-31", "RTMAX+1",
                "RTMIN+01", "RTMIN1", "NOPE", "KILLX", "9999999999999999999999", "SIGSIGKILL", "\u017figkill"))
            words.putIfAbsent(w, false);
        List<Process> sinks = new ArrayList<>();
        int answered = 0;
        for (var e : words.entrySet()) {
            String w = e.getKey();
            Integer want;
            try {
                want = Signals.parse(w);
            } catch (RuntimeException ex) {
                want = null;
            }
            if (w.isEmpty()) want = null; // Commands.kill: an empty word is no signal the front reads (the JVM's)
            // a sleeping sink where this signal is not pending yet; a fresh one for those that end or stop it
            boolean ends = want != null && want == 9, stops = want != null && want == 19;
            Process s = null;
            for (Process c : sinks)
                if (!ends && !stops && c.isAlive() && state(c) == 'S' && (want == null || (pending(c) & bit(want)) == 0)) s = c;
            if (s == null) {
                s = sink();
                sinks.add(s);
            }
            String id = "s" + s.pid();
            if (!Files.exists(store.dir(id))) live(id, s, Map.of(), false);
            long before = pending(s);
            Out o = front("kill", id, w);
            if (want == null) {
                assertEquals(FALLBACK, o.code(), "kill " + w + ": Java refuses it, the front answered " + o);
                continue;
            }
            if (o.code() == FALLBACK) {
                assertFalse(e.getValue(), "the front left `kill " + w + "` (" + want + ") to the JVM");
                continue;
            }
            assertEquals(0, o.code(), "kill " + w + ": " + o);
            answered++;
            if (ends) {
                assertTrue(s.waitFor(5, TimeUnit.SECONDS), "kill " + w + " did not end the sink");
            } else if (stops) {
                for (int i = 0; i < 200 && state(s) != 'T'; i++) Thread.sleep(5);
                assertEquals('T', state(s), "kill " + w + " did not stop");
            } else if (want == 32 || want == 33) {
                // glibc handles these two in every process (thread cancellation, setxid): delivered, never pending,
                // nothing to observe but the front's exit 0 above
            } else {
                // the bits the kill set: exactly the signal's (a stop signal also discards a pending SIGCONT and back)
                long after = pending(s);
                assertEquals(bit(want), after & ~before, "kill " + w + " (Java: " + want + ")");
                if (want != 0) assertNotEquals(0, after & bit(want), "kill " + w + " (Java: " + want + ") not pending");
            }
        }
        assertTrue(answered >= Signals.table().size() * 3 + Signals.MAX, "answered " + answered);
        procs.addAll(sinks);
    }

    static long bit(int sig) { return sig == 0 ? 0 : 1L << (sig - 1); }

    /** list: the front's rows are Commands.list's (ids sorted, Java's status and pid, Commands.table's layout). */
    @Test
    void listRowsAreJavas() throws Exception {
        Process a = spawn("sleep", "1000");
        Process b = spawn("true");
        b.waitFor();
        List<ContainerState> all = List.of(live("a-created", a, Map.of(), true), live("b-paused", a, v1("p", "FROZEN", "1"), false),
                live("c-running", a, Map.of(), false), container("d-stopped", b.pid(), 1, Map.of(), false));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
        List<Map<String, Object>> json = new ArrayList<>();
        for (ContainerState s : all) {
            Map<String, Object> m = s.toList(javaStatus(s), store.owner(s.id()).name());
            json.add(m);
            rows.add(new String[]{(String) m.get("id"), String.valueOf(m.get("pid")), (String) m.get("status"),
                    (String) m.get("bundle"), (String) m.get("created"), (String) m.get("owner")});
        }
        Out table = front("list");
        assertEquals(0, table.code(), table.toString());
        assertEquals(ListCommand.table(rows), table.out());
        Out j = front("list", "-f", "json");
        assertEquals(0, j.code(), j.toString());
        assertEquals(Json.write(json) + "\n", j.out());
        assertTrue(table.out().contains("d-stopped   0 ") && table.out().contains("b-paused    " + a.pid()), table.out());
    }
}
