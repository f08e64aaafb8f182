package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jrunc's C front and its JVM give byte-identical answers from the same state directory. {@link #front} also
 * proves that the front answered: with JRUNC_FRONT_ONLY=1 the entry binary exits {@value #FRONT_ONLY_EXIT}
 * instead of falling back to the JVM.
 */
class FrontTest extends ConformanceBase {
    static final Map<String, String> JVM = Map.of("JRUNC_NO_FRONT", "1");
    static final Map<String, String> FRONT_ONLY = Map.of("JRUNC_FRONT_ONLY", "1");
    /** native-helper/src/init.h FRONT_ONLY_EXIT */
    static final int FRONT_ONLY_EXIT = 199;

    /** An error's log line carries its time; everything else must be equal. */
    private static String masked(String err) {
        return err.replaceAll("time=\"[^\"]*\"", "time=\"\"");
    }

    /** Front (or its fallback) and JVM agree: exit code, stdout, stderr. */
    private void same(Rt r, String... args) {
        Rt.Result fast = r.run(args), slow = r.runEnv(JVM, args);
        assertEquals(slow.code(), fast.code(), String.join(" ", args) + "\nfront: " + fast + "\njvm: " + slow);
        assertEquals(slow.out(), fast.out(), String.join(" ", args));
        assertEquals(masked(slow.err()), masked(fast.err()), String.join(" ", args));
    }

    /** The front answers by itself (no JVM fallback), byte for byte as the JVM does. */
    private Rt.Result front(Rt r, String... args) {
        return front(r, Map.of(), args);
    }

    private Rt.Result front(Rt r, Map<String, String> env, String... args) {
        Map<String, String> fe = new java.util.HashMap<>(env), je = new java.util.HashMap<>(env);
        fe.putAll(FRONT_ONLY);
        je.putAll(JVM);
        Rt.Result fast = r.runEnv(fe, args), slow = r.runEnv(je, args);
        String what = String.join(" ", args) + "\nfront: " + fast + "\njvm: " + slow;
        assertNotEquals(FRONT_ONLY_EXIT, fast.code(), "the front did not answer: " + what);
        assertEquals(slow.code(), fast.code(), what);
        assertEquals(slow.out(), fast.out(), what);
        assertEquals(slow.err(), fast.err(), what);
        return fast;
    }

    /** The front leaves this call to the JVM (and the JVM path still answers the same either way). */
    private void fallsBack(Rt r, Map<String, String> env, String... args) {
        Map<String, String> fe = new java.util.HashMap<>(env);
        fe.putAll(FRONT_ONLY);
        Rt.Result fast = r.runEnv(fe, args);
        assertEquals(FRONT_ONLY_EXIT, fast.code(), String.join(" ", args) + ": expected a fallback, got " + fast);
        assertTrue(fast.err().contains("JRUNC_FRONT_ONLY"), fast.toString());
        assertEquals("", fast.out());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void stateIsIdenticalInEveryStatus(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's own two paths");
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.config.putObject("annotations").put("a\"quote", "v<&>");
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        pidOf(r, id);
        front(r, "state", id);
        assertEquals("created", status(r, id));
        r.ok("start", id);
        front(r, "state", id);
        r.ok("pause", id);
        front(r, "state", id);
        assertEquals("paused", status(r, id));
        r.ok("resume", id);
        // the front signals; the JVM path then sees the same stopped container
        r.ok("kill", id, "SIGKILL");
        waitForStatus(r, id, "stopped");
        front(r, "state", id);
        same(r, "kill", id, "TERM");
        same(r, "start", id);
        r.ok("delete", id);
        same(r, "state", id);
    }

    /** JRUNC_FRONT_ONLY: a command the front does not answer fails with its own exit code, and no JVM runs. */
    @ParameterizedTest @MethodSource("runtimes")
    void frontOnlyNeverStartsTheJvm(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's own two paths");
        Rt r = rt(name);
        TestBundle b = bundle().args("true");
        b.write();
        fallsBack(r, Map.of(), "create", "-b", b.dir.toString(), id);
        try (var s = Files.list(r.root)) {
            assertEquals(List.of(), s.toList(), "create ran although JRUNC_FRONT_ONLY was set");
        }
        fallsBack(r, Map.of(), "ps", id); // the table runs ps(1): the JVM's
        fallsBack(r, JVM, "state", id);   // JRUNC_NO_FRONT and JRUNC_FRONT_ONLY together: nothing can answer
    }

    @ParameterizedTest @MethodSource("runtimes")
    void listAndPsInEveryStatus(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's own two paths");
        Rt r = rt(name);
        // an empty root, and one that does not exist: both list nothing
        Rt.Result empty = front(r, "list");
        assertEquals("ID          PID         STATUS      BUNDLE      CREATED     OWNER\n", empty.out());
        assertEquals("", front(r, "list", "-q").out());
        assertEquals("[]\n", front(r, "list", "-f", "json").out());
        Rt none = new Rt(name, r.binary, tmp.resolve("no-such-root"));
        front(none, "list");
        front(none, "list", "--format=json");

        String created = id + "-c", running = id + "-r", paused = id + "-p", stopped = id + "-s";
        List<String> all = List.of(created, paused, running, stopped); // list's order: sorted ids
        TestBundle b = bundle().sh("sleep 1000 & wait");
        b.write();
        try {
            for (String c : List.of(running, stopped, created, paused)) {
                r.ok("create", "-b", b.dir.toString(), c);
                pidOf(r, c);
                if (!c.equals(created)) r.ok("start", c);
            }
            r.ok("pause", paused);
            r.ok("kill", stopped, "KILL");
            waitForStatus(r, stopped, "stopped");
            Path execPid = tmp.resolve("exec.pid");
            r.ok("exec", "-d", "--pid-file", execPid.toString(), running, "sleep", "1000");

            // jrunc's seccomp cache lives in the root too: neither path lists it, the front still answers
            Files.createDirectories(r.root.resolve("@seccomp"));
            Rt.Result table = front(r, "list");
            for (String c : all) assertTrue(table.out().contains(c), table.out());
            assertFalse(table.out().contains("@seccomp"), table.out());
            assertEquals(String.join("\n", all) + "\n", front(r, "list", "-q").out());
            assertEquals(String.join("\n", all) + "\n", front(r, "list", "--quiet", "--format", "json").out());
            JsonNode json = TestBundle.parse(front(r, "list", "-f", "json").out());
            front(r, "list", "--format=json");
            front(r, "list", "-format", "table", "-q=false");
            List<String> statuses = new ArrayList<>();
            for (JsonNode c : json) statuses.add(c.get("id").asText() + "=" + c.get("status").asText());
            assertEquals(List.of(created + "=created", paused + "=paused", running + "=running", stopped + "=stopped"),
                    statuses);

            // ps --format json: the init, its forked sleep and the exec'd sleep
            JsonNode pids = null;
            for (int i = 0; i < 100; i++) {
                pids = TestBundle.parse(r.ok("ps", "--format", "json", running).out());
                if (pids.size() == 3) break;
                Thread.sleep(20);
            }
            assertEquals(3, pids.size(), pids.toString());
            assertEquals(pids, TestBundle.parse(front(r, "ps", "--format", "json", running).out()));
            front(r, "ps", "-f", "json", running);
            // a child cgroup (the directory the front walks is `procs` in docs/state-format.md): its pids come
            // after the parent's, depth first, as Java's Fs.procs has them
            String procs = null;
            for (String l : Files.readAllLines(r.root.resolve(running).resolve("fast")))
                if (l.startsWith("procs ")) procs = l.substring(6);
            assertNotNull(procs, "fast has no procs line");
            String exec = Files.readString(execPid).trim();
            Path sub = Files.createDirectory(Path.of(procs, "sub"));
            Files.writeString(sub.resolve("cgroup.procs"), exec);
            JsonNode nested = TestBundle.parse(front(r, "ps", "-f", "json", running).out());
            assertEquals(3, nested.size(), nested.toString());
            assertEquals(exec, nested.get(2).asText(), "the child cgroup's pid comes last: " + nested);
            front(r, "ps", "--format=json", paused);
            assertEquals(2, TestBundle.parse(front(r, "ps", "-f", "json", paused).out()).size());
            assertEquals(1, TestBundle.parse(front(r, "ps", "-f", "json", created).out()).size());
            String gone = null;
            for (int i = 0; i < 100 && !"[]\n".equals(gone); i++) {
                gone = front(r, "ps", "-f", "json", stopped).out();
                if (!"[]\n".equals(gone)) Thread.sleep(20);
            }
            assertEquals("[]\n", gone);

            // a container directory without the front's files (a create in progress): the whole list is the JVM's
            Path partial = Files.createDirectory(r.root.resolve(id + "-x"));
            try {
                fallsBack(r, Map.of(), "list");
                fallsBack(r, Map.of(), "list", "-q");
                same(r, "list", "-f", "json");
            } finally {
                Files.delete(partial);
            }
            front(r, "list");
        } finally {
            for (String c : all) r.run("delete", "-f", c);
        }
        assertEquals("[]\n", front(r, "list", "--format", "json").out());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void versionAndFeaturesFromTheBuild(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's own two paths");
        Rt r = rt(name);
        assertTrue(front(r, "--version").out().startsWith("jrunc version "));
        front(r, "-v");
        assertEquals("1.3.0", TestBundle.parse(front(r, "features").out()).get("ociVersionMax").asText());
        // the outputs name the JVM and depend on it: another JVM, or JVM options, and the front keeps out
        fallsBack(r, Map.of("JRUNC_JAVA", "/bin/true"), "--version");
        fallsBack(r, Map.of("JRUNC_JAVA", "/bin/true"), "features");
        fallsBack(r, Map.of("JAVA_TOOL_OPTIONS", "-Dx=y"), "--version");
        fallsBack(r, Map.of(), "--version", "list"); // Java prints the version anyway; the front leaves it
        // a cache older than the jar is stale
        Path target = Path.of(System.getProperty("jrunc.home", "."), "runtime/target").toAbsolutePath();
        Path version = target.resolve("version.txt");
        FileTime was = Files.getLastModifiedTime(version);
        try {
            Files.setLastModifiedTime(version,
                    FileTime.fromMillis(Files.getLastModifiedTime(target.resolve("jrunc.jar")).toMillis() - 60_000));
            fallsBack(r, Map.of(), "--version");
            same(r, "--version");
        } finally {
            Files.setLastModifiedTime(version, was);
        }
        front(r, "--version");
    }
}
